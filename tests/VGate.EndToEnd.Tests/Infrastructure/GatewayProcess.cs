using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using VGate.Testing;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>vgate serve --config FILE</c> as a child process (the CLI built next to the tests), on 127.0.0.1 and a free port:
/// the deployment shape, and the only way to measure the server's own memory apart from the test's.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly List<GrpcChannel> _channels = [];

    private GatewayProcess(Process process, string directory, string address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public string Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>The server's console output (its logs), for failure messages.</summary>
    public string OutputFile => Path.Combine(_directory, "vgate.log");

    /// <summary>
    /// Writes <paramref name="settings"/> (configuration keys, <c>VGate:…</c>) as the JSON config file, starts the
    /// server and waits until its gRPC health check answers SERVING.
    /// </summary>
    /// <param name="settings">The configuration.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <param name="environment">Extra environment variables of the process (e.g. runtime GC settings).</param>
    public static async Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vgate-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var port = FreePort.GetAvailableTcpPort();
        var all = new Dictionary<string, string?>(settings) { ["VGate:Server:Listen"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}") };
        var config = Path.Combine(directory, "vgate.json");
        await File.WriteAllTextAsync(config, ToJson(all).ToJsonString(), cancellationToken);

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >\"$VGATE_E2E_LOG\" 2>&1");
        start.ArgumentList.Add(DotnetHost());
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vgate.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        start.Environment["VGATE_E2E_LOG"] = Path.Combine(directory, "vgate.log");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("vgate serve did not start");
        var gateway = new GatewayProcess(process, directory, string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        try
        {
            await Eventually.AssertAsync(
                async () =>
                {
                    if (process.HasExited)
                        throw new InvalidOperationException($"vgate serve exited with {process.ExitCode}: {gateway.Output()}");
                    var health = new Grpc.Health.V1.Health.HealthClient(gateway.CreateChannel());
                    var status = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), cancellationToken: cancellationToken);
                    // Started once health answers: NOT_SERVING too, since a test may configure sources that are down on purpose.
                    Assert.True(status.Status is Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving
                        or Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing, $"health status {status.Status}");
                },
                TestDeadline.ServerStart,
                cancellationToken);
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
        return gateway;
    }

    public GrpcChannel CreateChannel(int? maxReceiveMessageSize = null)
    {
        var options = new GrpcChannelOptions();
        if (maxReceiveMessageSize is { } max)
            options.MaxReceiveMessageSize = max;
        var channel = GrpcChannel.ForAddress(Address, options);
        lock (_channels)
            _channels.Add(channel);
        return channel;
    }

    /// <summary>The server's resident memory now and at its peak (<c>VmRSS</c>, <c>VmHWM</c> of /proc/PID/status), in bytes.</summary>
    public (long Rss, long PeakRss) Memory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = Kilobytes(line) * 1024;
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                peak = Kilobytes(line) * 1024;
        }
        return (rss, peak);

        static long Kilobytes(string line) => long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The last lines the server wrote.</summary>
    public string Output()
    {
        try
        {
            using var stream = new FileStream(OutputFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 40)));
        }
        catch (IOException ex)
        {
            return $"(no output: {ex.Message})";
        }
    }

    /// <summary>The <c>dotnet</c> host running this test process, else the one on PATH.</summary>
    internal static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>Configuration keys (<c>a:b:0:c</c>) as nested JSON objects; list indexes become object keys, which binds the same.</summary>
    internal static JsonObject ToJson(IReadOnlyDictionary<string, string?> settings)
    {
        var root = new JsonObject();
        foreach (var (key, value) in settings)
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject child)
                    node[part] = child = new JsonObject();
                node = child;
            }
            node[parts[^1]] = value;
        }
        return root;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_channels)
        {
            foreach (var channel in _channels)
                channel.Dispose();
        }
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
