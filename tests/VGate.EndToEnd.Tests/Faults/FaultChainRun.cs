using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Grpc.Net.Client;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Kafka.Checkpoints;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using VGate.Testing.Faults;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>What a fault-chain run measured.</summary>
internal sealed record FaultChainResult(
    int Seed, IReadOnlyDictionary<FaultKind, int> Faults, long Transactions, int Uncertain, int UncertainCommitted,
    long ClientEvents, int ClientConnections, LedgerResult Client, bool ClientReplicaMatches, long KafkaRecords, LedgerResult Kafka,
    bool KafkaReplicaMatches, long PeakGatewayRss, long PeakSinkRss, TimeSpan Elapsed, IReadOnlyList<string> Problems)
{
    public int FaultCount => Faults.Values.Sum();

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"seed {Seed}: {FaultCount} faults ({string.Join(", ", Faults.Select(f => $"{f.Key} {f.Value}"))}), {Transactions} transactions ({Uncertain} commits interrupted, {UncertainCommitted} of them committed), in {Elapsed.TotalSeconds:0} s"),
            string.Create(c, $"  gRPC client: {ClientEvents} events over {ClientConnections} connections; changes {Client}; replay {(ClientReplicaMatches ? "=" : "≠")} SELECT"),
            string.Create(c, $"  Kafka (read_committed): {KafkaRecords} records; changes {Kafka}; replay {(KafkaReplicaMatches ? "=" : "≠")} SELECT"),
            string.Create(c, $"  peak RSS: gateway {PeakGatewayRss / 1048576.0:0.0} MiB, sink {PeakSinkRss / 1048576.0:0.0} MiB"),
        };
        if (Problems.Count > 0)
            lines.Add("  problems:\n    " + string.Join("\n    ", Problems));
        return string.Join('\n', lines);
    }
}

/// <summary>
/// The fault-injection chain (issue 14 §6, first item): two real mariadbd shards under a seeded write workload, the
/// gateway as a real <c>vgate serve</c> process, the Kafka sink as a real <c>vgate-kafka</c> process writing to
/// librdkafka's mock cluster (in this process, so it outlives every sink), and a resuming VStream client in this
/// process. A seeded <see cref="FaultSchedule"/> kills the gateway, a shard's mariadbd (restarted on the same data and
/// port) and the sink with SIGKILL, again and again. When the workload stops, the client and the sink must reach the
/// shards' final positions; then the client's changes and the Kafka records (read_committed) are counted against
/// what committed (<see cref="ChangeLedger"/>: lost, duplicated) and replayed against SELECT.
/// </summary>
internal sealed class FaultChainRun(FaultChainOptions options, Action<string> log)
{
    private const string Table = ShardCluster.Database + ".t";

