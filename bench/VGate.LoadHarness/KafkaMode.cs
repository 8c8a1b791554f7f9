using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using VGate.Kafka.Sink;
using VGate.Server;

/// <summary>
/// Gateway → Kafka throughput and latency for bench/kafka-sink.sh. Everything but mariadbd runs in this process: a
/// librdkafka mock cluster (3 brokers), the VGate gRPC server (Kestrel on 127.0.0.1) over the one shard, and the Kafka
/// sink with exactly-once on (transactions + checkpoints).
/// <list type="number">
/// <item>drain (twice: DRAIN_COLD in the fresh process, then DRAIN with a second connector over the same rows, warm):
/// the sink starts at <c>start-gtid</c>, before the rows the script loaded, and runs until its checkpoint reaches the
/// binlog's end; events/s = records written from the first completed batch to the last checkpoint, over that time;
/// CPU = this whole process's CPU time (gateway, sink, mock brokers, JIT, GC) per record; allocated = managed bytes
/// allocated by the whole process per record (gateway included).</item>
/// <item>live: a new sink resumes from that checkpoint while this process inserts <c>live-rows-per-s</c> rows (10 per
/// transaction) for 10 s; commit latency = per source transaction, from its COMMIT arriving from the gateway to the
/// Kafka commit of its batch.</item>
/// </list>
/// </summary>
internal static class KafkaMode
{
    private static readonly TimeSpan FanOutLinger = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string uri, string database, string startGtid, int liveRowsPerSecond)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var token = timeout.Token;
        using var cluster = MockCluster.Start();
        var source = new Uri(uri);
        var credentials = source.UserInfo.Split(':');
        var connectionString = $"Server={source.Host};Port={source.Port};User ID={credentials[0]};Password={credentials[1]};Database={database};Pooling=false";

        var builder = VGateServer.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VGate:Server:Listen"] = "127.0.0.1:0",
            ["VGate:Keyspaces:0:Name"] = database,
            ["VGate:Keyspaces:0:Database"] = database,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = uri,
            // A shard's fan-out hub keeps recent batches in memory and lingers after its last subscriber; the warm drain
            // must read the binlog again like the cold one, so the hub of the cold drain has to be gone by then.
            ["VGate:FanOut:Linger"] = FanOutLinger.ToString(),
        });
        builder.Logging.ClearProviders();
        await using var app = VGateServer.Build(builder);
        await app.StartAsync(token);
        var gateway = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().Replace("http://", "", StringComparison.Ordinal);

        var end = await ScalarAsync(connectionString, "SELECT @@gtid_binlog_pos", token);
        // SCHEMAS=false (bench/kafka-sink.sh): records without the JSON converter's schema part (~600 B instead of ~3.9 KB).
        var schemas = !string.Equals(Environment.GetEnvironmentVariable("SCHEMAS"), "false", StringComparison.OrdinalIgnoreCase);
        Console.WriteLine($"schemas_enabled={schemas}");
        var options = new KafkaSinkOptions
        {
            SchemasEnabled = schemas,
            Gateway = gateway,
            Keyspace = database,
            TopicPrefix = "bench",
            BootstrapServers = cluster.BootstrapServers,
            OffsetsTopic = "bench-offsets",
            From = $"[{{\"keyspace\":\"{database}\",\"shard\":\"0\",\"gtid\":\"MariaDB/{startGtid}\"}}]",
            StatusIntervalSeconds = 0,
        };
        cluster.CreateTopic(options.OffsetsTopic);

        // 1. drain, twice: first cold (a fresh process: JIT tiers still being compiled, connections new), then warm,
        // with a second connector (its own topics, offsets topic and transactional id) that streams the same rows from
        // the same GTID, through a new hub that reads and encodes the binlog again. The warm pass is the steady state of
        // a long-running process; the cold one is what a short run sees.
        var cold = new KafkaSinkOptions
        {
            SchemasEnabled = schemas,
            Gateway = options.Gateway,
            Keyspace = options.Keyspace,
            TopicPrefix = "cold",
            BootstrapServers = options.BootstrapServers,
            OffsetsTopic = "cold-offsets",
            From = options.From,
            StatusIntervalSeconds = 0,
        };
        Tune(options);
        Tune(cold);
        // As the vgate-kafka command does for its process (RETAIN_NATIVE_MEMORY_MB=0: the C library's defaults).
        var nativeMemory = VGate.Kafka.Producing.NativeMemoryTuning.Apply(options.RetainNativeMemoryMb) ?? "C library defaults";
        Console.WriteLine($"compression={options.Compression} linger_ms={options.LingerMs} kafka={string.Join(',', options.Kafka.Select(k => k.Key + "=" + k.Value))} native_memory={nativeMemory}");
        cluster.CreateTopic(cold.OffsetsTopic);
        await DrainAsync("DRAIN_COLD", cold, end, token);
        await Task.Delay(FanOutLinger * 3, token);
        await DrainAsync("DRAIN", options, end, token);
        // WARM_DRAINS=N (bench/kafka-sink.sh): N-1 more warm drains (DRAIN_2, DRAIN_3…), each a connector of its own over
        // the same rows. A short workload's first warm drain still spends a share of its CPU in the JIT (tier-1 and
        // OSR compiles of the rendering code); the later ones show the steady state.
        var warmDrains = int.TryParse(Environment.GetEnvironmentVariable("WARM_DRAINS"), CultureInfo.InvariantCulture, out var n) ? n : 1;
        for (var pass = 2; pass <= warmDrains; pass++)
        {
            var again = new KafkaSinkOptions
            {
                SchemasEnabled = schemas,
                Gateway = options.Gateway,
                Keyspace = options.Keyspace,
                TopicPrefix = $"warm{pass}",
                BootstrapServers = options.BootstrapServers,
                OffsetsTopic = $"warm{pass}-offsets",
                From = options.From,
                StatusIntervalSeconds = 0,
            };
            Tune(again);
            cluster.CreateTopic(again.OffsetsTopic);
            await Task.Delay(FanOutLinger * 3, token);
            await DrainAsync($"DRAIN_{pass}", again, end, token);
        }

        // 2. live, paced
        var live = new KafkaSink(options);
        using (var stop = new CancellationTokenSource())
        {
            var running = live.RunAsync(stop.Token);
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync(token);
            var next = (int)(long.Parse(await ScalarAsync(connectionString, "SELECT COALESCE(MAX(id), 0) FROM t10", token), CultureInfo.InvariantCulture) + 1);
            var transactionsPerSecond = Math.Max(1, liveRowsPerSecond / 10);
            var watch = Stopwatch.StartNew();
            var sent = 0;
            while (watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                var due = (int)(watch.Elapsed.TotalSeconds * transactionsPerSecond);
                for (; sent < due; sent++)
                {
                    await using var insert = new MySqlCommand(
                        $"INSERT INTO t10 SELECT seq, seq, CONCAT('live-', seq), 1.25, NOW(6), 0.5, 1, 'LIVE', CURDATE(), 1 FROM seq_{next}_to_{next + 9}", connection);
                    await insert.ExecuteNonQueryAsync(token);
                    next += 10;
                }
                await Task.Delay(1, token);
            }
            var liveEnd = await ScalarAsync(connectionString, "SELECT @@gtid_binlog_pos", token);
            while (!AtGtid(live, liveEnd))
            {
                if (running.IsCompleted)
                    await running;
                await Task.Delay(5, token);
            }
            await stop.CancelAsync();
            await running;
            var statistics = live.Statistics;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"LIVE rows_per_s={sent * 10 / watch.Elapsed.TotalSeconds:F0} transactions={statistics.Transactions} records={statistics.RecordsWritten} batches={statistics.Batches} " +
                $"commit_latency_p50_ms={statistics.CommitLatency.Percentile(0.5):F1} p99_ms={statistics.CommitLatency.Percentile(0.99):F1} max_ms={statistics.CommitLatency.Max:F1}"));
        }
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PROCESS peak_ws_mb={process.PeakWorkingSet64 / 1e6:F0} cpu_s={process.TotalProcessorTime.TotalSeconds:F1}"));
        return 0;
    }

    /// <summary>
    /// Runs a sink from its start position until its checkpoint reaches <paramref name="end"/> and prints its numbers:
    /// steady state from the first completed batch (start-up and connections behind it) to the last checkpoint.
    /// </summary>
    private static async Task DrainAsync(string label, KafkaSinkOptions options, string end, CancellationToken token)
    {
        var drain = new KafkaSink(options);
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var startCpu = ProcessCpu();
        var startAllocated = GC.GetTotalAllocatedBytes();
        var startJit = System.Runtime.JitInfo.GetCompilationTime();
        var startThreads = ThreadCpu();
        var running = drain.RunAsync(stop.Token);
        TimeSpan firstBatch = default;
        TimeSpan firstBatchCpu = default;
        long firstBatchAt = 0;
        long firstBatchRecords = 0;
        while (!AtGtid(drain, end))
        {
            if (running.IsCompleted)
                await running;
            if (firstBatch == default && drain.Statistics.Batches > 0)
            {
                firstBatch = watch.Elapsed;
                firstBatchAt = Stopwatch.GetTimestamp();
                firstBatchCpu = ProcessCpu();
                firstBatchRecords = drain.Statistics.RecordsWritten;
            }
            await Task.Delay(5, token);
        }
        var total = watch.Elapsed;
        var endAt = Stopwatch.GetTimestamp();
        var endCpu = ProcessCpu();
        var allocated = GC.GetTotalAllocatedBytes() - startAllocated;
        var steadyCpu = endCpu - firstBatchCpu;
        var jit = System.Runtime.JitInfo.GetCompilationTime() - startJit;
        var threads = ThreadCpu();
        await stop.CancelAsync();
        await running;
        var statistics = drain.Statistics;
        var seconds = (total - firstBatch).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label} records={statistics.RecordsWritten} transactions={statistics.Transactions} batches={statistics.Batches} checkpoints={statistics.Checkpoints} " +
            $"total_seconds={total.TotalSeconds:F2} first_batch_seconds={firstBatch.TotalSeconds:F2} events_per_s_overall={statistics.RecordsWritten / total.TotalSeconds:F0} " +
            $"events_per_s={(statistics.RecordsWritten - firstBatchRecords) / seconds:F0} " +
            $"commit_latency_p50_ms={statistics.CommitLatency.Percentile(0.5):F1} p99_ms={statistics.CommitLatency.Percentile(0.99):F1} " +
            $"allocated_bytes_per_record={allocated / Math.Max(1, statistics.RecordsWritten)} " +
            $"cpu_s={(endCpu - startCpu).TotalSeconds:F2} cpu_us_per_record={(endCpu - startCpu).TotalMicroseconds / Math.Max(1, statistics.RecordsWritten):F1} " +
            $"steady_cpu_s={steadyCpu.TotalSeconds:F2} steady_cpu_us_per_record={steadyCpu.TotalMicroseconds / Math.Max(1, statistics.RecordsWritten - firstBatchRecords):F1} " +
            // Monotonic clock seconds of the steady-state window, to cut a profile to it (perf record -k mono).
            $"steady_window_mono_s={(double)firstBatchAt / Stopwatch.Frequency:F3},{(double)endAt / Stopwatch.Frequency:F3}"));
        // Where the drain's CPU went, per thread group (µs per record over the whole drain): a breakdown that needs no
        // profiler. jit_us_per_record is the JIT's own compile time (JitInfo), which also runs on other threads.
        var records = Math.Max(1, statistics.RecordsWritten);
        var groups = threads.Select(t => (t.Key, Us: (t.Value - startThreads.GetValueOrDefault(t.Key)).TotalMicroseconds / records))
            .Where(t => t.Us >= 0.05).OrderByDescending(t => t.Us).Select(t => FormattableString.Invariant($"{t.Key}={t.Us:F1}"));
        Console.WriteLine(FormattableString.Invariant($"{label}_THREADS jit_us_per_record={jit.TotalMicroseconds / records:F1} ") + string.Join(' ', groups));
    }

    /// <summary>
    /// CPU time (user + system) of this process's threads, summed per thread group: the thread name with digits removed
    /// (librdkafka's <c>rdk:broker1</c>…, .NET's thread-pool workers), read from /proc (Linux only; empty elsewhere).
    /// </summary>
    private static Dictionary<string, TimeSpan> ThreadCpu()
    {
        var result = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        if (!Directory.Exists("/proc/self/task"))
            return result;
        var tick = 1.0 / 100; // USER_HZ
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended
            }
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var name = new string(stat[(open + 1)..close].Where(c => !char.IsDigit(c) && c != '-').ToArray()).Replace(' ', '_');
            var fields = stat[(close + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            result[name] = result.GetValueOrDefault(name) + TimeSpan.FromSeconds(ticks * tick);
        }
        return result;
    }

    /// <summary>
    /// Producer settings from the environment (bench/kafka-sink.sh): COMPRESSION, LINGER_MS, RETAIN_NATIVE_MEMORY_MB, and KAFKA as
    /// <c>key=value</c> pairs separated by commas (any librdkafka setting); unset = the sink's defaults.
    /// </summary>
    private static void Tune(KafkaSinkOptions options)
    {
        if (Environment.GetEnvironmentVariable("COMPRESSION") is { Length: > 0 } compression)
            options.Compression = compression;
        if (Environment.GetEnvironmentVariable("LINGER_MS") is { Length: > 0 } linger)
            options.LingerMs = int.Parse(linger, CultureInfo.InvariantCulture);
        if (Environment.GetEnvironmentVariable("RETAIN_NATIVE_MEMORY_MB") is { Length: > 0 } retain)
            options.RetainNativeMemoryMb = int.Parse(retain, CultureInfo.InvariantCulture);
        foreach (var pair in (Environment.GetEnvironmentVariable("KAFKA") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            options.Kafka[pair[..at]] = pair[(at + 1)..];
        }
    }

    /// <summary>CPU time of this whole process (gateway, sink, mock brokers, runtime threads such as JIT and GC).</summary>
    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static bool AtGtid(KafkaSink sink, string gtid) =>
        sink.LastCheckpoint?.Vgtid.ShardGtids.Any(s => s.Gtid == "MariaDB/" + gtid) == true;

    private static async Task<string> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture)!;
    }

    /// <summary>
    /// librdkafka's mock cluster through the <c>test.mock.num.brokers</c> setting of a client that lives as long as the
    /// cluster; its bootstrap address is read from the client's MOCK log line (reference §1.3).
    /// </summary>
    internal sealed class MockCluster : IDisposable
    {
        private readonly IProducer<byte[], byte[]> _owner;

        private MockCluster(IProducer<byte[], byte[]> owner, string bootstrapServers)
        {
            _owner = owner;
            BootstrapServers = bootstrapServers;
        }

        public string BootstrapServers { get; }

        public static MockCluster Start()
        {
            var bootstrap = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var config = new ProducerConfig { BootstrapServers = "unused:9092" };
            config.Set("test.mock.num.brokers", "3");
            var owner = new ProducerBuilder<byte[], byte[]>(config)
                .SetLogHandler((_, message) =>
                {
                    const string marker = "replaced with ";
                    var at = message.Message.IndexOf(marker, StringComparison.Ordinal);
                    if (message.Facility == "MOCK" && at >= 0)
                        bootstrap.TrySetResult(message.Message[(at + marker.Length)..].Trim());
                })
                .Build();
            return new MockCluster(owner, bootstrap.Task.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult());
        }

        /// <summary>Creates a topic by producing to it (the mock auto-creates topics with 4 partitions).</summary>
        public void CreateTopic(string topic) =>
            _owner.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[], byte[]> { Key = [0], Value = [0] }).GetAwaiter().GetResult();

        public void Dispose() => _owner.Dispose();
    }
}
