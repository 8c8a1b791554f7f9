using System.Globalization;
using System.Text.Json;
using VGate.Kafka.Positions;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// The record format defaults that follow the Debezium Vitess connector (docs/kafka-events.md, "Where the defaults come
/// from"), through the whole chain with no option set: a real MariaDB, the real gateway, the sink started at
/// <c>copy</c> in this process, and librdkafka's mock cluster (or the broker in VGATE_TEST_KAFKA).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KafkaSinkVitessDefaultsTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private const string Database = "vdb";
    private const string Values = "-123456.7890, 1.1, b'101010101010', ST_GeomFromText('POINT(1 2)')";
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    [ServerFact]
    public async Task Run_FromCopyWithDefaults_CopyRowsAreCreatesAndValuesAsTheVitessConnectorWritesThem()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "kafka-vitess-defaults" }, token);
        await server.ExecuteAsync($"CREATE DATABASE {Database}", token);
        await server.ExecuteAsync($"CREATE TABLE {Database}.v (id INT PRIMARY KEY, d DECIMAL(10,4), f FLOAT, b BIT(12), g GEOMETRY)", token);
        await server.ExecuteAsync($"INSERT INTO {Database}.v VALUES (1, {Values})", token);
        await using var gateway = await GatewayHost.StartRealAsync(new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:0:Name"] = "ks",
            ["VGate:Keyspaces:0:Database"] = Database,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = server.ReplicationUri.ToString(),
        });
        var prefix = KafkaTestCluster.NewPrefix();
        string[] topics = [$"{prefix}.ks.v", $"{prefix}.ks.nokey"];
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        foreach (var topic in topics)
            kafka.CreateTopic(topic, 2);
        var options = new KafkaSinkOptions
        {
            Gateway = gateway.Address,
            Keyspace = "ks",
            From = "copy",
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            KafkaTimeoutMs = 20_000,
            MaxBatchDelayMs = 20,
        };

        await using (var run = SinkRun.Start(options, _log))
        {
            // The copy is done once a checkpoint holds a real GTID and no table still being copied.
            await run.WaitForCheckpointAsync(c => c.Vgtid.ShardGtids.All(s => s.Gtid.StartsWith("MariaDB/", StringComparison.Ordinal) && s.TablePKs.Count == 0));
            await server.ExecuteAsync($"INSERT INTO {Database}.v VALUES (2, {Values})", token);
            // Created after the copy: a copy phase reads tables by primary key.
            await server.ExecuteAsync($"CREATE TABLE {Database}.nokey (n INT)", token);
            await server.ExecuteAsync($"INSERT INTO {Database}.nokey VALUES (7)", token);
            await server.ExecuteAsync($"DELETE FROM {Database}.nokey", token);
            var end = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);
            await run.WaitForCheckpointAsync(c => c.Vgtid.ShardGtids.Any(s => s.Gtid == end));
        }

        var records = TopicReader.ReadAll(kafka.BootstrapServers, topics);
        var rows = records.Where(r => r.Topic == topics[0]).OrderBy(r => r.Payload.GetProperty("after").GetProperty("id").GetInt32()).ToList();
        Assert.Equal(2, rows.Count);
        var (copied, streamed) = (rows[0], rows[1]);

        // The copied row: an insert, not a snapshot record, with the copy transaction's time (0), as the Vitess connector writes it.
        Assert.Equal("1", copied.Header(PositionHeaders.Copy));
        Assert.Equal("c", copied.Op);
        Assert.Equal("false", copied.Payload.GetProperty("source").GetProperty("snapshot").GetString());
        Assert.Equal(0, copied.Payload.GetProperty("source").GetProperty("ts_ms").GetInt64());
        Assert.Null(streamed.Header(PositionHeaders.Copy));
        Assert.Equal("c", streamed.Op);
        Assert.True(streamed.Payload.GetProperty("source").GetProperty("ts_ms").GetInt64() > 0);

        foreach (var record in rows)
        {
            var value = JsonDocument.Parse(record.Value!).RootElement;
            var after = record.Payload.GetProperty("after");
            var fields = value.GetProperty("schema").GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("field").GetString() == "after")
                .GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("field").GetString()!);
            Assert.Equal(["id", "d", "f", "b"], fields.Keys);
            Assert.Equal(("string", "\"-123456.7890\""), (fields["d"].GetProperty("type").GetString(), after.GetProperty("d").GetRawText()));
            Assert.Equal(("double", "1.100000023841858"), (fields["f"].GetProperty("type").GetString(), after.GetProperty("f").GetRawText()));
            Assert.Equal("io.debezium.data.Bits", fields["b"].GetProperty("name").GetString());
            Assert.Equal(Convert.ToBase64String([0x0A, 0xAA]), after.GetProperty("b").GetString());
            Assert.False(after.TryGetProperty("g", out _));
        }

        // The keyless table: insert, delete, and a tombstone with a null key after the delete.
        var keyless = records.Where(r => r.Topic == topics[1]).OrderBy(r => r.Offset).ToList();
        Assert.Equal(["c", "d", "tombstone"], keyless.Select(r => r.Value is null ? "tombstone" : r.Op));
        Assert.All(keyless, r => Assert.Null(r.Key));
        Assert.Equal(
            int.Parse(keyless[1].Header(PositionHeaders.Index)!, CultureInfo.InvariantCulture) + 1,
            int.Parse(keyless[2].Header(PositionHeaders.Index)!, CultureInfo.InvariantCulture));
    }
}
