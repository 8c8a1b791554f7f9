using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// XA transactions into Kafka: the rows of a transaction prepared and later committed arrive once, at the commit (after
/// a transaction that committed between its prepare and its commit), and the rows of one rolled back after its prepare
/// never arrive. Real MariaDB, the real gateway, the sink in this process, librdkafka's mock cluster (or VGATE_TEST_KAFKA).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KafkaSinkXaTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private const string Database = "xadb";
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    [ServerFact]
    public async Task Run_XaCommitAndRollbackAfterPrepare_CommittedRowsOnceAtTheCommit()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "kafka-xa" }, deadline.Token);
        await server.ExecuteAsync($"CREATE DATABASE {Database}", deadline.Token);
        await server.ExecuteAsync($"CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB", deadline.Token);
        var start = "MariaDB/" + await server.GetGtidBinlogPosAsync(deadline.Token);

        await using var gateway = await GatewayHost.StartRealAsync(new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:0:Name"] = "ks",
            ["VGate:Keyspaces:0:Database"] = Database,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = server.ReplicationUri.ToString(),
        });
        var prefix = KafkaTestCluster.NewPrefix();
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        kafka.CreateTopic($"{prefix}.ks.t", 1);

        // Each XA statement list runs on a connection of its own, which closes after it: MariaDB keeps the prepared
        // transaction, and another connection commits or rolls it back.
        await server.ExecuteAsync($"XA START 'k1'; INSERT INTO {Database}.t VALUES (1,'xa'), (2,'xa'); XA END 'k1'; XA PREPARE 'k1'", deadline.Token);
        await server.ExecuteAsync($"XA START 'k2'; INSERT INTO {Database}.t VALUES (20,'rolled back'); XA END 'k2'; XA PREPARE 'k2'", deadline.Token);
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (10,'between')", deadline.Token);
        await server.ExecuteAsync("XA COMMIT 'k1'", deadline.Token);
        await server.ExecuteAsync("XA ROLLBACK 'k2'", deadline.Token);
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (30,'after')", deadline.Token);
        var end = "MariaDB/" + await server.GetGtidBinlogPosAsync(deadline.Token);

        var options = new KafkaSinkOptions
        {
            Gateway = gateway.Address,
            Keyspace = "ks",
            From = $"[{{\"keyspace\":\"ks\",\"shard\":\"0\",\"gtid\":\"{start}\"}}]",
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            Transactional = true,
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            KafkaTimeoutMs = 20_000,
        };
        await using (var run = SinkRun.Start(options, _log))
            await run.WaitForCheckpointAsync(c => c.Vgtid.ShardGtids.Any(s => s.Gtid == end));

        var records = TopicReader.ReadAll(kafka.BootstrapServers, [$"{prefix}.ks.t"]);
        int Id(KafkaRecord r) => r.Payload.GetProperty("after").GetProperty("id").GetInt32();
        // One partition keeps the stream's order: the XA rows come at their commit, after the row committed before it.
        Assert.Equal([10, 1, 2, 30], records.Select(Id));
        var ids = (await server.QueryAsync($"SELECT id FROM {Database}.t ORDER BY id", deadline.Token)).Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([1, 2, 10, 30], ids);
    }
}
