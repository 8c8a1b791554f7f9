using VGate.Testing;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>examples/python/vstream.py</c> on Debian's python3-grpcio, with the message modules generated once per test run
/// by <c>examples/python/build.sh</c> (protoc <c>--python_out</c>) into a temporary directory.
/// </summary>
internal sealed class PythonClient : StockClient
{
    private static readonly Lazy<Task<PythonClient>> Built = new(BuildAsync);

    private readonly string _python;
    private readonly string _script;
    private readonly string _generated;

    private PythonClient(string python, string script, string generated)
    {
        _python = python;
        _script = script;
        _generated = generated;
    }

    /// <summary>grpcio's <c>StatusCode</c> name, as vstream.py prints it.</summary>
    public override string InvalidArgumentText => "rpc error: code = INVALID_ARGUMENT desc = ";

    protected override (string Program, IReadOnlyList<string> Prefix) Command => (_python, [_script]);

    protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["VGATE_PY_GENERATED"] = _generated };

    /// <summary>The client, generating its modules on first use.</summary>
    public static Task<PythonClient> GetAsync() => Built.Value;

    private static async Task<PythonClient> BuildAsync()
    {
        var python = PythonRequirement.Interpreter ?? throw new InvalidOperationException(
            $"no python3 that can import grpc and google.protobuf; install {PythonRequirement.Packages} (./scripts/test.sh does)");
        var work = TempDirectory.Create("vgate-pyclient");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => work.Dispose();
        var examples = Path.Combine(RepositoryRoot(), "examples", "python");
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        var (exit, output, error) = await RunProcessAsync("bash", [Path.Combine(examples, "build.sh"), work.Path], null, deadline.Token);
        if (exit != 0)
            throw new InvalidOperationException($"examples/python/build.sh failed (exit {exit}):\n{output}\n{error}");
        return new PythonClient(python, Path.Combine(examples, "vstream.py"), work.Path);
    }
}
