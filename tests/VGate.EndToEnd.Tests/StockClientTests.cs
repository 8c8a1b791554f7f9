using System.Globalization;
using System.Text;
using System.Text.Json;
using VGate.EndToEnd.Tests.Infrastructure;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Clients VGate did not write the wire code of, built from <c>proto/</c> with other stacks' stock tools
/// (<c>examples/</c>) and run as processes against the real server (Kestrel on 127.0.0.1) over two real mariadbd
/// shards. What they print is checked against what the shards hold (<c>SELECT</c>), not against VGate's own decoding.
/// The scenarios are here; <see cref="StockGoClientTests"/> and <see cref="StockPythonClientTests"/> run them with
/// each client.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public abstract class StockClientTests(StockClientTests.Cluster shared, ITestOutputHelper output)
{
    private const string Keyspace = ShardCluster.Keyspace;
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(10);

    /// <summary>Rows from a saved VGTID (one position per shard): applied in order they give what SELECT shows.</summary>
    private protected Task FromSavedVgtidAsync(Func<Task<StockClient>> client) =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var (cluster, gateway, stock) = await shared.StartAsync(scenario, client);
            var token = scenario.Deadline;
            var positions = await cluster.PositionsAsync(token);
            var vgtid = JsonSerializer.Serialize(new
            {
                shardGtids = positions.Select(p => new { keyspace = Keyspace, shard = p.Key, gtid = p.Value }),
            });

            var statements = 0;
            for (var id = 101; id <= 110; id++)
                await Write(id, $"INSERT INTO t VALUES ({id}, 7, 'row-{id}', {id * 10})");
            await Write(103, "UPDATE t SET v = 'changed', n = n + 1 WHERE id = 103");
            await Write(105, "DELETE FROM t WHERE id = 105");
            Assert.True(cluster.Shards.All(s => Enumerable.Range(101, 10).Any(id => cluster.ShardFor(id) == s)), "the ids do not cover every shard");

            // One autocommitted statement is one rows event, so the client can stop after exactly that many ROW events.
            var events = await VStreamAsync(stock, gateway, scenario,
                ["--vgtid", vgtid, "--rule", "t", "--events", "ROW", "--count", statements.ToString(CultureInfo.InvariantCulture)]);

            var streamed = new SortedDictionary<long, string[]>();
            foreach (var e in events)
            {
                Assert.Equal("ROW", e.GetProperty("type").GetString());
                var rowEvent = e.GetProperty("rowEvent");
                foreach (var change in rowEvent.GetProperty("rowChanges").EnumerateArray())
                {
                    var image = change.TryGetProperty("after", out var after) ? Row(after) : Row(change.GetProperty("before"));
                    var id = long.Parse(image[0]!, CultureInfo.InvariantCulture);
                    Assert.Equal(cluster.ShardFor(id).Name, rowEvent.GetProperty("shard").GetString());
                    if (change.TryGetProperty("after", out _))
                        streamed[id] = image!;
                    else
                        streamed.Remove(id);
                }
            }
            var selected = new SortedDictionary<long, string[]>();
            foreach (var shard in cluster.Shards)
            {
                foreach (var row in await shard.Server.QueryAsync($"SELECT id, writer, v, n FROM {ShardCluster.Database}.t WHERE id BETWEEN 101 AND 110", token))
                    selected[Convert.ToInt64(row[0], CultureInfo.InvariantCulture)] = row.Select(Text).ToArray()!;
            }
            Assert.Equal(9, selected.Count);
            Assert.Equal(selected.Keys, streamed.Keys);
            foreach (var (id, row) in selected)
                Assert.Equal(row, streamed[id]);

            async Task Write(long id, string sql)
            {
                await cluster.ShardFor(id).Server.ExecuteAsync($"USE {ShardCluster.Database}; {sql}", token);
                statements++;
            }
        });

    /// <summary>
    /// <c>-vgtid copy</c>: every row of the table (utf8mb4 text and NULLs included), then the COPY_COMPLETED that ends the copy.
    /// </summary>
    private protected Task CopyAsync(Func<Task<StockClient>> client) =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var (cluster, gateway, stock) = await shared.StartAsync(scenario, client);
            var token = scenario.Deadline;
            for (var id = 1; id <= 12; id++)
            {
                var amount = id % 3 == 0 ? "NULL" : (id * 1.25m).ToString(CultureInfo.InvariantCulture);
                await cluster.ShardFor(id).Server.ExecuteAsync(
                    $"INSERT INTO {ShardCluster.Database}.c VALUES ({id}, 'nämé {id} ✓', {amount})", token);
            }

            var events = await VStreamAsync(stock, gateway, scenario,
                ["--keyspace", Keyspace, "--vgtid", "copy", "--rule", "c", "--events", "ROW,COPY_COMPLETED", "--until", "COPY_COMPLETED"]);

            var last = events[^1];
            Assert.Equal("COPY_COMPLETED", last.GetProperty("type").GetString());
            Assert.False(last.TryGetProperty("keyspace", out _), "the last COPY_COMPLETED is the one for the whole stream");
            var copied = new List<string?[]>();
            foreach (var e in events.Where(e => e.GetProperty("type").GetString() == "ROW"))
            {
                var rowEvent = e.GetProperty("rowEvent");
                foreach (var change in rowEvent.GetProperty("rowChanges").EnumerateArray())
                {
                    Assert.False(change.TryGetProperty("before", out _), "a copied row has no before image");
                    var row = Row(change.GetProperty("after"));
                    Assert.Equal(cluster.ShardFor(long.Parse(row[0]!, CultureInfo.InvariantCulture)).Name, rowEvent.GetProperty("shard").GetString());
                    copied.Add(row);
                }
            }
            // Each shard reports its own copy done before the last one.
            Assert.Equal(
                cluster.Shards.Select(s => s.Name).Order(StringComparer.Ordinal),
                events.SkipLast(1).Where(e => e.GetProperty("type").GetString() == "COPY_COMPLETED")
                    .Select(e => e.GetProperty("shard").GetString()!).Order(StringComparer.Ordinal));

            var selected = new List<string?[]>();
            foreach (var shard in cluster.Shards)
                selected.AddRange((await shard.Server.QueryAsync($"SELECT id, name, amount FROM {ShardCluster.Database}.c", token)).Select(r => r.Select(Text).ToArray()));
            Assert.Equal(12, selected.Count);
            Assert.Contains(selected, r => r[2] is null);
            Assert.Equal(Sorted(selected), Sorted(copied));
        });

    /// <summary><c>-heartbeat 1</c> on an idle stream: heartbeats arrive, with a current time that moves forward.</summary>
    private protected Task HeartbeatsAsync(Func<Task<StockClient>> client) =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var (_, gateway, stock) = await shared.StartAsync(scenario, client);
            var events = await VStreamAsync(stock, gateway, scenario,
                ["--keyspace", Keyspace, "--vgtid", "current", "--rule", "t", "--heartbeat", "1", "--events", "HEARTBEAT", "--count", "3"]);

            Assert.Equal(3, events.Count);
            Assert.All(events, e => Assert.Equal("HEARTBEAT", e.GetProperty("type").GetString()));
            var times = events.Select(e => long.Parse(e.GetProperty("currentTime").GetString()!, CultureInfo.InvariantCulture)).ToList();
            Assert.True(times.Zip(times.Skip(1)).All(p => p.Second > p.First), "heartbeat times do not move forward: " + string.Join(", ", times));
        });

    /// <summary>The statements Debezium's Vitess connector sends on Execute, verbatim, answered as the shards see it.</summary>
    private protected Task DebeziumStatementsAsync(Func<Task<StockClient>> client) =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var (cluster, gateway, stock) = await shared.StartAsync(scenario, client);
            var token = scenario.Deadline;
            string[][] shards = [["ks/-80"], ["ks/80-"]];

            Assert.Equal(shards, (await ExecuteAsync("SHOW VITESS_SHARDS")).Rows);
            Assert.Equal(shards, (await ExecuteAsync("/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'ks/%'")).Rows);
            Assert.Empty((await ExecuteAsync(@"SHOW VITESS_SHARDS LIKE 'k\_/%'")).Rows);

            var tablets = (await ExecuteAsync("SHOW VITESS_TABLETS")).Rows;
            Assert.Equal([["ks", "-80", "PRIMARY"], ["ks", "80-", "PRIMARY"]], tablets.Select(r => r.Skip(1).Take(3).ToArray()));

            foreach (var shard in cluster.Shards)
            {
                var onShard = (await shard.Server.QueryAsync($"SHOW TABLES FROM {ShardCluster.Database}", token)).Select(r => new[] { Text(r[0]) }).ToArray();
                Assert.Equal(onShard, (await ExecuteAsync("/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES", $"{Keyspace}:{shard.Name}@PRIMARY")).Rows);
                Assert.Equal(onShard, (await ExecuteAsync("/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES", $"{Keyspace}:{shard.Name}@MASTER")).Rows);
            }
            var first = (await cluster.Shards[0].Server.QueryAsync($"SHOW TABLES FROM {ShardCluster.Database}", token)).Select(r => new[] { Text(r[0]) }).ToArray();
            Assert.Equal(first, (await ExecuteAsync("/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES FROM ks")).Rows);
            Assert.Equal(first, (await ExecuteAsync("/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES FROM `ks`")).Rows);
            Assert.Equal([["ks"]], (await ExecuteAsync("/*vt+ WORKLOAD_NAME=debezium */ SHOW DATABASES;")).Rows);

            // What VGate does not serve comes back in ExecuteResponse.error, as vtgate's errors do.
            var (exit, _, error) = await stock.RunAsync(["--addr", Address(gateway), "execute", "SELECT * FROM t"], token);
            Assert.Equal(1, exit);
            Assert.Contains("vtgate error: code = UNIMPLEMENTED", error, StringComparison.Ordinal);

            async Task<(string[] Fields, string?[][] Rows)> ExecuteAsync(string sql, string? target = null)
            {
                string[] arguments = target is null ? ["execute", sql] : ["execute", "--target", target, sql];
                var (exit, stdout, stderr) = await stock.RunAsync(["--addr", Address(gateway), .. arguments], token);
                scenario.Log($"execute {sql} (target {target ?? "none"}): exit {exit}, {stdout.Trim()} {stderr.Trim()}");
                Assert.True(exit == 0, $"{sql}: exit {exit}: {stderr}");
                using var result = JsonDocument.Parse(stdout);
                var fields = result.RootElement.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!).ToArray();
                var rows = result.RootElement.GetProperty("rows").ValueKind == JsonValueKind.Null
                    ? []
                    : result.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetString()).ToArray()).ToArray();
                Assert.All(rows, r => Assert.Equal(fields.Length, r.Length));
                return (fields, rows);
            }
        });

    /// <summary>A VGTID the server refuses reaches the client as the gRPC status INVALID_ARGUMENT with the reason.</summary>
    private protected Task BadVgtidAsync(Func<Task<StockClient>> client) =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var (_, gateway, stock) = await shared.StartAsync(scenario, client);
            const string Bad = """{"shardGtids":[{"keyspace":"ks","shard":"-80","gtid":"MariaDB/not-a-gtid"}]}""";

            var (exit, stdout, stderr) = await stock.RunAsync(["--addr", Address(gateway), "vstream", "--vgtid", Bad], scenario.Deadline);

            scenario.Log($"exit {exit}: {stderr.Trim()}");
            Assert.Equal(1, exit);
            Assert.Equal("", stdout);
            Assert.Contains(stock.InvalidArgumentText, stderr, StringComparison.Ordinal);
            Assert.Contains("invalid position 'MariaDB/not-a-gtid'", stderr, StringComparison.Ordinal);
        });

    private static string Address(GatewayHost gateway) => new Uri(gateway.Address).Authority;

    /// <summary>Runs <c>vstream</c> with <paramref name="arguments"/> and returns the events it printed, one JSON object a line.</summary>
    private static async Task<List<JsonElement>> VStreamAsync(StockClient stock, GatewayHost gateway, Scenario scenario, string[] arguments)
    {
        var (exit, stdout, stderr) = await stock.RunAsync(["--addr", Address(gateway), "vstream", .. arguments], scenario.Deadline);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        scenario.Log($"vstream {string.Join(' ', arguments)}: exit {exit}, {lines.Length} events{(stderr.Length > 0 ? ", stderr: " + stderr.Trim() : "")}");
        foreach (var line in lines.Take(5))
            scenario.Log("  " + line);
        Assert.True(exit == 0, $"vstream exited with {exit}: {stderr}");
        return lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    /// <summary>A <c>query.Row</c> in protobuf JSON: <c>lengths</c> (int64 as strings, -1 for NULL) over base64 <c>values</c>.</summary>
    private static string?[] Row(JsonElement row)
    {
        var values = row.TryGetProperty("values", out var encoded) ? Convert.FromBase64String(encoded.GetString()!) : [];
        var result = new List<string?>();
        var offset = 0;
        foreach (var item in row.GetProperty("lengths").EnumerateArray())
        {
            var length = int.Parse(item.GetString()!, CultureInfo.InvariantCulture);
            if (length < 0)
            {
                result.Add(null);
                continue;
            }
            result.Add(Encoding.UTF8.GetString(values, offset, length));
            offset += length;
        }
        return [.. result];
    }

    private static string? Text(object? value) => value is null or DBNull ? null : Convert.ToString(value, CultureInfo.InvariantCulture);

    private static List<string> Sorted(IEnumerable<string?[]> rows) =>
        rows.Select(r => string.Join('|', r.Select(v => v ?? "NULL"))).Order(StringComparer.Ordinal).ToList();

    /// <summary>Two shards and a gateway over them, started by the first test of a class and shared by its tests.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private readonly Lock _gate = new();
        private Task<(ShardCluster Cluster, GatewayHost Gateway)>? _started;

        internal async Task<(ShardCluster Cluster, GatewayHost Gateway, StockClient Client)> StartAsync(Scenario scenario, Func<Task<StockClient>> client)
        {
            var stock = await client();
            Task<(ShardCluster Cluster, GatewayHost Gateway)> started;
            lock (_gate)
                started = _started ??= StartServersAsync(scenario.Deadline);
            var (cluster, gateway) = await started;
            scenario.Gateway = gateway;
            return (cluster, gateway, stock);
        }

        private static async Task<(ShardCluster Cluster, GatewayHost Gateway)> StartServersAsync(CancellationToken cancellationToken)
        {
            var cluster = await ShardCluster.StartAsync(2, cancellationToken,
                extraDdl: "CREATE TABLE c (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(40) CHARACTER SET utf8mb4 NOT NULL, amount DECIMAL(10,2) NULL)");
            try
            {
                var settings = cluster.GatewaySettings();
                settings["VGate:Keyspaces:0:Vindexes:c:Type"] = "hash";
                settings["VGate:Keyspaces:0:Vindexes:c:Columns:0"] = "id";
                return (cluster, await GatewayHost.StartAsync(settings));
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_started is not { IsCompletedSuccessfully: true } started)
                return;
            await started.Result.Gateway.DisposeAsync();
            await started.Result.Cluster.DisposeAsync();
        }
    }
}
