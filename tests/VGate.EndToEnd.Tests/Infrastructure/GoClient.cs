using System.Diagnostics;
using System.Text;
using VGate.Testing;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The stock Go client of <c>examples/go</c>, built once per test run by <c>examples/go/build.sh</c> (protoc,
/// protoc-gen-go, protoc-gen-go-grpc and Debian's Go packages, offline) into a temporary directory, and run as a child
/// process against a gateway.
/// </summary>
internal sealed class GoClient
{
    // One build per test run: compiling grpc-go takes most of a minute on a busy two-core machine.
    private static readonly Lazy<Task<GoClient>> Built = new(BuildAsync);

    private GoClient(string binary) => Binary = binary;

    /// <summary>The built <c>vgate-go-client</c>.</summary>
    public string Binary { get; }

    /// <summary>The client, building it on first use (a failed build fails every caller with build.sh's output).</summary>
    public static Task<GoClient> GetAsync() => Built.Value;

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

    private static async Task<GoClient> BuildAsync()
    {
        // Kept for the whole run (every test uses the binary) and deleted when the test host exits.
        var work = TempDirectory.Create("vgate-goclient");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => work.Dispose();
        var binary = work.Combine("vgate-go-client");
        var script = Path.Combine(RepositoryRoot(), "examples", "go", "build.sh");
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(10));
        var (exit, output, error) = await RunAsync(
            "bash", [script, binary], new Dictionary<string, string> { ["VGATE_GO_WORK"] = work.Combine("build") }, deadline.Token);
        if (exit != 0 || !File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"examples/go/build.sh failed (exit {exit}); install {GoRequirement.Packages} (./scripts/test.sh does):\n{output}\n{error}");
        }
        return new GoClient(binary);
    }

    /// <summary>Runs the client with <paramref name="arguments"/>; killed if <paramref name="cancellationToken"/> fires first.</summary>
    public Task<(int Exit, string Output, string Error)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(Binary, arguments, null, cancellationToken);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(
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
