using System.Globalization;
using VGate.Kafka.Checkpoints;
using VGate.Kafka.Positions;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using Xunit.Abstractions;
using static VGate.Kafka.Tests.Framework.VEvents;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// A source transaction far larger than <see cref="KafkaSinkOptions.TransactionBufferBytes"/>, arriving in many responses:
/// its rows are spilled to disk until the COMMIT, its records go out in one batch, and a crash in the middle of producing
/// them still ends with every change in Kafka exactly once.
/// </summary>
public sealed class KafkaSinkLargeTransactionTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private const int Rows = 3000;
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    private KafkaSinkOptions Options(GatewayHost host, string prefix, bool transactional)
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
            // Payload-only JSON keeps the topic under the mock cluster's per-partition retention.
            SchemasEnabled = false,
            TransactionBufferBytes = 64 * 1024,
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            KafkaTimeoutMs = 20_000,
        };
    }

    private static bool At(Checkpoint checkpoint, string gtid) => checkpoint.Vgtid.ShardGtids.Any(s => s.Gtid == gtid);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_TransactionMuchLargerThanTheBuffer_SpilledAndWrittenOnceAcrossACrashMidway(bool transactional)
    {
        // 3,000 rows of ~100 bytes (~350 KB of row events against a 64 KiB buffer), 100 rows per response.
        var gateway = new ScriptedGateway();
        gateway.Add(Begin(), Field("t"));
        for (var i = 0; i < Rows; i += 100)
            gateway.Add([.. Enumerable.Range(i, 100).Select(id => Insert("t", id, new string('v', 100)))]);
        gateway.Add(Vgtid("MariaDB/0-1-1"), Commit());
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 100_000, "after")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var options = Options(host, prefix, transactional);

        // The first run dies half-way through producing the big transaction's records.
        var produced = 0;
        await using (var crashing = SinkRun.Start(options, _log, step =>
        {
            if (step == "produced" && ++produced == Rows / 2)
                throw new InvalidOperationException("injected crash after " + produced + " records");
        }))
        {
            var crash = await crashing.FailsWithAsync<InvalidOperationException>();
            Assert.Contains("injected crash", crash.Message, StringComparison.Ordinal);
            Assert.Equal(1, crashing.Sink.Statistics.TransactionsSpilled);
            Assert.InRange(crashing.Sink.Statistics.BytesSpilled, 200_000, 1_000_000);
        }

        await using (var restarted = SinkRun.Start(options, _log))
        {
            await restarted.WaitForCheckpointAsync(c => At(c, "MariaDB/0-1-2"));
            Assert.Equal(1, restarted.Sink.Statistics.TransactionsSpilled);
        }

        var records = TopicReader.ReadAll(kafka.BootstrapServers, TopicReader.Topics(kafka.BootstrapServers, prefix + "."));
        var big = records.Where(r => r.Header(PositionHeaders.Gtid) == "MariaDB/0-1-1")
            .OrderBy(r => int.Parse(r.Header(PositionHeaders.Index)!, CultureInfo.InvariantCulture)).ToList();
        // Exactly once: every index once, each the row of that index, in order.
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => i.ToString(CultureInfo.InvariantCulture)), big.Select(r => r.Header(PositionHeaders.Index)));
        Assert.Equal(Enumerable.Range(0, Rows), big.Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()));
        Assert.Equal([100_000], records.Where(r => r.Header(PositionHeaders.Gtid) == "MariaDB/0-1-2").Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()));
    }
}
