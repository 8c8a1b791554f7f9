using System.Globalization;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// Transaction forms whose rows must not reach Kafka as the binlog lists them: a row rolled back to a savepoint (in
/// MariaDB's binlog when a MyISAM table changed after the savepoint) never arrives, and the rows of an XA transaction
/// arrive once, at its commit, or never when it is rolled back after its prepare. Real MariaDB, the real gateway, the sink
/// in this process, and librdkafka's mock cluster (or the broker in VGATE_TEST_KAFKA).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KafkaSinkTransactionFormsTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private const string Database = "txdb";
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    [ServerFact]
    public async Task Run_RowRolledBackToASavepoint_NeverReachesKafka()
    {
        var records = await RunAsync("kafka-savepoint", ["m"], async (server, token) =>
        {
            await server.ExecuteAsync($"CREATE TABLE {Database}.m (id INT PRIMARY KEY) ENGINE=MyISAM", token);
            return async () =>
            {
                await server.ExecuteAsync(
                    $"BEGIN; INSERT INTO {Database}.t VALUES (42,'kept'); SAVEPOINT a; INSERT INTO {Database}.m VALUES (2); " +
                    $"INSERT INTO {Database}.t VALUES (43,'rolled back'); ROLLBACK TO a; INSERT INTO {Database}.t VALUES (44,'kept'); COMMIT",
                    token);
                await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (45,'after')", token);
            };
        });

        Assert.Equal([42, 44, 45], records.Where(r => r.Topic.EndsWith(".t", StringComparison.Ordinal)).Select(Id).Order());
        Assert.Equal([2], records.Where(r => r.Topic.EndsWith(".m", StringComparison.Ordinal)).Select(Id));
    }

    [ServerFact]
    public async Task Run_XaCommitAndRollbackAfterPrepare_CommittedRowsOnceAtTheCommit()
    {
        var records = await RunAsync("kafka-xa", [], (server, token) => Task.FromResult<Func<Task>>(async () =>
        {
            // Each statement list runs on a connection of its own, which closes after it: MariaDB keeps the prepared
            // transaction, and another connection commits or rolls it back.
            await server.ExecuteAsync($"XA START 'k1'; INSERT INTO {Database}.t VALUES (1,'xa'), (2,'xa'); XA END 'k1'; XA PREPARE 'k1'", token);
            await server.ExecuteAsync($"XA START 'k2'; INSERT INTO {Database}.t VALUES (20,'rolled back'); XA END 'k2'; XA PREPARE 'k2'", token);
            await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (10,'between')", token);
            await server.ExecuteAsync("XA COMMIT 'k1'", token);
            await server.ExecuteAsync("XA ROLLBACK 'k2'", token);
            await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (30,'after')", token);
        }));

        // One partition keeps the stream's order: the XA rows come at their commit, after the row committed before it.
        Assert.Equal([10, 1, 2, 30], records.Select(Id));
    }

    private static int Id(KafkaRecord record) => record.Payload.GetProperty("after").GetProperty("id").GetInt32();

    /// <summary>
    /// Starts a MariaDB with <c>t (id, v)</c>, lets <paramref name="setup"/> add tables and return the workload, starts the
    /// gateway, runs the workload, runs the sink from before it until its checkpoint covers it, checks that the table
    /// <c>t</c> in Kafka replays to the source's <c>t</c>, and returns every record (topics <c>t</c> and <paramref name="tables"/>).
    /// </summary>
    private async Task<List<KafkaRecord>> RunAsync(string name, string[] tables, Func<MariaDbServer, CancellationToken, Task<Func<Task>>> setup)
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = name }, token);
        await server.ExecuteAsync($"CREATE DATABASE {Database}", token);
        await server.ExecuteAsync($"CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB", token);
        var workload = await setup(server, token);
        var start = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);

        await using var gateway = await GatewayHost.StartRealAsync(new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:0:Name"] = "ks",
            ["VGate:Keyspaces:0:Database"] = Database,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = server.ReplicationUri.ToString(),
        });
        var prefix = KafkaTestCluster.NewPrefix();
        var topics = tables.Prepend("t").Select(table => $"{prefix}.ks.{table}").ToList();
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        foreach (var topic in topics)
            kafka.CreateTopic(topic, 1);

        await workload();
        var end = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);

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

        var records = TopicReader.ReadAll(kafka.BootstrapServers, topics);
        // The source agrees with what Kafka replays to.
        var ids = (await server.QueryAsync($"SELECT id FROM {Database}.t ORDER BY id", token)).Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture));
        Assert.Equal(ids, records.Where(r => r.Topic == topics[0]).Select(Id).Order());
        return records;
    }
}
