using VGate.Kafka.Checkpoints;
using VGate.Kafka.Positions;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;
using static VGate.Kafka.Tests.Framework.VEvents;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// Producer compression (<see cref="KafkaSinkOptions.Compression"/>): compressed record batches are read like any
/// others by the sink's own read-back after a crash (exactly once still holds) and by stock consumers (kcat).
/// </summary>
public sealed class CompressionTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    private KafkaSinkOptions Options(GatewayHost host, string prefix, string compression)
    {
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        return new KafkaSinkOptions
        {
            Gateway = host.Address,
            Keyspace = Keyspace,
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            Compression = compression,
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            KafkaTimeoutMs = 20_000,
        };
    }

    private static bool At(Checkpoint checkpoint, string gtid) => checkpoint.Vgtid.ShardGtids.Any(s => s.Gtid == gtid);

    [Theory]
    [InlineData("none", true)]
    [InlineData("lz4", true)]
    [InlineData("zstd", true)]
    [InlineData("snappy", false)]
    [InlineData("gzip", false)]
    public async Task Run_CrashAfterCompressedBatchesWereDelivered_RestartReadsThemBackAndWritesEachChangeOnce(string compression, bool transactional)
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, compression);
        options.Transactional = transactional;
        await using (var first = SinkRun.Start(options, _log))
            await first.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        // Every record of the next transactions is delivered (in compressed batches), then the run dies before their
        // checkpoint: the restart must find them by reading the compressed batches back.
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, "b"), Insert("t", 3, "c"), Insert("t", 4, "d")));
        gateway.Add(Transaction("MariaDB/0-1-3", "0", Insert("t", 5, "e"), Delete("t", 1, "a")));
        await using (var crashing = SinkRun.Start(options, _log, step =>
        {
            if (step == "before-checkpoint")
                throw new InvalidOperationException("injected crash at " + step);
        }))
        {
            var crash = await crashing.FailsWithAsync<InvalidOperationException>();
            Assert.Contains("injected crash", crash.Message, StringComparison.Ordinal);
        }
        var before = DataRecords(prefix).Count;
        Assert.True(before > 1, "the crashed run wrote records after the checkpoint");

        await using (var restarted = SinkRun.Start(options, _log))
        {
            await restarted.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-3"));
            Assert.Equal(before - 1, restarted.Sink.Statistics.RecordsSkipped);
        }

        var records = DataRecords(prefix);
        var identities = records.Select(r => $"{r.Header(PositionHeaders.Gtid)}#{r.Header(PositionHeaders.Index)}").ToList();
        Assert.Equal(
            ["MariaDB/0-1-1#0", "MariaDB/0-1-2#0", "MariaDB/0-1-2#1", "MariaDB/0-1-2#2", "MariaDB/0-1-3#0", "MariaDB/0-1-3#1", "MariaDB/0-1-3#2"],
            identities.Order(StringComparer.Ordinal));
        Assert.Equal([1, 2, 3, 4, 5], records.Where(r => r.Value is not null && r.Payload.GetProperty("after").ValueKind != System.Text.Json.JsonValueKind.Null)
            .Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).Order());
    }

    [KcatTheory]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public async Task Kcat_ReadsCompressedTopicsWithKeysValuesAndHeaders(string compression)
    {
        var gateway = new ScriptedGateway();
        gateway.Add(Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"), Insert("t", 2, "b")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        await using (var run = SinkRun.Start(Options(host, prefix, compression), _log))
            await run.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-1"));

        using var deadline = TestDeadline.CreateTokenSource();
        var (exit, text, error) = await Kcat.RunAsync(
            ["-b", kafka.BootstrapServers, "-C", "-t", $"{prefix}.ks.t", "-o", "beginning", "-e", "-q", "-f", "%h\t%s\n"], deadline.Token);

        Assert.True(exit == 0, error);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Contains("\"kind\":\"change\"", l, StringComparison.Ordinal));
        // The values arrive decompressed: the JSON converter's envelope with the row.
        Assert.Single(lines, l => l.Contains("\"after\":{\"id\":1,\"v\":\"a\"}", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("\"after\":{\"id\":2,\"v\":\"b\"}", StringComparison.Ordinal));
    }

    private List<KafkaRecord> DataRecords(string prefix) =>
        TopicReader.ReadAll(kafka.BootstrapServers, TopicReader.Topics(kafka.BootstrapServers, prefix + "."));
}
