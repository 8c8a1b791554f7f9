using System.Text.Json;
using Grpc.Core;
using VGate.Kafka.Checkpoints;
using VGate.Kafka.Positions;
using VGate.Kafka.Producing;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using VGate.VStreamer;
using Xunit.Abstractions;
using static VGate.Kafka.Tests.Framework.VEvents;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// The sink end to end against a scripted VStream served by a real VGate gRPC server on localhost, writing to Kafka
/// (librdkafka's mock cluster, or the broker in VGATE_TEST_KAFKA): routing, keys, headers, tombstones, primary-key
/// changes, copy-phase rows, transaction metadata, heartbeats, checkpoints and restarts. Each test runs with and without
/// Kafka transactions.
/// </summary>
public sealed class KafkaSinkTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    private KafkaSinkOptions Options(GatewayHost host, string prefix, bool transactional)
    {
        // Created ahead: the mock cluster has no CreateTopics API (the sink would wait for it to time out).
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        return NewOptions(host, prefix, transactional);
    }

    private KafkaSinkOptions NewOptions(GatewayHost host, string prefix, bool transactional) => new()
    {
        Gateway = host.Address,
        Keyspace = Keyspace,
        TopicPrefix = prefix,
        BootstrapServers = kafka.BootstrapServers,
        OffsetsTopic = prefix + "-offsets",
        Transactional = transactional,
        StatusIntervalSeconds = 0,
        ReconnectInitialDelayMs = 20,
        KafkaTimeoutMs = 20_000,
    };

    private List<KafkaRecord> DataRecords(string prefix) =>
        TopicReader.ReadAll(kafka.BootstrapServers, TopicReader.Topics(kafka.BootstrapServers, prefix + "."));

    private int PartitionCount(string topic)
    {
        using var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
    }

    private static bool At(Checkpoint checkpoint, string gtid) => checkpoint.Vgtid.ShardGtids.Any(s => s.Gtid == gtid);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_InsertsIntoTwoTables_RoutesToTableTopicsWithKeysPartitionsAndHeaders(bool transactional)
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("orders"), Insert("orders", 1, "a"), Insert("orders", 2, "b"), Field("users"), Insert("users", 7, "u"))]);
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("orders", 3, "c")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();

        await using (var run = SinkRun.Start(Options(host, prefix, transactional), _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-2"));

        var records = DataRecords(prefix);
        Assert.Equal([$"{prefix}.ks.orders", $"{prefix}.ks.users"], records.Select(r => r.Topic).Distinct().Order(StringComparer.Ordinal));
        var orders = records.Where(r => r.Topic.EndsWith(".orders", StringComparison.Ordinal)).OrderBy(r => r.Header(PositionHeaders.Gtid)).ThenBy(r => int.Parse(r.Header(PositionHeaders.Index)!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([1, 2, 3], orders.Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()));
        Assert.All(records, r => Assert.Equal("c", r.Op));
        foreach (var record in records)
        {
            // Keyed by the primary key, partitioned like Kafka's Java clients (murmur2).
            Assert.StartsWith("{\"id\":", record.KeyPayload, StringComparison.Ordinal);
            Assert.Equal(KafkaPartitioner.Partition(record.Key, PartitionCount(record.Topic)), record.Partition);
            Assert.Equal(prefix, record.Header(PositionHeaders.Connector));
            Assert.Equal(Keyspace, record.Header(PositionHeaders.Keyspace));
            Assert.Equal("0", record.Header(PositionHeaders.Shard));
            Assert.Equal("change", record.Header(PositionHeaders.Kind));
            Assert.Null(record.Header(PositionHeaders.Copy));
        }
        var first = records.Where(r => r.Header(PositionHeaders.Gtid) == "MariaDB/0-1-1").Select(r => r.Header(PositionHeaders.Index)).Order().ToList();
        Assert.Equal(["0", "1", "2"], first);
        Assert.Equal(["0"], records.Where(r => r.Header(PositionHeaders.Gtid) == "MariaDB/0-1-2").Select(r => r.Header(PositionHeaders.Index)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_DeleteAndPrimaryKeyChange_WriteTombstonesAfterDeletes(bool transactional)
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"), Insert("t", 2, "b"))]);
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Delete("t", 1, "a")));
        gateway.Add(Transaction("MariaDB/0-1-3", "0", Update("t", 2, "b", "b2", newId: 20)));
        gateway.Add(Transaction("MariaDB/0-1-4", "0", Update("t", 20, "b2", "b3")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();

        await using (var run = SinkRun.Start(Options(host, prefix, transactional), _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-4"));

        var records = DataRecords(prefix);
        string Describe(KafkaRecord r) => r.Value is null ? $"tombstone {r.KeyPayload}" : $"{r.Op} {r.KeyPayload}";
        var byPosition = records.OrderBy(r => r.Header(PositionHeaders.Gtid), StringComparer.Ordinal)
            .ThenBy(r => int.Parse(r.Header(PositionHeaders.Index)!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(
            ["c {\"id\":1}", "c {\"id\":2}", "d {\"id\":1}", "tombstone {\"id\":1}", "d {\"id\":2}", "tombstone {\"id\":2}", "c {\"id\":20}", "u {\"id\":20}"],
            byPosition.Select(Describe));
        Assert.Equal(["change", "change", "change", "tombstone", "change", "tombstone", "change", "change"], byPosition.Select(r => r.Header(PositionHeaders.Kind)));
        // A delete and its tombstone share the key, hence the partition, and the tombstone comes right after it.
        var delete = byPosition[2];
        var tombstone = byPosition[3];
        Assert.Equal(delete.Partition, tombstone.Partition);
        Assert.True(tombstone.Offset > delete.Offset);
        Assert.Equal("b2", byPosition[6].Payload.GetProperty("after").GetProperty("v").GetString());
        // The mapping's own headers of a primary-key change ride along after the position headers.
        Assert.Contains("\"id\":20", byPosition[4].Header("__debezium.newkey"), StringComparison.Ordinal);
        Assert.Contains("\"id\":2", byPosition[6].Header("__debezium.oldkey"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "c")]
    [InlineData("read", "r")]
    public async Task Run_CopyPhase_WritesCopiedRowsMarkedAsCopyWithTheConfiguredOperation(string? copyRowOperation, string copiedOp)
    {
        var gateway = new ScriptedGateway();
        // vtgate's copy phase: rows with timestamp 0 in BEGIN…VGTID(table_p_ks)…COMMIT(timestamp 0), then COPY_COMPLETED.
        gateway.Add(
            Begin(), Field("t"), Insert("t", 1, "a", timestamp: 0), Insert("t", 2, "b", timestamp: 0),
            Vgtid("MariaDB/0-1-5", copyingTable: "t"), Commit(timestamp: 0));
        gateway.Add(Begin(), Vgtid("MariaDB/0-1-5"), Commit(timestamp: 0));
        gateway.Add(CopyCompleted());
        gateway.Add(Transaction("MariaDB/0-1-6", "0", Insert("t", 3, "c")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional: true);
        options.From = "copy";
        options.CopyRowOperation = copyRowOperation;

        await using (var run = SinkRun.Start(options, _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-6"));

        Assert.Equal("", gateway.Requests[0].Vgtid.ShardGtids[0].Gtid);
        var records = DataRecords(prefix).OrderBy(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).ToList();
        Assert.Equal([copiedOp, copiedOp, "c"], records.Select(r => r.Op));
        Assert.Equal(["1", "1", null], records.Select(r => r.Header(PositionHeaders.Copy)));
    }

    [Fact]
    public async Task Run_TransactionMetadata_WritesBeginAndEndAroundTheChanges()
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"), Insert("t", 2, "b"))]);
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional: true);
        options.TransactionMetadata = true;

        await using (var run = SinkRun.Start(options, _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        var metadata = TopicReader.ReadAll(kafka.BootstrapServers, [prefix + ".transaction"]);
        Assert.Equal(["transaction-begin", "transaction-end"], metadata.OrderBy(r => r.Header(PositionHeaders.Index)).Select(r => r.Header(PositionHeaders.Kind)));
        Assert.Equal(["BEGIN", "END"], metadata.OrderBy(r => r.Header(PositionHeaders.Index)).Select(r => r.Payload.GetProperty("status").GetString()));
        var data = DataRecords(prefix).Where(r => r.Topic != prefix + ".transaction").ToList();
        Assert.Equal(["1", "2"], data.Select(r => r.Header(PositionHeaders.Index)).Order());
        Assert.Equal("3", metadata.Single(r => r.Header(PositionHeaders.Kind) == "transaction-end").Header(PositionHeaders.Index));
    }

    [Fact]
    public async Task Run_GatewayHeartbeat_WritesHeartbeatRecordAndAsksForHeartbeats()
    {
        var gateway = new ScriptedGateway();
        gateway.Add(Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a")));
        gateway.Add(Heartbeat());
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional: false);
        options.HeartbeatIntervalSeconds = 5;

        await using var run = SinkRun.Start(options, _log);
        await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        var topic = "__debezium-heartbeat." + prefix;
        var heartbeats = await Eventually.UntilAsync(() => Task.FromResult(TopicReader.ReadAll(kafka.BootstrapServers, [topic])), r => r.Count > 0, TestDeadline.Default);
        var heartbeat = Assert.Single(heartbeats);
        Assert.Equal("heartbeat", heartbeat.Header(PositionHeaders.Kind));
        Assert.Equal(0, heartbeat.Partition);
        Assert.Equal(5u, gateway.Requests[0].Flags.HeartbeatInterval);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_Checkpoint_HoldsLastVgtidAndEndOffsetOfEveryPartitionWritten(bool transactional)
    {
        var gateway = new ScriptedGateway();
        gateway.Add(Transaction("MariaDB/0-1-1", "0", [Field("t"), .. Enumerable.Range(1, 20).Select(i => Insert("t", i, "v" + i))]));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional);

        await using (var run = SinkRun.Start(options, _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        var stored = TopicReader.ReadAll(kafka.BootstrapServers, [options.OffsetsTopic]);
        Assert.All(stored, r => Assert.Equal($"[\"{prefix}\",{{\"server\":\"{prefix}\"}}]", r.KeyText));
        var last = CheckpointCodec.Decode(stored[^1].Value);
        Assert.Equal("MariaDB/0-1-1", Assert.Single(last.Vgtid.ShardGtids).Gtid);
        // Every record of the topic lies below the checkpointed end of its partition.
        var data = DataRecords(prefix);
        Assert.Equal(20, data.Count);
        Assert.Equal(PartitionCount(prefix + ".ks.t"), last.EndOffsets.Count);
        foreach (var group in data.GroupBy(r => r.Partition))
            Assert.Equal(group.Max(r => r.Offset) + 1, last.EndOffsets[new Confluent.Kafka.TopicPartition(group.First().Topic, group.Key)]);
        // The first record in the offsets topic registers the topic's partitions before any data was written.
        var registration = CheckpointCodec.Decode(stored[0].Value);
        Assert.Equal("current", registration.Vgtid.ShardGtids[0].Gtid);
        Assert.All(registration.EndOffsets.Values, offset => Assert.Equal(0, offset));
        using var json = JsonDocument.Parse(stored[^1].Value!);
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("vgtid").ValueKind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_StopAndRestart_ResumesFromCheckpointWithoutDuplicates(bool transactional)
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, "b")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional);

        await using (var first = SinkRun.Start(options, _log))
        {
            await first.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-2"));
            await first.StopAsync();
        }
        gateway.Add([.. Transaction("MariaDB/0-1-3", "0", Field("t"), Insert("t", 3, "c"))]);
        await using (var second = SinkRun.Start(options, _log))
        {
            await second.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-3"));
            Assert.Equal(0, second.Sink.Statistics.RecordsSkipped);
        }

        Assert.Equal("MariaDB/0-1-2", gateway.Requests[1].Vgtid.ShardGtids[0].Gtid);
        Assert.Equal([1, 2, 3], DataRecords(prefix).Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).Order());
    }

    [Theory]
    [InlineData(true, "before-checkpoint", 0)]
    [InlineData(false, "before-checkpoint", 0)]
    [InlineData(false, "produced", 2)]
    [InlineData(true, "produced", 4)]
    public async Task Run_CrashBetweenProduceAndCheckpoint_RestartSkipsWhatIsAlreadyInKafka(bool transactional, string crashAt, int afterRecords)
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional);
        await using (var first = SinkRun.Start(options, _log))
            await first.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        // The second run dies after writing some records of the next transactions and before their checkpoint.
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, "b"), Insert("t", 3, "c"), Insert("t", 4, "d")));
        gateway.Add(Transaction("MariaDB/0-1-3", "0", Insert("t", 5, "e"), Delete("t", 1, "a")));
        var produced = 0;
        await using (var crashing = SinkRun.Start(options, _log, step =>
        {
            if (step == crashAt && (step != "produced" || ++produced == afterRecords))
                throw new InvalidOperationException("injected crash at " + step);
        }))
        {
            var crash = await crashing.FailsWithAsync<InvalidOperationException>();
            Assert.Contains("injected crash", crash.Message, StringComparison.Ordinal);
        }
        var before = DataRecords(prefix).Count;
        // Records delivered before the crash are visible, unless a real broker hides the aborted transaction's records
        // (the mock cluster does not), or the abort purged them before they were sent.
        if (crashAt == "before-checkpoint" && (!transactional || kafka.IsMock))
            Assert.True(before > 1, "the crashed run wrote records after the checkpoint");
        if (!transactional && crashAt == "produced")
            Assert.Equal(1 + afterRecords, before);

        await using (var restarted = SinkRun.Start(options, _log))
        {
            await restarted.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-3"));
            Assert.Equal(before - 1, restarted.Sink.Statistics.RecordsSkipped);
        }

        var records = DataRecords(prefix);
        var identities = records.Select(r => $"{r.Header(PositionHeaders.Gtid)}#{r.Header(PositionHeaders.Index)}").ToList();
        Assert.Equal(identities.Count, identities.Distinct().Count());
        Assert.Equal(
            ["MariaDB/0-1-1#0", "MariaDB/0-1-2#0", "MariaDB/0-1-2#1", "MariaDB/0-1-2#2", "MariaDB/0-1-3#0", "MariaDB/0-1-3#1", "MariaDB/0-1-3#2"],
            identities.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_FromCurrent_CheckpointsTheResolvedPositionBeforeAnyRecordOfThatShard()
    {
        var gateway = new ScriptedGateway();
        // vtgate's answer to "current": VGTID, OTHER with the shard's real position, then transactions.
        gateway.Add(Vgtid("MariaDB/0-1-9"), Other());
        gateway.Add([.. Transaction("MariaDB/0-1-10", "0", Field("t"), Insert("t", 1, "a"))]);
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional: true);

        await using (var run = SinkRun.Start(options, _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-10"));

        var checkpoints = TopicReader.ReadAll(kafka.BootstrapServers, [options.OffsetsTopic]).Select(r => CheckpointCodec.Decode(r.Value)).ToList();
        Assert.Equal(["MariaDB/0-1-9", "MariaDB/0-1-9", "MariaDB/0-1-10"], checkpoints.Select(c => c.Vgtid.ShardGtids[0].Gtid));
        Assert.Empty(checkpoints[0].EndOffsets); // resolved position, no topic yet
        Assert.Equal(PartitionCount(prefix + ".ks.t"), checkpoints[1].EndOffsets.Count); // the topic's registration
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_GatewayUnavailable_ReconnectsFromTheLastPositionWritten(bool transactional)
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, "b")));
        gateway.Add(Transaction("MariaDB/0-1-3", "0", Insert("t", 3, "c")));
        gateway.FailOnce(afterResponses: 2, VStreamException.Unavailable("shard -80 lost its source"));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();

        await using (var run = SinkRun.Start(Options(host, prefix, transactional), _log))
        {
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-3"));
            Assert.Equal(1, run.Sink.Statistics.Reconnects);
        }

        Assert.Equal(2, gateway.Requests.Count);
        Assert.Equal("MariaDB/0-1-2", gateway.Requests[1].Vgtid.ShardGtids[0].Gtid);
        Assert.Contains(_log.Lines, l => l.Contains("shard -80 lost its source", StringComparison.Ordinal));
        Assert.Equal([1, 2, 3], DataRecords(prefix).Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).Order());
    }

    [Fact]
    public async Task Run_GatewayRejectsTheRequest_StopsWithGatewayFailure()
    {
        var gateway = new ScriptedGateway { AlwaysFail = VStreamException.InvalidArgument("unknown keyspace nope") };
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();

        await using var run = SinkRun.Start(Options(host, prefix, transactional: false), _log);
        var error = await run.FailsWithAsync<KafkaSinkException>();

        Assert.Equal(SinkFailure.Gateway, error.Failure);
        Assert.Equal(4, error.ExitCode);
        Assert.Contains("unknown keyspace nope", error.Message, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task Run_RecordLargerThanKafkaAllows_StopsWithKafkaFailureAndKeepsTheCheckpointBeforeIt()
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional: false);
        options.Kafka["message.max.bytes"] = "20000";

        await using var run = SinkRun.Start(options, _log);
        await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, new string('x', 50_000))));
        var error = await run.FailsWithAsync<KafkaSinkException>();

        Assert.Equal(SinkFailure.Kafka, error.Failure);
        Assert.Contains(prefix + ".ks.t", error.Message, StringComparison.Ordinal);
        // The error names the record (its key), where it came from, its size, the limit and the way through.
        Assert.Contains("\"id\":2", error.Message, StringComparison.Ordinal);
        Assert.Contains("MariaDB/0-1-2", error.Message, StringComparison.Ordinal);
        Assert.Contains("message.max.bytes (20000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("OversizeRecords=skip", error.Message, StringComparison.Ordinal);
        var stored = TopicReader.ReadAll(kafka.BootstrapServers, [options.OffsetsTopic]);
        Assert.Equal("MariaDB/0-1-1", CheckpointCodec.Decode(stored[^1].Value).Vgtid.ShardGtids[0].Gtid);
    }

    [Fact]
    public async Task Run_RecordLargerThanKafkaAllowsWithSkip_LeftOutLoggedCountedAndTheRestDelivered()
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional: true);
        options.Kafka["message.max.bytes"] = "20000";
        options.OversizeRecords = "skip";

        await using var run = SinkRun.Start(options, _log);
        await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, new string('x', 50_000)), Insert("t", 3, "c")));
        await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-2"));

        Assert.Equal([1, 3], DataRecords(prefix).Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).Order());
        Assert.Equal(1, run.Sink.Statistics.RecordsOversize);
        Assert.Contains(_log.Lines, l => l.Contains("Left out a record of", StringComparison.Ordinal)
            && l.Contains(prefix + ".ks.t", StringComparison.Ordinal) && l.Contains("\"id\":2", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownOversizeRecords_ConfigurationError()
    {
        var options = new KafkaSinkOptions { Gateway = "localhost:1", Keyspace = "ks", TopicPrefix = "p", BootstrapServers = "localhost:9092", OversizeRecords = "truncate" };

        Assert.Contains(SinkSettings.Validate(options), e => e.Contains("OversizeRecords must be fail or skip, not 'truncate'", StringComparison.Ordinal));
    }

    [MockKafkaFact]
    public async Task Run_BrokersDownUntilDeliveryTimesOut_StopsAndARestartDeliversEverythingOnce()
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional: false);
        options.Kafka["message.timeout.ms"] = "1500";
        try
        {
            await using (var run = SinkRun.Start(options, _log))
            {
                await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));
                kafka.Mock!.SetAllBrokers(up: false);
                gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, "b")));
                var error = await run.FailsWithAsync<KafkaSinkException>();
                Assert.Equal(SinkFailure.Kafka, error.Failure);
                output.WriteLine("sink stopped with: " + error.Message);
            }
        }
        finally
        {
            kafka.Mock!.SetAllBrokers(up: true);
        }

        await using (var restarted = SinkRun.Start(options, _log))
            await restarted.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-2"));

        Assert.Equal([1, 2], DataRecords(prefix).Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).Order());
    }
}
