using System.Diagnostics;

namespace VGate.Kafka.Tests.Framework;

/// <summary>Runs the <c>kcat</c> command-line Kafka client.</summary>
public static class Kcat
{
    /// <summary>Full path of kcat on PATH, or null.</summary>
    public static string? Path { get; } = Find();

    /// <summary>Runs kcat with <paramref name="arguments"/>; returns its exit code, standard output and standard error.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("kcat is not installed."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    private static string? Find()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, "kcat");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
