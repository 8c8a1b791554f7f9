using VGate.Testing;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The stock Go client of <c>examples/go</c>, built once per test run by <c>examples/go/build.sh</c> (protoc,
/// protoc-gen-go, protoc-gen-go-grpc and Debian's Go packages, offline) into a temporary directory.
/// </summary>
internal sealed class GoClient : StockClient
{
    // One build per test run: compiling grpc-go takes most of a minute on a busy two-core machine.
    private static readonly Lazy<Task<GoClient>> Built = new(BuildAsync);

    private readonly string _binary;

    private GoClient(string binary) => _binary = binary;

    /// <summary>grpc-go's <c>codes.Code</c> name, in its error text <c>rpc error: code = InvalidArgument desc = …</c>.</summary>
    public override string InvalidArgumentText => "rpc error: code = InvalidArgument desc = ";

    protected override (string Program, IReadOnlyList<string> Prefix) Command => (_binary, []);

    /// <summary>The client, building it on first use (a failed build fails every caller with build.sh's output).</summary>
    public static Task<GoClient> GetAsync() => Built.Value;

    private static async Task<GoClient> BuildAsync()
    {
        // Kept for the whole run (every test uses the binary) and deleted when the test host exits.
        var work = TempDirectory.Create("vgate-goclient");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => work.Dispose();
        var binary = work.Combine("vgate-go-client");
        var script = Path.Combine(RepositoryRoot(), "examples", "go", "build.sh");
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(10));
        var (exit, output, error) = await RunProcessAsync(
            "bash", [script, binary], new Dictionary<string, string> { ["VGATE_GO_WORK"] = work.Combine("build") }, deadline.Token);
        if (exit != 0 || !File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"examples/go/build.sh failed (exit {exit}); install {GoRequirement.Packages} (./scripts/test.sh does):\n{output}\n{error}");
        }
        return new GoClient(binary);
    }
}
