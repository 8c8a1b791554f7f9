using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using VGate.Testing;

/// <summary>
/// <c>vgate serve --config FILE</c> as a child process (the CLI copied next to the harness), on 127.0.0.1 and a free
/// port, so its CPU time and memory can be read from /proc apart from the harness's own. VGATE_BENCH_SERVER_DIR (or the
/// <c>serverDirectory</c> argument) runs the vgate.dll of another directory instead, e.g. the output of
/// <c>dotnet publish src/VGate.Cli -c Release -p:PublishReadyToRun=true</c> (what the Dockerfile ships).
/// </summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private GatewayServer(Process process, string directory, string address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public string Address { get; }

    /// <summary>When the process was started and when it first answered the health check (Stopwatch timestamps).</summary>
    public (long Started, long Healthy) StartTimes { get; private set; }

    /// <param name="settings">Configuration keys (a:b:c) and values.</param>
    /// <param name="serverDirectory">Where vgate.dll is; null for VGATE_BENCH_SERVER_DIR, or else the harness's own.</param>
    /// <param name="environment">Runtime variables for this process, on top of VGATE_BENCH_SERVER_ENV.</param>
    public static async Task<GatewayServer> StartAsync(
        IReadOnlyDictionary<string, string> settings, string? serverDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vgate-bench-gw-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var port = FreePort.GetAvailableTcpPort();
        var root = new JsonObject();
        // The benchmarks run hundreds of streams from 127.0.0.1 without users: no stream limits unless a run sets them.
        var unlimited = new Dictionary<string, string>
        {
            ["VGate:Limits:MaxStreams"] = "0",
            ["VGate:Limits:MaxStreamsPerUser"] = "0",
            ["VGate:Limits:MaxBinlogConnectionsPerShard"] = "0",
        };
        foreach (var (key, value) in unlimited.Where(u => !settings.ContainsKey(u.Key)).Concat(settings)
            .Append(new("VGate:Server:Listen", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"))))
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
        var config = Path.Combine(directory, "vgate.json");
        await File.WriteAllTextAsync(config, root.ToJsonString());

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >\"$VGATE_BENCH_LOG\" 2>&1");
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        serverDirectory ??= Environment.GetEnvironmentVariable("VGATE_BENCH_SERVER_DIR") is { Length: > 0 } fromEnvironment ? fromEnvironment : AppContext.BaseDirectory;
        var dll = Path.Combine(serverDirectory, "vgate.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"no vgate.dll in {serverDirectory} (VGATE_BENCH_SERVER_DIR)", dll);
        var apphost = Path.Combine(serverDirectory, "vgate");
        if (serverDirectory != AppContext.BaseDirectory && File.Exists(apphost))
        {
            // A published build runs as the image runs it (ENTRYPOINT /app/vgate), which a self-contained one needs;
            // a framework-dependent one finds the harness's runtime through DOTNET_ROOT.
            start.ArgumentList.Add(apphost);
            if (Path.IsPathRooted(dotnet))
                start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(dotnet);
        }
        else
        {
            start.ArgumentList.Add(dotnet);
            start.ArgumentList.Add(dll);
        }
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        // Warnings and errors only: per-stream information logs would cost CPU that is not the gateway's work.
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["VGATE_BENCH_LOG"] = Path.Combine(directory, "vgate.log");
        // Runtime settings for the server alone (not the harness's clients), e.g. for profiling or A/B runs:
        // VGATE_BENCH_SERVER_ENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0".
        foreach (var setting in (Environment.GetEnvironmentVariable("VGATE_BENCH_SERVER_ENV") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new ArgumentException($"VGATE_BENCH_SERVER_ENV: '{setting}' is not NAME=VALUE");
            start.Environment[setting[..equals]] = setting[(equals + 1)..];
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("vgate serve did not start");
        var server = new GatewayServer(process, directory, string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        Console.WriteLine($"# server pid {process.Id}");
        using var channel = GrpcChannel.ForAddress(server.Address);
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"vgate serve exited with {process.ExitCode}: {File.ReadAllText(Path.Combine(directory, "vgate.log"))}");
            try
            {
                await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
                server.StartTimes = (started, Stopwatch.GetTimestamp());
                return server;
            }
            catch (Grpc.Core.RpcException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The server's CPU time so far (user + system, from /proc/PID/stat).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "(comm) ": field 3 is state, so utime (field 14) and stime (15) are at indexes 11 and 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>Resident memory now and at its peak (VmRSS, VmHWM), in bytes.</summary>
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

    /// <summary>USER_HZ: 100 on every Linux the harness runs on (getconf CLK_TCK).</summary>
    private const int ClockTicksPerSecond = 100;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
