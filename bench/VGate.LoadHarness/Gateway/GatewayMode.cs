using System.Diagnostics;
using System.Globalization;
using System.Net;
using Binlogdata;
using Grpc.Net.Client;
using MySqlConnector;
using VGate.Testing.Differential;

/// <summary>
/// End-to-end benchmarks through the gateway (bench/e2e.sh): two real mariadbd shards, <c>vgate serve</c> as its own
/// process, and gRPC VStream clients in this process. Each scenario prints one summary line starting with <c>e2e</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>throughput [rows per shard=250000] [runs=2]</c>: rows are written first (single-row INSERTs, 1000 per
/// transaction, so one ROW event per row), then one client streams both shards' binlogs from before the load to the
/// end; row events/s = ROW events received / seconds from the call to the last position. With <c>--workload mixed</c>
/// (or <c>WORKLOAD=mixed</c>) the load is instead the mixed workload (<see cref="RandomWorkload.RunMixedAsync"/>: every
/// column type, multi-row events, 1–70 KB texts and blobs) with <c>rows per shard</c> row changes on each shard
/// (default 100,000), and the line adds MB/s of binlog delivered (the bytes both shards' binlogs grew by during the
/// load, over the same seconds) and the bytes of row values the client received (before and after images).</item>
/// <item><c>latency [tx/s=5000] [seconds=20]</c>: one client streams from <c>current</c> while single-row transactions are
/// committed at a steady rate (half per shard); latency = client receipt − the row's send time (taken just before
/// the INSERT is sent, so it includes the commit itself). The first 3 s are warm-up and not counted.</item>
/// <item><c>subscribers [counts=1,100] [tx/s=1000] [seconds=15]</c>: for each count N, a fresh server, N clients
/// streaming from <c>current</c>, the steady write load, and the server's CPU time (from /proc) over the load and its
/// resident memory after it (3 s of the same load first, unmeasured, as warm-up); then the CPU ratio of the largest N
/// to the smallest.</item>
/// </list>
/// </remarks>
internal static class GatewayMode
{
    public const string Usage = """
        usage: VGate.LoadHarness gateway throughput [rows-per-shard=250000] [runs=2] [--workload narrow|mixed]
               VGate.LoadHarness gateway latency [tx-per-s=5000] [seconds=20]
               VGate.LoadHarness gateway subscribers [counts=1,100] [tx-per-s=1000] [seconds=15]
               VGate.LoadHarness gateway all
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        // --workload mixed anywhere in the arguments, or WORKLOAD=mixed (bench/e2e.sh): the throughput load.
        var workload = Environment.GetEnvironmentVariable("WORKLOAD") is { Length: > 0 } fromEnvironment ? fromEnvironment : "narrow";
        var at = Array.IndexOf(args, "--workload");
        if (at >= 0)
        {
            if (at + 1 >= args.Length)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }
            workload = args[at + 1];
            args = [.. args[..at], .. args[(at + 2)..]];
        }
        if (workload is not ("narrow" or "mixed"))
        {
            Console.Error.WriteLine($"unknown workload '{workload}' (narrow or mixed)");
            return 2;
        }
        // Every number printed is in invariant form (the summary lines are parsed by scripts).
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        await using var cluster = await BenchCluster.StartAsync();
        Console.WriteLine($"# shards: {string.Join(", ", cluster.Shards.Select(s => $"{s.Name} mariadbd {s.Server.ServerVersion} on port {s.Server.Port}"))}; " +
            $"{Environment.ProcessorCount} CPUs; load {LoadAverage()}");
        switch (args[0])
        {
            case "throughput":
                await ThroughputAsync(cluster, workload, Int(args, 1, workload == "mixed" ? 100_000 : 250_000), Int(args, 2, 2));
                break;
            case "coldstart":
                return await ColdStartMode.RunAsync(cluster, args);
            case "latency":
                await LatencyAsync(cluster, Int(args, 1, 5000), Int(args, 2, 20));
                break;
            case "subscribers":
                await SubscribersAsync(cluster, args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : [1, 100], Int(args, 2, 1000), Int(args, 3, 15));
                break;
            case "all":
                await ThroughputAsync(cluster, "narrow", 250_000, 2);
                await LatencyAsync(cluster, 5000, 20);
                await SubscribersAsync(cluster, [1, 100], 1000, 15);
                break;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
        Console.WriteLine($"# load after: {LoadAverage()}");
        return 0;
    }

    private static async Task ThroughputAsync(BenchCluster cluster, string workload, int rowsPerShard, int runs)
    {
        var mixed = workload == "mixed";
        if (mixed)
        {
            // The mixed tables are created before the start position: the stream begins with their rows, not DDL.
            for (var i = 0; i < cluster.Shards.Count; i++)
            {
                await using var connection = await RandomWorkload.OpenSessionAsync(cluster.Shards[i].Server, CancellationToken.None);
                foreach (var statement in MixedWorkloadFor(i).CreateMixedTables())
                {
                    await using var create = new MySqlCommand(statement, connection);
                    await create.ExecuteNonQueryAsync();
                }
            }
        }
        var start = await cluster.PositionsAsync();
        var binlogBefore = await BinlogBytesAsync(cluster);
        var load = Stopwatch.StartNew();
        await Task.WhenAll(cluster.Shards.Select(async (shard, i) =>
        {
            if (mixed)
            {
                await using var connection = await RandomWorkload.OpenSessionAsync(shard.Server, CancellationToken.None);
                var generator = MixedWorkloadFor(i);
                generator.CreateMixedTables(); // the generator's table specs (the tables exist already)
                await generator.RunMixedAsync(connection, rowsPerShard, CancellationToken.None);
                return;
            }
            await using var single = await shard.Server.OpenConnectionAsync(BenchCluster.Database);
            using var call = new MySqlCommand($"CALL load_single(1, {rowsPerShard}, 1000)", single) { CommandTimeout = 0 };
            await call.ExecuteNonQueryAsync();
        }));
        var end = await cluster.PositionsAsync();
        var binlogBytes = await BinlogBytesAsync(cluster) - binlogBefore;
        Console.WriteLine($"# throughput: workload {workload}, wrote {rowsPerShard} {(mixed ? "row changes" : "rows")} per shard in {load.Elapsed.TotalSeconds:F1} s; " +
            $"{binlogBytes} bytes of binlog on the shards together");

        await using var server = await GatewayServer.StartAsync(cluster.GatewaySettings());
        using var channel = Channel(server);
        var client = new Vtgateservice.Vitess.VitessClient(channel);
        for (var run = 1; run <= runs; run++)
        {
            var vgtid = new VGtid();
            foreach (var (name, _) in cluster.Shards)
                vgtid.ShardGtids.Add(new ShardGtid { Keyspace = BenchCluster.Keyspace, Shard = name, Gtid = start[name] });
            var subscriber = new Subscriber();
            var reached = subscriber.ReachedAsync(end);
            var cpu = server.CpuTime();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var watch = Stopwatch.StartNew();
            var streaming = subscriber.RunAsync(client, vgtid, cluster.Shards.Count, stop.Token);
            await Task.WhenAny(reached, streaming);
            var seconds = watch.Elapsed.TotalSeconds;
            var serverCpu = (server.CpuTime() - cpu).TotalSeconds;
            await stop.CancelAsync();
            await streaming;
            if (!reached.IsCompleted)
                throw new InvalidOperationException("the stream ended before reaching the end of the load");
            var (rss, peak) = server.Memory();
            Console.WriteLine(Line(
                $"e2e throughput workload={workload} run={run} shards={cluster.Shards.Count} seconds={seconds:F2} row_events={subscriber.RowEvents} row_changes={subscriber.RowChanges} " +
                $"row_events_per_s={subscriber.RowEvents / seconds:F0} row_changes_per_s={subscriber.RowChanges / seconds:F0} " +
                $"binlog_bytes={binlogBytes} binlog_mb_per_s={binlogBytes / 1e6 / seconds:F1} row_value_bytes={subscriber.RowValueBytes} " +
                $"row_value_mb_per_s={subscriber.RowValueBytes / 1e6 / seconds:F1} responses={subscriber.Responses} server_cpu_s={serverCpu:F2} " +
                $"server_cpu_util={serverCpu / seconds:F2} server_rss_mb={rss / 1e6:F0} server_peak_rss_mb={peak / 1e6:F0}"));
        }
    }

    private static async Task LatencyAsync(BenchCluster cluster, int rate, int seconds)
    {
        const int WarmupSeconds = 3;
        await using var server = await GatewayServer.StartAsync(cluster.GatewaySettings());
        using var channel = Channel(server);
        var firstId = await NextLatencyIdAsync(cluster);
        var tracePath = Environment.GetEnvironmentVariable("VGATE_BENCH_TRACE");
        var subscriber = new Subscriber { RecordLatency = true, RecordTrace = !string.IsNullOrEmpty(tracePath), RecordFromId = firstId + (WarmupSeconds * rate) };
        using var stop = new CancellationTokenSource();
        var streaming = subscriber.RunAsync(new Vtgateservice.Vitess.VitessClient(channel), Current(), cluster.Shards.Count, stop.Token);
        await subscriber.Positioned.WaitAsync(TimeSpan.FromSeconds(60));

        var cpu = server.CpuTime();
        var writer = new PacedWriter(cluster, rate);
        var written = await writer.RunAsync(seconds + WarmupSeconds, firstId);
        await subscriber.ReachedAsync(await cluster.PositionsAsync()).WaitAsync(TimeSpan.FromMinutes(5));
        var serverCpu = (server.CpuTime() - cpu).TotalSeconds;
        await stop.CancelAsync();
        await streaming;
        var (rss, peak) = server.Memory();

        var latencies = subscriber.Latencies.Order().ToArray();
        if (tracePath is { Length: > 0 })
        {
            await using var trace = new StreamWriter(tracePath);
            await trace.WriteLineAsync("id,sent,acked,received,streamed");
            // The event's current_time (Unix ns, the server's clock when it parsed the event) on the Stopwatch scale.
            var offset = ((DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100) - (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
            foreach (var (id, received, eventTime) in subscriber.Received)
            {
                var i = id - firstId;
                await trace.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{id},{writer.Sent[i]},{writer.Acknowledged[i]},{received},{eventTime - offset}"));
            }
        }
        Console.WriteLine(Line(
            $"e2e latency shards={cluster.Shards.Count} target_tx_per_s={rate} achieved_tx_per_s={written.AchievedRate:F0} measured_seconds={seconds} " +
            $"transactions={latencies.Length} p50_ms={Percentile(latencies, 0.50):F2} p90_ms={Percentile(latencies, 0.90):F2} " +
            $"p99_ms={Percentile(latencies, 0.99):F2} p999_ms={Percentile(latencies, 0.999):F2} max_ms={Percentile(latencies, 1):F2} " +
            $"server_cpu_util={serverCpu / (seconds + WarmupSeconds):F2} server_rss_mb={rss / 1e6:F0} server_peak_rss_mb={peak / 1e6:F0}"));
    }

    private static async Task SubscribersAsync(BenchCluster cluster, int[] counts, int rate, int seconds)
    {
        var cpuByCount = new Dictionary<int, double>();
        var perSubscriberConnections = Environment.GetEnvironmentVariable("VGATE_BENCH_CONNECTIONS") == "per-subscriber";
        Console.WriteLine($"# subscribers: {(perSubscriberConnections ? "one HTTP/2 connection per subscriber" : "one shared channel")} (VGATE_BENCH_CONNECTIONS)");
        foreach (var count in counts)
        {
            await using var server = await GatewayServer.StartAsync(cluster.GatewaySettings());
            // Shared: one channel, whose HTTP/2 connection carries up to 100 streams (Kestrel's default stream limit), so
            // 100 subscribers are one connection. Per subscriber: one channel (one connection) each, as separate client
            // processes would be.
            var channels = Enumerable.Range(0, perSubscriberConnections ? count : 1).Select(_ => Channel(server)).ToList();
            using var stop = new CancellationTokenSource();
            var subscribers = Enumerable.Range(0, count).Select(_ => new Subscriber()).ToList();
            var streams = subscribers.Select((s, i) =>
            {
                var client = new Vtgateservice.Vitess.VitessClient(channels[i % channels.Count]);
                return Task.Run(() => s.RunAsync(client, Current(), cluster.Shards.Count, stop.Token));
            }).ToList();
            var positioned = Task.WhenAll(subscribers.Select(s => s.Positioned));
            var first = await Task.WhenAny(positioned, Task.WhenAny(streams), Task.Delay(TimeSpan.FromMinutes(5)));
            if (first != positioned)
            {
                var ended = streams.FirstOrDefault(t => t.IsCompleted);
                if (ended is not null)
                    await ended; // a stream that failed says why
                throw new TimeoutException($"{subscribers.Count(s => s.Positioned.IsCompleted)} of {count} subscribers had a position after 5 minutes");
            }

            // Warm-up (JIT, connection pools, buffers), not measured: a few seconds of the same load, all caught up.
            await new PacedWriter(cluster, rate).RunAsync(3, await NextLatencyIdAsync(cluster));
            var warm = await cluster.PositionsAsync();
            await Task.WhenAll(subscribers.Select(s => s.ReachedAsync(warm))).WaitAsync(TimeSpan.FromMinutes(5));
            var (idleRss, _) = server.Memory();

            var cpu = server.CpuTime();
            var watch = Stopwatch.StartNew();
            var written = await new PacedWriter(cluster, rate).RunAsync(seconds, await NextLatencyIdAsync(cluster));
            var end = await cluster.PositionsAsync();
            await Task.WhenAll(subscribers.Select(s => s.ReachedAsync(end))).WaitAsync(TimeSpan.FromMinutes(5));
            var elapsed = watch.Elapsed.TotalSeconds;
            var serverCpu = (server.CpuTime() - cpu).TotalSeconds;
            var (rss, peak) = server.Memory();
            await stop.CancelAsync();
            await Task.WhenAll(streams);
            foreach (var channel in channels)
                channel.Dispose();
            cpuByCount[count] = serverCpu;
            var delivered = subscribers.Min(s => s.RowChanges);
            var responses = subscribers.Average(s => (double)s.Responses);
            Console.WriteLine(Line(
                $"e2e subscribers n={count} shards={cluster.Shards.Count} tx={written.Transactions} achieved_tx_per_s={written.AchievedRate:F0} " +
                $"seconds_to_all_caught_up={elapsed:F1} min_rows_per_subscriber={delivered} responses_per_subscriber={responses:F0} server_cpu_s={serverCpu:F2} " +
                $"server_cpu_ms_per_1k_tx={serverCpu * 1e6 / written.Transactions:F1} server_rss_after_warmup_mb={idleRss / 1e6:F0} " +
                $"server_rss_mb={rss / 1e6:F0} server_peak_rss_mb={peak / 1e6:F0}"));
        }
        if (counts.Length > 1)
        {
            var (few, many) = (counts.Min(), counts.Max());
            Console.WriteLine(Line($"e2e subscribers cpu_ratio n={many}/n={few} ratio={cpuByCount[many] / cpuByCount[few]:F2}"));
        }
    }

    /// <summary>The mixed workload of shard <paramref name="index"/> (its own seed, the same every run).</summary>
    private static RandomWorkload MixedWorkloadFor(int index) =>
        new(VGate.Benchmarks.MixedLoadMode.DefaultSeed + index, BenchCluster.Database, new WorkloadOptions { LargeTransactionRows = 0 });

    /// <summary>The sizes of all the shards' binary log files together (<c>SHOW BINARY LOGS</c>).</summary>
    private static async Task<long> BinlogBytesAsync(BenchCluster cluster)
    {
        long total = 0;
        foreach (var (_, server) in cluster.Shards)
            total += (await server.GetBinaryLogsAsync()).Sum(l => l.Size);
        return total;
    }

    /// <summary>Ids of <c>lat</c> continue after the rows a previous scenario wrote.</summary>
    private static async Task<long> NextLatencyIdAsync(BenchCluster cluster)
    {
        long max = 0;
        foreach (var (_, server) in cluster.Shards)
            max = Math.Max(max, await server.ScalarAsync<long>($"SELECT COALESCE(MAX(id), 0) FROM {BenchCluster.Database}.lat"));
        return max + 1;
    }

    private static VGtid Current() => new() { ShardGtids = { new ShardGtid { Keyspace = BenchCluster.Keyspace, Gtid = "current" } } };

    private static GrpcChannel Channel(GatewayServer server) => GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        HttpVersion = HttpVersion.Version20,
    });

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - (p == 0 ? 0 : 1))] * 1000.0 / Stopwatch.Frequency;

    private static int Int(string[] args, int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string Line(string text) => text;
}
