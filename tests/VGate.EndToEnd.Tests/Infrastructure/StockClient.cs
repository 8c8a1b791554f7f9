using System.Diagnostics;
using System.Text;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A VTGate client of another stack, built from <c>proto/</c> with that stack's stock tools (<c>examples/</c>), run as a
/// child process. Every such client takes the same command line (<c>--addr</c>, then <c>vstream</c> or <c>execute</c>
/// with the same flags) and prints the same JSON, so one set of scenarios checks them all.
/// </summary>
internal abstract class StockClient
{
    /// <summary>How the client prints the gRPC status INVALID_ARGUMENT on stderr (each stack's own name for it).</summary>
    public abstract string InvalidArgumentText { get; }

    /// <summary>The program and the arguments that come before the client's own.</summary>
    protected abstract (string Program, IReadOnlyList<string> Prefix) Command { get; }

    /// <summary>Environment variables the client needs, if any.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Environment => null;

    /// <summary>The repository's root: the first directory above the test assembly that holds <c>VGate.sln</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VGate.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no VGate.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs the client with <paramref name="arguments"/>; killed if <paramref name="cancellationToken"/> fires first.</summary>
    public Task<(int Exit, string Output, string Error)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunProcessAsync(Command.Program, [.. Command.Prefix, .. arguments], Environment, cancellationToken);

    /// <summary>Runs <paramref name="program"/> and collects its output.</summary>
    protected static async Task<(int Exit, string Output, string Error)> RunProcessAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
            start.Environment[variable] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await error);
    }
}
