using System.Globalization;
using VGate.Gateway.Heartbeats;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// <c>StreamKeyspaceHeartbeats</c> (Debezium's <c>vitess.stream.keyspace.heartbeats</c>) with <c>ks.heartbeat</c> in the
/// table include list, as in Debezium's <c>shouldStreamKeyspaceHeartbeats</c>: the gateway's heartbeat writer fills
/// <c>_vt.heartbeat</c> on the real MariaDB source, and the sink writes its rows to <c>&lt;prefix&gt;.ks.heartbeat</c>.
/// Real MariaDB, the real gateway (with its hosted writer), the sink in this process, librdkafka's mock cluster (or the
/// broker in VGATE_TEST_KAFKA).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KafkaSinkKeyspaceHeartbeatsTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    [ServerFact]
    public async Task Run_StreamKeyspaceHeartbeats_WritesHeartbeatTableRecords()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "kafka-hb" }, token);
        await server.ExecuteAsync("CREATE DATABASE hbks", token);
        await server.ExecuteAsync($"GRANT CREATE, INSERT, UPDATE ON `_vt`.* TO '{server.ReplicationUser}'@'%'", token);

        await using var gateway = await GatewayHost.StartRealAsync(new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:0:Name"] = "ks",
            ["VGate:Keyspaces:0:Database"] = "hbks",
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = server.ReplicationUri.ToString(),
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Name"] = "s0",
            ["VGate:HeartbeatWriter:Interval"] = "00:00:00.200",
        });
        var prefix = KafkaTestCluster.NewPrefix();
        var topic = $"{prefix}.ks.heartbeat";
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        kafka.CreateTopic(topic, 1);
        var options = new KafkaSinkOptions
        {
            Gateway = gateway.Address,
            Keyspace = "ks",
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            Transactional = true,
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            KafkaTimeoutMs = 20_000,
            StreamKeyspaceHeartbeats = true,
        };
        options.TableIncludeList.Add("ks\\.heartbeat");

        List<KafkaRecord> records;
        await using (SinkRun.Start(options, _log))
            records = await Eventually.UntilAsync(() => Task.FromResult(TopicReader.ReadAll(kafka.BootstrapServers, [topic])), r => r.Count >= 3, TestDeadline.Default, token);

        var after = records.Select(r => r.Payload.GetProperty("after")).ToList();
        Assert.All(after, a => Assert.Equal((long)HeartbeatWriter.TabletUid("ks", "0", "s0"), Number(a.GetProperty("tabletUid"))));
        var ts = after.Select(a => Number(a.GetProperty("ts"))).ToList();
        Assert.Equal(ts.Order(), ts);
        // The last record is no later than what the source now holds (read with SELECT, not through VGate).
        var stored = Convert.ToInt64((await server.QueryAsync("SELECT ts FROM _vt.heartbeat WHERE keyspaceShard = 'ks/0'", token)).Single()[0], CultureInfo.InvariantCulture);
        Assert.True(ts[^1] <= stored);
    }

    // The sink writes BIGINT UNSIGNED (ts) as a JSON string with its default handling, INT UNSIGNED as a number.
    private static long Number(System.Text.Json.JsonElement value) =>
        value.ValueKind == System.Text.Json.JsonValueKind.String ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt64();
}