    public async Task<FaultChainResult> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        log(options.ToString());
        var directory = Path.Combine(Path.GetTempPath(), "vgate-faults-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var problems = new List<string>();

        await using var cluster = await ShardCluster.StartAsync(2, cancellationToken);
        var start = await cluster.PositionsAsync(cancellationToken);
        using var kafka = new KafkaTestCluster();
        var prefix = KafkaTestCluster.NewPrefix();
        var offsetsTopic = prefix + "-offsets";
        var dataTopic = $"{prefix}.{ShardCluster.Keyspace}.t";
        kafka.CreateTopic(offsetsTopic, 1, compacted: true);
        kafka.CreateTopic(dataTopic, options.Partitions);

        var port = FreePort.GetAvailableTcpPort();
        var address = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        var settings = cluster.GatewaySettings();
        settings["VGate:Server:Listen"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
        settings["VGate:RetryDelay"] = "00:00:00.200";
        var config = Path.Combine(directory, "vgate.json");
        await File.WriteAllTextAsync(config, GatewayProcess.ToJson(settings).ToJsonString(), cancellationToken);
        await using var gateway = new RestartableProcess("gateway", Path.Combine(AppContext.BaseDirectory, "vgate.dll"), ["serve", "--config", config], Path.Combine(directory, "gateway.log"));
        var from = JsonSerializer.Serialize(start.Select(s => new { keyspace = ShardCluster.Keyspace, shard = s.Key, gtid = s.Value }));
        // `vgate kafka-sink` is vgate-kafka (the same command, VGate.Kafka.Cli) in the vgate executable, whose runtime
        // configuration (ASP.NET Core) is the one this test project's output is built for.
        await using var sink = new RestartableProcess("sink", Path.Combine(AppContext.BaseDirectory, "vgate.dll"),
        [
            "kafka-sink", "--gateway", address, "--keyspace", ShardCluster.Keyspace, "--from", from,
            "--bootstrap-servers", kafka.BootstrapServers, "--topic-prefix", prefix, "--offsets-topic", offsetsTopic,
            "--transactional", "true", "--schemas", "false", "--max-batch-delay-ms", "100", "--status-interval", "5",
            "--reconnect-initial-delay-ms", "50", "--reconnect-max-delay-ms", "1000", "--kafka", "fetch.wait.max.ms=10",
        ], Path.Combine(directory, "sink.log"));

        gateway.Start();
        await WaitServingAsync(address, gateway, cancellationToken);
        sink.Start();

        // The workload: one writer per shard; ids routed by the hash vindex, unique across the run.
        long nextId = 0;
        var transactionNumber = 0;
        var idGate = new Lock();
        var writers = cluster.Shards.Select((shard, i) => new ShardWriter(shard.Server, Table, i,
            () =>
            {
                lock (idGate)
                {
                    while (true)
                    {
                        var id = ++nextId;
                        if (cluster.ShardFor(id) == shard)
                            return id;
                    }
                }
            },
            () => Interlocked.Increment(ref transactionNumber), HashCode.Combine(options.Seed, i))).ToList();
        using var stopWorkload = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workload = writers.Select(w => Task.Run(() => w.RunAsync(options.RatePerWriter, stopWorkload.Token, cancellationToken), CancellationToken.None)).ToList();

        Dictionary<string, long>? end = null;
        var client = new ResumingVStreamClient(address, ShardCluster.Keyspace, start);
        var streaming = Task.Run(() => client.RunAsync(() => Volatile.Read(ref end), cancellationToken), CancellationToken.None);

        using var csv = options.CsvFile is { } path ? new StreamWriter(path, append: false) : null;
        csv?.WriteLine("elapsed_s,phase,transactions,faults,client_events,client_transactions,sink_checkpoint_lag,gateway_rss_mib,sink_rss_mib,gateway_pid,sink_pid");
        var faults = new Dictionary<FaultKind, int> { [FaultKind.Gateway] = 0, [FaultKind.Shard] = 0, [FaultKind.Sink] = 0 };
        long peakGateway = 0, peakSink = 0;
        var phase = "faults";
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampling = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                var g = gateway.Rss() ?? 0;
                var s = sink.Rss() ?? 0;
                peakGateway = Math.Max(peakGateway, g);
                peakSink = Math.Max(peakSink, s);
                if (csv is not null)
                {
                    var lag = await SinkLag(kafka.BootstrapServers, offsetsTopic, cluster);
                    await csv.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{clock.Elapsed.TotalSeconds:0.0},{phase},{writers.Sum(w => w.Committed)},{faults.Values.Sum()},{client.Events},{client.Transactions},{lag},{g / 1048576.0:0.0},{s / 1048576.0:0.0},{gateway.ProcessId},{sink.ProcessId}"));
                    await csv.FlushAsync(CancellationToken.None);
                }

                try
                {
                    await Task.Delay(options.SampleInterval, stopSampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);

        // The faults, until the run is long enough.
        var schedule = new FaultSchedule(options.Seed, cluster.Shards.Count);
        var injected = 0;
        while (injected < options.MinFaults || writers.Sum(w => w.Committed) < options.MinTransactions || clock.Elapsed < options.Duration)
        {
            var fault = schedule.Next();
            await Task.Delay(fault.After, cancellationToken);
            foreach (var task in workload.Append(streaming))
            {
                if (task.IsFaulted)
                    await task; // a writer or the client failed outright: report that, not a later symptom
            }

            log(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:0.0}s {fault}; {writers.Sum(w => w.Committed)} transactions, client {client.Transactions}"));
            switch (fault.Kind)
            {
                case FaultKind.Gateway:
                    await gateway.KillAsync();
                    await Task.Delay(fault.Down, cancellationToken);
                    gateway.Start();
                    break;
                case FaultKind.Sink:
                    await sink.KillAsync();
                    await Task.Delay(fault.Down, cancellationToken);
                    sink.Start();
                    break;
                case FaultKind.Shard:
                    var server = cluster.Shards[fault.Shard].Server;
                    await server.KillAsync();
                    await Task.Delay(fault.Down, cancellationToken);
                    await server.RestartAsync(cancellationToken);
                    break;
            }

            faults[fault.Kind]++;
            injected++;
        }

        await stopWorkload.CancelAsync();
        await Task.WhenAll(workload);
        var positions = await cluster.PositionsAsync(cancellationToken);
        var endPositions = positions.ToDictionary(p => p.Key, p => Positions.Sequence(p.Value) ?? 0);
        Volatile.Write(ref end, endPositions);
        var committed = writers.Sum(w => w.Committed);
        phase = "catch-up";
        log(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:0.0}s workload stopped: {committed} transactions, end {JsonSerializer.Serialize(positions)}; catching up"));

        // Catch-up: no more faults; the client and the sink must reach the end.
        try
        {
            await Eventually.UntilAsync(() => Task.FromResult(streaming.IsCompleted), done => done, CatchUp(committed), cancellationToken);
            await streaming;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            problems.Add($"the gRPC client did not reach the end (saved {JsonSerializer.Serialize(client.Saved)}, end {JsonSerializer.Serialize(endPositions)}, {client.Errors} errors, last: {client.LastError}): {ex.GetType().Name}: {ex.Message}");
        }

        log(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:0.0}s gRPC client done: {client.Events} events, {client.Connections} connections, last error {client.LastError}"));
        try
        {
            await Eventually.UntilAsync(() => SinkLag(kafka.BootstrapServers, offsetsTopic, cluster, endPositions), lag => lag == 0, CatchUp(committed), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            problems.Add($"the sink did not reach the end (lag {await SinkLag(kafka.BootstrapServers, offsetsTopic, cluster, endPositions)} transactions): {ex.GetType().Name}: {ex.Message}\n{sink.Tail()}");
        }

        log(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:0.0}s sink done"));
        await stopSampling.CancelAsync();
        await sampling;
        if (gateway.UnexpectedExit is { } gatewayExit)
            problems.Add($"the gateway exited on its own (code {gatewayExit}):\n{gateway.Tail()}");
        if (sink.UnexpectedExit is { } sinkExit)
            problems.Add($"the sink exited on its own (code {sinkExit}):\n{sink.Tail()}");
        await sink.KillAsync();
        await gateway.KillAsync();

        // Ground truth: what committed (the writers resolved every interrupted commit) and SELECT.
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var writer in writers)
            expected.UnionWith(writer.Expected);
        var selected = new Dictionary<long, RowImage>();
        foreach (var shard in cluster.Shards)
        {
            foreach (var row in await shard.Server.QueryAsync($"SELECT id, writer, v, n FROM {Table}", cancellationToken))
            {
                var image = new RowImage(Convert.ToInt64(row[0], CultureInfo.InvariantCulture), Convert.ToInt32(row[1], CultureInfo.InvariantCulture), (string)row[2]!, Convert.ToInt32(row[3], CultureInfo.InvariantCulture));
                selected[image.Id] = image;
            }
        }

        var model = writers.SelectMany(w => w.Live).ToDictionary(p => p.Key, p => p.Value);
        if (Difference(model, selected) is { } modelDifference)
            problems.Add("the workload's own model differs from SELECT (an interrupted commit was misjudged): " + modelDifference);

        var clientResult = client.Ledger.Judge(expected);
        var clientDifference = Difference(client.Replica, selected);
        if (clientDifference is not null)
            problems.Add("gRPC client replay ≠ SELECT: " + clientDifference);

        var records = TopicReader.ReadAll(kafka.BootstrapServers, [dataTopic], readCommitted: true);
        if (kafka.IsMock)
            problems.AddRange(Dropped(kafka.BootstrapServers, dataTopic, options.Partitions));
        var kafkaLedger = new ChangeLedger();
        var kafkaReplica = new Dictionary<long, RowImage>();
        foreach (var record in records.Where(r => r.Value is not null).OrderBy(r => r.Partition).ThenBy(r => r.Offset))
        {
            var payload = record.Payload;
            var change = new RowChange(Image(payload, "before"), Image(payload, "after"));
            kafkaLedger.Add(change);
            if (change.Before is { } before)
                kafkaReplica.Remove(before.Id);
            if (change.After is { } after)
                kafkaReplica[after.Id] = after;
        }

        var kafkaResult = kafkaLedger.Judge(expected);
        var kafkaDifference = Difference(kafkaReplica, selected);
        if (kafkaDifference is not null)
            problems.Add("Kafka replay ≠ SELECT: " + kafkaDifference);

        var result = new FaultChainResult(options.Seed, faults, committed, writers.Sum(w => w.Uncertain), writers.Sum(w => w.UncertainCommitted),
            client.Events, client.Connections, clientResult, clientDifference is null, records.Count, kafkaResult, kafkaDifference is null,
            peakGateway, peakSink, clock.Elapsed, problems);
        log(result.ToString());
        if (result.Problems.Count == 0 && result.Client.ExactlyOnce && result.Kafka.ExactlyOnce)
            DeleteQuietly(directory);
        else
            log($"logs kept in {directory}");
        return result;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: logs left in the temp directory are harmless.
        }
    }

    private static async Task WaitServingAsync(string address, RestartableProcess gateway, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        await Eventually.AssertAsync(
            async () =>
            {
                if (gateway.ProcessId is null)
                    throw new InvalidOperationException("vgate serve exited: " + gateway.Tail());
                var status = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), cancellationToken: cancellationToken);
                // Started once health answers; NOT_SERVING too, as a fault may have a shard down while the gateway restarts.
                Assert.True(status.Status is Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving
                    or Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing, $"health status {status.Status}");
            },
            TestDeadline.ServerStart,
            cancellationToken);
    }

    /// <summary>
    /// How many transactions the sink's newest checkpoint is behind <paramref name="end"/> (or the shards' current
    /// positions), summed over the shards; -1 before the first checkpoint.
    /// </summary>
    private static async Task<long> SinkLag(string bootstrapServers, string offsetsTopic, ShardCluster cluster, IReadOnlyDictionary<string, long>? end = null)
    {
        var target = end;
        if (target is null)
        {
            try
            {
                target = (await cluster.PositionsAsync(CancellationToken.None)).ToDictionary(p => p.Key, p => Positions.Sequence(p.Value) ?? 0);
            }
            catch (Exception ex) when (ex is MySqlConnector.MySqlException or InvalidOperationException or IOException)
            {
                return -2; // a shard is down
            }
        }

        if (LastCheckpoint(bootstrapServers, offsetsTopic) is not { } checkpoint)
            return -1;
        return target.Sum(t => Math.Max(0, t.Value - (Positions.Sequence(checkpoint.Vgtid.ShardGtids.FirstOrDefault(g => g.Shard == t.Key)?.Gtid ?? "") ?? 0)));
    }

    private static Checkpoint? LastCheckpoint(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "lag-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnablePartitionEof = true,
            FetchWaitMaxMs = 10,
        }).SetLogHandler((_, _) => { }).Build();
        var partition = new TopicPartition(topic, 0);
        var high = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
        if (high <= 0)
            return null;
        // The last offsets may be transaction markers, which a consumer never sees: read the last few records to the end.
        consumer.Assign(new TopicPartitionOffset(partition, Math.Max(0, high - 16)));
        byte[]? last = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
                continue;
            if (result.IsPartitionEOF)
                break;
            last = result.Message.Value ?? last;
        }

        return last is null ? null : CheckpointCodec.Decode(last);
    }

    /// <summary>Records the mock cluster dropped (it keeps 100,000 records or 5 MiB per partition).</summary>
    private static IEnumerable<string> Dropped(string bootstrapServers, string topic, int partitions)
    {
        using var probe = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "probe-" + Guid.NewGuid().ToString("N") }).Build();
        for (var partition = 0; partition < partitions; partition++)
        {
            var low = probe.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).Low.Value;
            if (low != 0)
                yield return $"the mock cluster dropped the first {low} records of {topic}/{partition} (it keeps 5 MiB per partition): raise VGATE_FAULT_PARTITIONS";
        }
    }

    /// <summary>How long the consumers may take to catch up once the faults stop: 3 minutes plus 1 s per 1,000 transactions.</summary>
    private static TimeSpan CatchUp(long transactions) => TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(transactions / 1000.0);

    private static RowImage? Image(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out var image) || image.ValueKind == JsonValueKind.Null)
            return null;
        return new RowImage(image.GetProperty("id").GetInt64(), image.GetProperty("writer").GetInt32(), image.GetProperty("v").GetString()!, image.GetProperty("n").GetInt32());
    }

    /// <summary>The first differences between a replayed table and SELECT, or null when equal.</summary>
    private static string? Difference(IReadOnlyDictionary<long, RowImage> replayed, Dictionary<long, RowImage> selected)
    {
        var differences = new List<string>();
        foreach (var (id, row) in selected)
        {
            if (!replayed.TryGetValue(id, out var other))
                differences.Add($"id {id} missing (SELECT has {row})");
            else if (other != row)
                differences.Add($"id {id} is {other}, SELECT has {row}");
        }

        differences.AddRange(replayed.Keys.Where(id => !selected.ContainsKey(id)).Select(id => $"id {id} is not in SELECT ({replayed[id]})"));
        return differences.Count == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{differences.Count} rows differ ({replayed.Count} replayed, {selected.Count} selected), first: {string.Join("; ", differences.Take(5))}");
    }
}
