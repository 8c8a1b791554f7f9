using System.Diagnostics;
using System.Globalization;
using System.Net;
using Binlogdata;
using Grpc.Net.Client;
using MySqlConnector;

/// <summary>
/// Cold start vs warm (issue 16 target 4, bench/cold-start.sh): the throughput load is written once, then for every
/// variant (a vgate build directory and runtime variables) a fresh <c>vgate serve</c> streams it twice: run 1 right
/// after start (cold: ROW events/s over the first <see cref="WindowSeconds"/> s of the stream, or the whole run when it
/// is shorter) and run 2 on the same, now warm, process. Variants alternate order round by round, so machine noise
/// falls on all of them alike; medians over the rounds at the end.
/// </summary>
internal static class ColdStartMode
{
    public const int WindowSeconds = 10;

    public const string Usage = """
        usage: VGate.LoadHarness gateway coldstart <rows-per-shard> <rounds> <label>:<directory>[:NAME=VALUE,…] …
               directory holds vgate.dll ("build" for the one next to the harness); NAME=VALUE are runtime variables
               for that server only (e.g. DOTNET_TieredPGO=0).
        """;

    public static async Task<int> RunAsync(BenchCluster cluster, string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var rowsPerShard = int.Parse(args[1], CultureInfo.InvariantCulture);
        var rounds = int.Parse(args[2], CultureInfo.InvariantCulture);
        var variants = args[3..].Select(Variant.Parse).ToList();

        var start = await cluster.PositionsAsync();
        var load = Stopwatch.StartNew();
        await Task.WhenAll(cluster.Shards.Select(async shard =>
        {
            await using var connection = await shard.Server.OpenConnectionAsync(BenchCluster.Database);
            using var call = new MySqlCommand($"CALL load_single(1, {rowsPerShard}, 1000)", connection) { CommandTimeout = 0 };
            await call.ExecuteNonQueryAsync();
        }));
        var end = await cluster.PositionsAsync();
        Console.WriteLine($"# coldstart: wrote {rowsPerShard} rows per shard in {load.Elapsed.TotalSeconds:F1} s; window {WindowSeconds} s");

        var results = variants.ToDictionary(v => v.Label, _ => new List<(double Cold, double Warm, double ExtraCpu)>());
        for (var round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 1 ? variants : Enumerable.Reverse(variants).ToList();
            foreach (var variant in order)
            {
                await using var server = await GatewayServer.StartAsync(cluster.GatewaySettings(), variant.Directory, variant.Environment);
                var startup = Stopwatch.GetElapsedTime(server.StartTimes.Started, server.StartTimes.Healthy).TotalSeconds;
                using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpVersion = HttpVersion.Version20 });
                var client = new Vtgateservice.Vitess.VitessClient(channel);
                var cpu0 = server.CpuTime();
                var (coldSeconds, coldWindow, coldWindowSeconds, coldEvents) = await StreamAsync(cluster, client, start, end);
                var cpu1 = server.CpuTime();
                var (warmSeconds, _, _, warmEvents) = await StreamAsync(cluster, client, start, end);
                var cpu2 = server.CpuTime();
                var cold = coldWindow / coldWindowSeconds;
                var warm = warmEvents / warmSeconds;
                // The same work twice: what the cold run costs beyond the warm one is start-up (JIT, tiering, type
                // loading, first-use caches), in CPU seconds, which a busy machine disturbs less than wall time.
                var extraCpu = (cpu1 - cpu0 - (cpu2 - cpu1)).TotalSeconds;
                results[variant.Label].Add((cold, warm, extraCpu));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"e2e coldstart round={round} variant={variant.Label} startup_s={startup:F2} cold_first{WindowSeconds}s_row_events_per_s={cold:F0} " +
                    $"cold_run_s={coldSeconds:F2} cold_run_row_events_per_s={coldEvents / coldSeconds:F0} cold_cpu_s={(cpu1 - cpu0).TotalSeconds:F2} " +
                    $"warm_row_events_per_s={warm:F0} warm_cpu_s={(cpu2 - cpu1).TotalSeconds:F2} cold_extra_cpu_s={extraCpu:F2} cold_over_warm={cold / warm:F2} " +
                    $"server_peak_rss_mb={server.Memory().PeakRss / 1e6:F0} load={File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }
        }
        foreach (var variant in variants)
        {
            var list = results[variant.Label];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"e2e coldstart median variant={variant.Label} rounds={list.Count} cold={Median(list.Select(r => r.Cold)):F0} " +
                $"warm={Median(list.Select(r => r.Warm)):F0} cold_extra_cpu_s={Median(list.Select(r => r.ExtraCpu)):F2} cold_over_warm={Median(list.Select(r => r.Cold / r.Warm)):F2} " +
                $"(min {list.Min(r => r.Cold / r.Warm):F2}, max {list.Max(r => r.Cold / r.Warm):F2})"));
        }
        return 0;
    }

    /// <summary>Streams both shards from <paramref name="from"/> until <paramref name="to"/>.</summary>
    private static async Task<(double Seconds, long WindowEvents, double WindowSeconds, long Events)> StreamAsync(
        BenchCluster cluster, Vtgateservice.Vitess.VitessClient client, Dictionary<string, string> from, Dictionary<string, string> to)
    {
        var vgtid = new VGtid();
        foreach (var (name, _) in cluster.Shards)
            vgtid.ShardGtids.Add(new ShardGtid { Keyspace = BenchCluster.Keyspace, Shard = name, Gtid = from[name] });
        var started = Stopwatch.GetTimestamp();
        var subscriber = new Subscriber { WindowEnd = started + (WindowSeconds * Stopwatch.Frequency) };
        var reached = subscriber.ReachedAsync(to);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var streaming = subscriber.RunAsync(client, vgtid, cluster.Shards.Count, stop.Token);
        await Task.WhenAny(reached, streaming);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();
        await streaming;
        if (!reached.IsCompleted)
            throw new InvalidOperationException("the stream ended before reaching the end of the load");
        return (seconds, subscriber.RowEventsInWindow, Math.Min(seconds, WindowSeconds), subscriber.RowEvents);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Variant(string Label, string? Directory, Dictionary<string, string> Environment)
    {
        public static Variant Parse(string text)
        {
            var parts = text.Split(':', 3);
            if (parts.Length < 2 || parts[0].Length == 0)
                throw new ArgumentException($"variant '{text}' is not <label>:<directory>[:NAME=VALUE,…]");
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var setting in parts.Length == 3 ? parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries) : [])
            {
                var equals = setting.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                    throw new ArgumentException($"variant '{text}': '{setting}' is not NAME=VALUE");
                environment[setting[..equals]] = setting[(equals + 1)..];
            }
            return new Variant(parts[0], parts[1] == "build" ? null : Path.GetFullPath(parts[1]), environment);
        }
    }
}
