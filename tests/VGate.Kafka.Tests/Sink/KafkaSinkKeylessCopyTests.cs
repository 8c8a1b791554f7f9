using System.Globalization;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// The sink started with <c>From = copy</c> on a database holding a table without any key (which the copy phase used to
/// refuse with FAILED_PRECONDITION, failing the whole copy even when the sink excludes that table): the copy completes,
/// the excluded keyless table never reaches Kafka, and the keyed table replays to the source. Real MariaDB, the real
/// gateway, the sink in this process, and librdkafka's mock cluster (or the broker in VGATE_TEST_KAFKA).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KafkaSinkKeylessCopyTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private const string Database = "nkdb";
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    [ServerFact]
    public async Task Run_CopyWithAnExcludedKeylessTable_CopiesTheOtherTables()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "kafka-keyless" }, token);
        await server.ExecuteAsync($"CREATE DATABASE {Database}", token);
        await server.ExecuteAsync($"CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(20))", token);
        await server.ExecuteAsync($"CREATE TABLE {Database}.nokey (a INT, b VARCHAR(20))", token);
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (1, 'a'), (2, 'b'), (3, 'c')", token);
        await server.ExecuteAsync($"INSERT INTO {Database}.nokey VALUES (1, 'x'), (1, 'x'), (NULL, NULL)", token);

        await using var gateway = await GatewayHost.StartRealAsync(new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:0:Name"] = "ks",
            ["VGate:Keyspaces:0:Database"] = Database,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = server.ReplicationUri.ToString(),
        });
        var prefix = KafkaTestCluster.NewPrefix();
        var topics = new[] { $"{prefix}.ks.t", $"{prefix}.ks.nokey" };
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        foreach (var topic in topics)
            kafka.CreateTopic(topic, 1);
        var options = new KafkaSinkOptions
        {
            Gateway = gateway.Address,
            Keyspace = "ks",
            From = "copy",
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            Transactional = true,
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            KafkaTimeoutMs = 20_000,
        };
        options.TableExcludeList.Add("ks\\.nokey");

        await using (var run = SinkRun.Start(options, _log))
        {
            // Copied, or streamed after the copy (whichever side of the snapshots it falls): it reaches Kafka either way.
            await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (4, 'd')", token);
            var end = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);
            await run.WaitForCheckpointAsync(c => c.Vgtid.ShardGtids.Any(s => s.Gtid == end && s.TablePKs.Count == 0));
        }

        var records = TopicReader.ReadAll(kafka.BootstrapServers, topics);
        Assert.DoesNotContain(records, r => r.Topic == topics[1]);
        var ids = (await server.QueryAsync($"SELECT id FROM {Database}.t ORDER BY id", token)).Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture));
        Assert.Equal(ids, records.Where(r => r.Topic == topics[0]).Select(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).Distinct().Order());
    }
}
