using Confluent.Kafka;
using VGate.Kafka.Checkpoints;
using VGate.Kafka.Positions;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;
using static VGate.Kafka.Tests.Framework.VEvents;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// Offsets-topic edge cases, event options passed to the mapping, stock tools reading the topics (kcat), and the
/// transactional guarantees only a real broker provides (VGATE_TEST_KAFKA).
/// </summary>
public sealed class KafkaSinkEdgeTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    private KafkaSinkOptions Options(GatewayHost host, string prefix, bool transactional = true)
    {
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        return new KafkaSinkOptions
        {
            Gateway = host.Address,
            Keyspace = Keyspace,
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            Transactional = transactional,
            StatusIntervalSeconds = 0,
            KafkaTimeoutMs = 20_000,
        };
    }

    private void ProduceToOffsets(KafkaSinkOptions options, byte[]? value)
    {
        using var producer = new ProducerBuilder<byte[], byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        producer.ProduceAsync(new TopicPartition(options.OffsetsTopic, 0), new Message<byte[], byte[]?>
        {
            Key = CheckpointCodec.Key(options.EffectiveConnectorName, options.TopicPrefix!),
            Value = value,
        }).GetAwaiter().GetResult();
    }

    private static bool At(Checkpoint checkpoint, string gtid) => checkpoint.Vgtid.ShardGtids.Any(s => s.Gtid == gtid);

    [Fact]
    public async Task Run_NewestCheckpointIsGarbage_StopsWithKafkaFailureNamingTheRecord()
    {
        var gateway = new ScriptedGateway();
        await using var host = await GatewayHost.StartAsync(gateway);
        var options = Options(host, KafkaTestCluster.NewPrefix());
        ProduceToOffsets(options, "{\"vgtid\": 42}"u8.ToArray());

        await using var run = SinkRun.Start(options, _log);
        var error = await run.FailsWithAsync<KafkaSinkException>();

        Assert.Equal(SinkFailure.Kafka, error.Failure);
        Assert.Contains("is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("tombstone", error.Message, StringComparison.Ordinal);
        Assert.Empty(gateway.Requests);
    }

    [Fact]
    public async Task Run_TombstoneForTheConnector_StartsOverFromTheConfiguredPosition()
    {
        var gateway = new ScriptedGateway();
        gateway.Add(Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var options = Options(host, KafkaTestCluster.NewPrefix());
        ProduceToOffsets(options, CheckpointCodec.Encode(new Checkpoint(Position("MariaDB/0-1-99"), new Dictionary<TopicPartition, long>(), 1, 0)));
        ProduceToOffsets(options, null);

        await using (var run = SinkRun.Start(options, _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        Assert.Equal("current", gateway.Requests[0].Vgtid.ShardGtids[0].Gtid);
    }

    [Fact]
    public async Task Run_EventOptions_FilterTablesOverrideKeysAndDropSchemas()
    {
        var gateway = new ScriptedGateway();
        gateway.Add(Transaction("MariaDB/0-1-1", "0", Field("keep"), Insert("keep", 1, "a"), Field("skip"), Insert("skip", 2, "b")));
        gateway.Add(Vgtid("MariaDB/0-1-2"), Ddl("ALTER TABLE keep ADD COLUMN w INT"));
        gateway.Add(Transaction("MariaDB/0-1-3", "0", Insert("keep", 3, "c")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix);
        options.TableExcludeList.Add("ks\\.skip");
        options.KeyColumns["ks.keep"] = "v";
        options.SchemasEnabled = false;
        options.IncludeSchemaChanges = true;

        await using (var run = SinkRun.Start(options, _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-3"));

        var topics = TopicReader.Topics(kafka.BootstrapServers, prefix);
        Assert.Contains($"{prefix}.ks.keep", topics);
        Assert.DoesNotContain($"{prefix}.ks.skip", topics);
        var records = TopicReader.ReadAll(kafka.BootstrapServers, [$"{prefix}.ks.keep"]);
        Assert.Equal(["{\"v\":\"a\"}", "{\"v\":\"c\"}"], records.Select(r => r.KeyPayload).Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.False(System.Text.Json.JsonDocument.Parse(r.Value!).RootElement.TryGetProperty("schema", out _)));
        var ddl = Assert.Single(TopicReader.ReadAll(kafka.BootstrapServers, [prefix]));
        Assert.Equal("schema-change", ddl.Header(PositionHeaders.Kind));
        Assert.Equal("MariaDB/0-1-2", ddl.Header(PositionHeaders.Gtid));
    }

    [KcatFact]
    public async Task Kcat_ReadsTheTopicsWithKeysValuesAndHeaders()
    {
        var gateway = new ScriptedGateway();
        gateway.Add(Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"), Insert("t", 2, "b")));
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Delete("t", 1, "a")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        await using (var run = SinkRun.Start(Options(host, prefix), _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-2"));

        using var deadline = TestDeadline.CreateTokenSource();
        var (exit, text, error) = await Kcat.RunAsync(
            ["-b", kafka.BootstrapServers, "-C", "-t", $"{prefix}.ks.t", "-o", "beginning", "-e", "-q", "-f", "%k\t%S\t%h\n"], deadline.Token);

        Assert.True(exit == 0, error);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        var tombstone = Assert.Single(lines, l => l.Split('\t')[1] == "-1"); // %S: value length, -1 for null
        Assert.Contains("\"id\":1}", tombstone.Split('\t')[0], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains("vgate.position={\"connector\":", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains("\"gtid\":\"MariaDB/0-1-", l, StringComparison.Ordinal));
        Assert.Equal(3, lines.Count(l => l.Contains("\"kind\":\"change\"", StringComparison.Ordinal)));
    }

    [RealKafkaFact]
    public async Task RealBroker_CrashWithOpenTransaction_AbortedRecordsInvisibleAndRestartWritesThemOnce()
    {
        var gateway = new ScriptedGateway();
        gateway.Add(Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix);
        await using (var first = SinkRun.Start(options, _log))
            await first.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, "b"), Insert("t", 3, "c")));
        await using (var crashing = SinkRun.Start(options, _log, step =>
        {
            if (step == "before-checkpoint")
                throw new InvalidOperationException("injected crash");
        }))
        {
            await crashing.FailsWithAsync<InvalidOperationException>();
        }
        // Delivered but never committed: invisible to read_committed, visible to read_uncommitted.
        Assert.Single(TopicReader.ReadAll(kafka.BootstrapServers, [$"{prefix}.ks.t"], readCommitted: true));
        Assert.Equal(3, TopicReader.ReadAll(kafka.BootstrapServers, [$"{prefix}.ks.t"], readCommitted: false).Count);

        await using (var restarted = SinkRun.Start(options, _log))
        {
            await restarted.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-2"));
            Assert.Equal(0, restarted.Sink.Statistics.RecordsSkipped);
        }
        var committed = TopicReader.ReadAll(kafka.BootstrapServers, [$"{prefix}.ks.t"], readCommitted: true);
        Assert.Equal([1, 2, 3], committed.Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).Order());
    }

    [RealKafkaFact]
    public async Task RealBroker_SecondInstanceWithSameTransactionalId_FencesTheFirst()
    {
        var gateway = new ScriptedGateway();
        gateway.Add(Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix);
        await using var zombie = SinkRun.Start(options, _log);
        await zombie.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        await using var successor = SinkRun.Start(options, _log);
        await successor.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, "b")));
        await successor.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-2"));

        var fenced = await zombie.FailsWithAsync<KafkaSinkException>();
        Assert.Equal(SinkFailure.Kafka, fenced.Failure);
        Assert.Contains("fenced", fenced.Message, StringComparison.Ordinal);
        var committed = TopicReader.ReadAll(kafka.BootstrapServers, [$"{prefix}.ks.t"], readCommitted: true);
        Assert.Equal([1, 2], committed.Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).Order());
    }
}
