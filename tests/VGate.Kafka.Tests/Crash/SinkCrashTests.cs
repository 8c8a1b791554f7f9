using System.Globalization;
using System.Text.Json;
using MySqlConnector;
using VGate.Kafka.Checkpoints;
using VGate.Kafka.Positions;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;

namespace VGate.Kafka.Tests.Crash;

/// <summary>
/// The exactly-once promise with real processes: two real MariaDB shards under a steady write load, a real VGate
/// gateway (Kestrel in this process), and the real <c>vgate-kafka</c> executable as a child process killed with SIGKILL
/// at random moments, again and again. The Kafka cluster (mock, in this process) outlives every sink process. Afterwards
/// a consumer must find every committed change exactly once: each shard's GTIDs without gaps or repeats, in order in
/// every partition, and a table rebuilt from the records equal to the shards' final contents.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SinkCrashTests(ITestOutputHelper output)
{
    private const string Database = "crashdb";
    private const int Kills = 12;

    [ServerTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task KillNine_AtRandomMomentsUnderLoad_EveryCommittedChangeExactlyOnce(bool transactional)
    {
        var seed = Environment.GetEnvironmentVariable("VGATE_CRASH_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed={seed} (rerun with VGATE_CRASH_SEED={seed}), transactional={transactional}");
        var random = new Random(seed);
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(4));
        var token = deadline.Token;
        using var kafka = new KafkaTestCluster();

        await using var shard1 = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "kc-s1" }, token);
        await using var shard2 = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "kc-s2" }, token);
        var shards = new[] { (Name: "-80", Server: shard1, FirstId: 1), (Name: "80-", Server: shard2, FirstId: 1_000_000) };
        foreach (var (_, server, _) in shards)
        {
            await server.ExecuteAsync($"CREATE DATABASE {Database}", token);
            await server.ExecuteAsync($"CREATE TABLE {Database}.t (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(32))", token);
        }
        var start = new Dictionary<string, string>();
        foreach (var (name, server, _) in shards)
            start[name] = await server.GetGtidBinlogPosAsync(token);

        await using var gateway = await GatewayHost.StartRealAsync(new Dictionary<string, string?>
        {
            ["VGate:RetryDelay"] = "00:00:00.200",
            ["VGate:Keyspaces:0:Name"] = "ks",
            ["VGate:Keyspaces:0:Database"] = Database,
            ["VGate:Keyspaces:0:Sharded"] = "true",
            ["VGate:Keyspaces:0:Shards:0:Name"] = "-80",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = shard1.ReplicationUri.ToString(),
            ["VGate:Keyspaces:0:Shards:1:Name"] = "80-",
            ["VGate:Keyspaces:0:Shards:1:Sources:0:Uri"] = shard2.ReplicationUri.ToString(),
        });
        var prefix = KafkaTestCluster.NewPrefix();
        var offsetsTopic = prefix + "-offsets";
        kafka.CreateTopic(offsetsTopic, 1, compacted: true);
        kafka.CreateTopic($"{prefix}.ks.t", 4);
        var from = "[" + string.Join(",", shards.Select(s => $"{{\"keyspace\":\"ks\",\"shard\":\"{s.Name}\",\"gtid\":\"MariaDB/{start[s.Name]}\"}}")) + "]";
        string[] arguments =
        [
            "--gateway", gateway.Address, "--keyspace", "ks", "--from", from,
            "--bootstrap-servers", kafka.BootstrapServers, "--topic-prefix", prefix, "--offsets-topic", offsetsTopic,
            "--transactional", transactional ? "true" : "false", "--max-batch-delay-ms", "100", "--status-interval", "1",
            // Payload-only JSON keeps the topic well under the mock cluster's 5 MiB per-partition retention.
            "--schemas", "false",
            "--reconnect-initial-delay-ms", "100", "--kafka", "fetch.wait.max.ms=10",
        ];

        // A steady workload on both shards: every transaction inserts a row, and some also update, delete or change a
        // primary key, so deletes (tombstones) and key changes are in the stream.
        using var stopWorkload = CancellationTokenSource.CreateLinkedTokenSource(token);
        var workload = Task.WhenAll(shards.Select((s, i) => RunWorkloadAsync(s.Server, s.FirstId, seed + i, stopWorkload.Token)));

        var log = new List<string>();
        for (var kill = 1; kill <= Kills; kill++)
        {
            using var sink = SinkProcess.Start(arguments);
            // Random moments: during start-up and recovery, while producing, between produce and checkpoint.
            var lifetime = TimeSpan.FromMilliseconds(random.Next(300, 2500));
            await Task.Delay(lifetime, token);
            var exited = sink.HasExited;
            await sink.KillAsync();
            Assert.False(exited, "the sink exited on its own:\n" + sink.Log);
            log.Add($"kill {kill} after {lifetime.TotalMilliseconds:0} ms: {LastLine(sink.Log)}");
        }
        await stopWorkload.CancelAsync();
        var committed = await workload;
        var end = new Dictionary<string, string>();
        foreach (var (name, server, _) in shards)
            end[name] = await server.GetGtidBinlogPosAsync(token);
        foreach (var line in log)
            output.WriteLine(line);
        output.WriteLine($"workload: {committed.Sum()} transactions; start {JsonSerializer.Serialize(start)}, end {JsonSerializer.Serialize(end)}");

        // A last, undisturbed run catches up to the end of the workload.
        using (var last = SinkProcess.Start(arguments))
        {
            try
            {
                await Eventually.AssertAsync(
                    () =>
                    {
                        var checkpoint = LastCheckpoint(kafka.BootstrapServers, offsetsTopic);
                        Assert.NotNull(checkpoint);
                        foreach (var (name, gtid) in end)
                            Assert.Equal("MariaDB/" + gtid, checkpoint.Vgtid.ShardGtids.Single(s => s.Shard == name).Gtid);
                    },
                    TimeSpan.FromSeconds(90),
                    token);
            }
            finally
            {
                output.WriteLine("last run log:\n" + last.Log);
            }
            await last.KillAsync();
        }

        var records = TopicReader.ReadAll(kafka.BootstrapServers, [$"{prefix}.ks.t"]);
        output.WriteLine($"{records.Count} records in Kafka");
        // A record dropped by the mock cluster's retention would look like a lost change: make sure none was.
        using (var probe = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(new Confluent.Kafka.ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "probe" }).Build())
        {
            for (var partition = 0; partition < 4; partition++)
                Assert.Equal(0, probe.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition($"{prefix}.ks.t", partition), TimeSpan.FromSeconds(10)).Low.Value);
        }
        AssertExactlyOnce(records, shards.Select(s => s.Name), start, end);
        var expected = new SortedDictionary<int, string>();
        foreach (var (_, server, _) in shards)
        {
            foreach (var row in await server.QueryAsync($"SELECT id, v, note FROM {Database}.t", token))
                expected[Convert.ToInt32(row[0], CultureInfo.InvariantCulture)] = $"{row[1]}|{row[2]}";
        }
        Assert.Equal(expected, Rebuild(records));
    }

    /// <summary>Each shard's transactions (GTID sequence numbers) appear exactly once, complete and in order.</summary>
    private static void AssertExactlyOnce(List<KafkaRecord> records, IEnumerable<string> shards, Dictionary<string, string> start, Dictionary<string, string> end)
    {
        var identities = records.Select(r => $"{r.Header(PositionHeaders.Shard)}|{r.Header(PositionHeaders.Gtid)}|{r.Header(PositionHeaders.Index)}|{r.Header(PositionHeaders.Kind)}").ToList();
        var duplicates = identities.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} changes are in Kafka more than once, e.g. {string.Join(", ", duplicates.Take(5))}");
        foreach (var shard in shards)
        {
            var first = Sequence(start[shard]) + 1;
            var last = Sequence(end[shard]);
            var seen = records.Where(r => r.Header(PositionHeaders.Shard) == shard).Select(r => Sequence(r.Header(PositionHeaders.Gtid)!)).Distinct().Order().ToList();
            var expected = Enumerable.Range((int)first, (int)(last - first + 1)).Select(n => (long)n).ToList();
            var missing = expected.Except(seen).ToList();
            Assert.True(missing.Count == 0, $"shard {shard}: {missing.Count} committed transactions are missing from Kafka, e.g. {string.Join(", ", missing.Take(5))}");
            Assert.Equal(expected, seen);
            // In every partition a shard's transactions appear in commit order, each transaction's records in index order.
            foreach (var partition in records.Where(r => r.Header(PositionHeaders.Shard) == shard).GroupBy(r => r.Partition))
            {
                var order = partition.OrderBy(r => r.Offset).Select(r => (Sequence(r.Header(PositionHeaders.Gtid)!), int.Parse(r.Header(PositionHeaders.Index)!, CultureInfo.InvariantCulture))).ToList();
                Assert.Equal(order.Order(), order);
            }
        }
    }

    /// <summary>Applies the change records in partition order (one key is always in one partition).</summary>
    private static SortedDictionary<int, string> Rebuild(List<KafkaRecord> records)
    {
        var table = new SortedDictionary<int, string>();
        foreach (var record in records.OrderBy(r => r.Partition).ThenBy(r => r.Offset))
        {
            if (record.Value is null)
                continue; // tombstone: its delete came just before
            var payload = record.Payload;
            switch (record.Op)
            {
                case "d":
                    table.Remove(payload.GetProperty("before").GetProperty("id").GetInt32());
                    break;
                default:
                    var after = payload.GetProperty("after");
                    var note = after.GetProperty("note");
                    table[after.GetProperty("id").GetInt32()] = $"{after.GetProperty("v").GetRawText()}|{(note.ValueKind == JsonValueKind.Null ? "" : note.GetString())}";
                    break;
            }
        }
        return table;
    }

    /// <summary>The sequence number in a MariaDB GTID position of one domain: <c>MariaDB/0-1-42</c> → 42.</summary>
    private static long Sequence(string gtid) => long.Parse(gtid[(gtid.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);

    private static Checkpoint? LastCheckpoint(string bootstrapServers, string topic)
    {
        var records = TopicReader.ReadAll(bootstrapServers, [topic]);
        return records.Count == 0 || records[^1].Value is null ? null : CheckpointCodec.Decode(records[^1].Value);
    }

    private static string LastLine(string log) =>
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";

    /// <summary>Commits transactions on one shard until cancelled; returns how many.</summary>
    private static async Task<int> RunWorkloadAsync(MariaDbServer server, int firstId, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var live = new List<int>();
        var next = firstId;
        var count = 0;
        await using var connection = await server.OpenConnectionAsync(cancellationToken: CancellationToken.None);
        while (!cancellationToken.IsCancellationRequested)
        {
            var statements = new List<string> { $"INSERT INTO {Database}.t VALUES ({next}, {random.Next(1000)}, 'n{next}')" };
            live.Add(next++);
            if (live.Count > 5)
            {
                var pick = live[random.Next(live.Count - 1)];
                switch (random.Next(4))
                {
                    case 0:
                        statements.Add($"UPDATE {Database}.t SET v = v + 1, note = NULL WHERE id = {pick}");
                        break;
                    case 1:
                        statements.Add($"DELETE FROM {Database}.t WHERE id = {pick}");
                        live.Remove(pick);
                        break;
                    case 2:
                        statements.Add($"UPDATE {Database}.t SET id = {next} WHERE id = {pick}");
                        live.Remove(pick);
                        live.Add(next++);
                        break;
                    default:
                        break;
                }
            }
            await using (var command = new MySqlCommand("START TRANSACTION; " + string.Join("; ", statements) + "; COMMIT", connection))
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            count++;
            try
            {
                await Task.Delay(random.Next(2, 8), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return count;
    }
}
