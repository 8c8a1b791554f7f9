using System.CommandLine;

namespace VGate.Cli;

/// <summary>
/// Typed access to a command's parsed options (System.CommandLine does the parsing: unknown options, missing values and
/// repeated single options are errors naming the option), with range checks whose messages name the option, so a typo
/// never silently changes behaviour.
/// </summary>
internal sealed class CommandLineArguments(ParseResult result)
{
    /// <summary>Parses <paramref name="args"/> against <paramref name="command"/>; a parse error is a <see cref="UsageException"/>.</summary>
    public static CommandLineArguments Parse(Command command, IReadOnlyList<string> args)
    {
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0)
            throw new UsageException(parsed.Errors[0].Message);
        return new CommandLineArguments(parsed);
    }

    /// <summary>An option taking one value.</summary>
    public static Option<string> Text(string name) => new("--" + name);

    /// <summary>An option that may be given more than once.</summary>
    public static Option<string[]> Repeatable(string name) => new("--" + name);

    /// <summary>An option taking no value (<c>--name</c>, or <c>--name true|false</c>).</summary>
    public static Option<bool> Flag(string name) => new("--" + name);

    public string? GetString(string name) => result.GetValue<string>("--" + name);

    /// <summary>Every value of a repeatable option, in command-line order.</summary>
    public IReadOnlyList<string> GetStrings(string name) => result.GetValue<string[]>("--" + name) ?? [];

    public string GetRequiredString(string name) =>
        GetString(name) ?? throw new UsageException($"Option --{name} is required.");

    public bool GetFlag(string name) => result.GetValue<bool>("--" + name);

    public long? GetInt64(string name, long min, long max)
    {
        var text = GetString(name);
        if (text is null)
            return null;
        if (!long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"Option --{name} must be a whole number from {min} to {max}, not '{text}'.");
        return value;
    }

    public double? GetSeconds(string name)
    {
        var text = GetString(name);
        if (text is null)
            return null;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
            throw new UsageException($"Option --{name} must be a positive number of seconds, not '{text}'.");
        return value;
    }
}
