using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// A row rolled back to a savepoint on the source is in MariaDB's binlog (a MyISAM table changed after the savepoint, so
/// the server logs the rows and the ROLLBACK TO) but must never reach Kafka: real MariaDB, the real gateway, the sink in
/// this process, and librdkafka's mock cluster (or the broker in VGATE_TEST_KAFKA).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KafkaSinkSavepointTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private const string Database = "spdb";
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    [ServerFact]
    public async Task Run_RowRolledBackToASavepoint_NeverReachesKafka()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "kafka-savepoint" }, deadline.Token);
        await server.ExecuteAsync($"CREATE DATABASE {Database}", deadline.Token);
        await server.ExecuteAsync($"CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB", deadline.Token);
        await server.ExecuteAsync($"CREATE TABLE {Database}.m (id INT PRIMARY KEY) ENGINE=MyISAM", deadline.Token);
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
        kafka.CreateTopic($"{prefix}.ks.m", 1);

        await server.ExecuteAsync(
            $"BEGIN; INSERT INTO {Database}.t VALUES (42,'kept'); SAVEPOINT a; INSERT INTO {Database}.m VALUES (2); " +
            $"INSERT INTO {Database}.t VALUES (43,'rolled back'); ROLLBACK TO a; INSERT INTO {Database}.t VALUES (44,'kept'); COMMIT",
            deadline.Token);
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (45,'after')", deadline.Token);
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

        var records = TopicReader.ReadAll(kafka.BootstrapServers, [$"{prefix}.ks.t", $"{prefix}.ks.m"]);
        int Id(KafkaRecord r) => r.Payload.GetProperty("after").GetProperty("id").GetInt32();
        Assert.Equal([42, 44, 45], records.Where(r => r.Topic.EndsWith(".t", StringComparison.Ordinal)).Select(Id).Order());
        Assert.Equal([2], records.Where(r => r.Topic.EndsWith(".m", StringComparison.Ordinal)).Select(Id));
        // The source agrees: 43 is not in the table.
        var ids = (await server.QueryAsync($"SELECT id FROM {Database}.t ORDER BY id", deadline.Token)).Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([42, 44, 45], ids);
    }
}
