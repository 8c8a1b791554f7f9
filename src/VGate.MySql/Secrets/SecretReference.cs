// This file is compiled into VGate.MySql, VGate.Kafka and VGate.Cli (linked, each an internal copy) so that every
// command and configuration reads secrets the same way without the Kafka sink depending on the MySQL library.
namespace VGate.Secrets;

/// <summary>
/// The one way VGate takes a secret from somewhere other than the command line: a value that is exactly
/// <c>{env:NAME}</c> is the environment variable NAME, and <c>{file:PATH}</c> is the content of the file PATH (one
/// trailing line break removed). Any other value is the secret itself. Error messages name the variable or file,
/// never a secret.
/// </summary>
internal static class SecretReference
{
    private const string EnvPrefix = "{env:";
    private const string FilePrefix = "{file:";

    /// <summary>Whether <paramref name="value"/> is a <c>{env:…}</c> or <c>{file:…}</c> reference.</summary>
    public static bool IsReference(string? value) =>
        value is not null && value.EndsWith('}') &&
        (value.StartsWith(EnvPrefix, StringComparison.Ordinal) || value.StartsWith(FilePrefix, StringComparison.Ordinal));

    /// <summary>
    /// Returns the secret <paramref name="value"/> stands for: the variable or file it references, or the value itself.
    /// </summary>
    /// <param name="value">A secret or a reference.</param>
    /// <param name="what">What the secret is, for messages (e.g. "the source password").</param>
    /// <exception cref="FormatException">The variable is not set, or the file cannot be read; the message names it.</exception>
    public static string Resolve(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsReference(value))
            return value;
        if (value.StartsWith(EnvPrefix, StringComparison.Ordinal))
        {
            var name = value[EnvPrefix.Length..^1];
            if (name.Length == 0)
                throw new FormatException($"{what}: '{{env:}}' names no environment variable.");
            return Environment.GetEnvironmentVariable(name)
                ?? throw new FormatException($"{what}: the environment variable '{name}' ({value}) is not set.");
        }

        var path = value[FilePrefix.Length..^1];
        if (path.Length == 0)
            throw new FormatException($"{what}: '{{file:}}' names no file.");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            // The exception's own message names only the path, never the content.
            throw new FormatException($"{what}: cannot read the file '{path}' ({value}): {ex.Message}", ex);
        }

        // Files written by editors and `echo` end with a line break that is not part of the secret.
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
            return text[..^2];
        return text.EndsWith('\n') ? text[..^1] : text;
    }
}
