using System.Globalization;
using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Key-range filters over vindexes declared in a Vitess VSchema file (<c>VGate:Keyspaces:0:VSchemaFile</c>): a real
/// mariadbd shard, tables whose primary vindexes are <c>region_experimental</c> (two columns), <c>reverse_bits</c> and
/// (named explicitly in <c>in_keyrange</c>) <c>numeric_static_map</c> with a <c>hash</c> fallback, a lookup vindex the
/// gateway skips; copy phase and binlog phase. The rows expected are every row a <c>SELECT</c> returns whose keyspace id,
/// computed here from Vitess's test vectors (the <c>hash</c> table of <c>hash_test.go</c>) and the vindexes' definitions,
/// falls in the range.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class VSchemaVindexTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(3);

    // Vitess go/vt/vtgate/vindexes/hash_test.go TestHashMap: the hash vindex's keyspace ids of 1..6.
    private static readonly Dictionary<long, string> VitessHash = new()
    {
        [1] = "166b40b44aba4bd6",
        [2] = "06e7ea22ce92708f",
        [3] = "4eb190c9a2fa169c",
        [4] = "d2fd8867d50d2dfe",
        [5] = "70bb023c810ca87a",
        [6] = "f098480ac4c4be71",
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vgate-vschema-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [ServerFact]
    public Task VStream_VSchemaFileVindexes_CopyAndBinlogRowsMatchKeyRange() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token, null,
                "CREATE TABLE customer (region INT NOT NULL, id BIGINT NOT NULL, name VARCHAR(20) NOT NULL, PRIMARY KEY (region, id))",
                "CREATE TABLE item (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, sku VARCHAR(20) NOT NULL)",
                "CREATE TABLE mapped (id BIGINT NOT NULL PRIMARY KEY, note VARCHAR(20) NOT NULL)");
            var server = cluster.Shards[0].Server;
            var db = ShardCluster.Database;
            Directory.CreateDirectory(_directory);
            // 1 → 0x8000000000000000 (upper half), 2 → 1 (lower half); other ids fall back to hash.
            File.WriteAllText(Path.Combine(_directory, "nsm.json"), """{"1": 9223372036854775808, "2": 1}""");
            var vschema = Path.Combine(_directory, "vschema.json");
            File.WriteAllText(vschema, """
                {
                  "sharded": true,
                  "vindexes": {
                    "region_vdx": {"type": "region_experimental", "params": {"region_bytes": "1"}},
                    "rev": {"type": "reverse_bits"},
                    "nsm": {"type": "numeric_static_map", "params": {"json_path": "nsm.json", "fallback_type": "hash"}},
                    "sku_lookup": {"type": "consistent_lookup_unique", "params": {"table": "sku_idx", "from": "sku", "to": "keyspace_id"}, "owner": "item"}
                  },
                  "tables": {
                    "customer": {"column_vindexes": [{"columns": ["region", "id"], "name": "region_vdx"}]},
                    "item": {"column_vindexes": [{"column": "id", "name": "rev"}, {"column": "sku", "name": "sku_lookup"}]},
                    "mapped": {"columnVindexes": [{"column": "id", "name": "nsm"}]}
                  }
                }
                """);

            // Copy-phase rows.
            await server.ExecuteAsync(
                $"USE {db}; INSERT INTO customer VALUES (5,1,'c'),(5,2,'c'),(5,3,'c'),(5,4,'c'),(200,1,'c'),(200,2,'c'),(4,5,'c'),(6,3,'c');" +
                "INSERT INTO item VALUES (1,'c'),(2,'c'),(3,'c'),(4,'c'),(18446744073709551614,'c');" +
                "INSERT INTO mapped VALUES (1,'c'),(2,'c'),(3,'c'),(4,'c')", token);

            var settings = cluster.GatewaySettings();
            settings["VGate:Keyspaces:0:VSchemaFile"] = vschema;
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;

            var request = new VStreamRequest
            {
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "0", Gtid = "" } } },
                Filter = new Filter
                {
                    Rules =
                    {
                        // region 5 and the first byte of hash(id) below 0x80
                        new Rule { Match = "customer", Filter = "select * from customer where in_keyrange('05-0580')" },
                        // a key-range rule (Vitess takes those with a /regex/ match): the table's primary vindex
                        // (reverse_bits), lower half
                        new Rule { Match = "/^item$/", Filter = "-80" },
                        // a declared vindex named in the filter
                        new Rule { Match = "mapped", Filter = "select * from mapped where in_keyrange(id, 'ks.nsm', '-80')" },
                    },
                },
            };
            using var call = gateway.Client.VStream(request, cancellationToken: token);
            var copied = new Dictionary<string, List<string>>();
            var live = new Dictionary<string, List<string>>();
            var copyCompleted = false;
            var sawMarker = false;
            var done = false;
            while (!done && await call.ResponseStream.MoveNext(token))
            {
                foreach (var e in call.ResponseStream.Current.Events)
                {
                    if (e.Type == VEventType.Row)
                    {
                        var into = copyCompleted ? live : copied;
                        foreach (var change in e.RowEvent.RowChanges)
                        {
                            var cells = Rows.Decode(change.After);
                            Add(into, e.RowEvent.TableName, string.Join(",", cells));
                            sawMarker |= copyCompleted && e.RowEvent.TableName == "ks.item" && cells[0] == "100";
                        }
                    }
                    else if (e.Type == VEventType.CopyCompleted && !copyCompleted)
                    {
                        copyCompleted = true;
                        // Binlog-phase rows, in one transaction that ends with a row known to pass (item 100: even).
                        await server.ExecuteAsync(
                            $"USE {db}; BEGIN; INSERT INTO customer VALUES (5,5,'b'),(5,6,'b'),(7,1,'b');" +
                            "INSERT INTO item VALUES (7,'b'),(8,'b');" +
                            "INSERT INTO mapped VALUES (5,'b'),(6,'b');" +
                            "INSERT INTO item VALUES (100,'b'); COMMIT", token);
                    }
                    else if (e.Type == VEventType.Commit && sawMarker)
                    {
                        done = true;
                    }
                }
            }

            scenario.Log($"copied: {Show(copied)}; live: {Show(live)}");
            Assert.True(copyCompleted);
            Assert.Subset(new HashSet<string> { "ks.customer", "ks.item", "ks.mapped" }, copied.Keys.Concat(live.Keys).ToHashSet());
            foreach (var (table, expected) in await ExpectedAsync(server, db, token))
            {
                var streamed = copied.GetValueOrDefault("ks." + table, []).Concat(live.GetValueOrDefault("ks." + table, [])).Order(StringComparer.Ordinal);
                Assert.Equal(expected.Order(StringComparer.Ordinal), streamed);
            }

            // The copy phase applied the filter too: row (5,4) (hash(4) = d2…) and region 200 never came.
            Assert.Contains("5,1,c", copied["ks.customer"]);
            Assert.DoesNotContain("5,4,c", copied["ks.customer"]);
        });

    [Fact]
    public async Task Serve_BadVSchemaFile_RefusesToStartNamingFileKeyspaceAndVindex()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        Directory.CreateDirectory(_directory);
        var vschema = Path.Combine(_directory, "vschema.json");
        File.WriteAllText(vschema, """{"vindexes": {"region_vdx": {"type": "region_experimental", "params": {"region_bytes": "3"}}}}""");

        var (exit, _, error) = await CliProcess.RunAsync(
            ["serve", "--listen", $"127.0.0.1:{FreePort.GetAvailableTcpPort()}", "--shard", "ks/0=mysql://vgate:pw@127.0.0.1:1", "--vschema", vschema],
            deadline.Token);

        Assert.Equal(1, exit);
        Assert.Contains($"VSchema file {vschema}: keyspace 'ks' vindex 'region_vdx' (type 'region_experimental'): region_bits must be 1 or 2: 3", error, StringComparison.Ordinal);
    }

    /// <summary>Every row a SELECT returns whose keyspace id (computed here, not by the gateway) is in the filter's range.</summary>
    private static async Task<Dictionary<string, List<string>>> ExpectedAsync(MariaDbServer server, string db, CancellationToken token)
    {
        var expected = new Dictionary<string, List<string>>();
        foreach (var row in await server.QueryAsync($"SELECT region, id, name FROM {db}.customer", token))
        {
            var region = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
            var id = Convert.ToInt64(row[1], CultureInfo.InvariantCulture);
            // region_experimental, region_bytes 1: [region & 0xFF] + hash(id); range 05-0580 = [05, 05 80).
            var keyspaceId = Convert.FromHexString($"{region & 0xFF:x2}{VitessHash[id]}");
            if (InRange(keyspaceId, [0x05], [0x05, 0x80]))
                Add(expected, "customer", $"{region},{id},{row[2]}");
        }

        foreach (var row in await server.QueryAsync($"SELECT id, sku FROM {db}.item", token))
        {
            var id = Convert.ToUInt64(row[0], CultureInfo.InvariantCulture);
            if (InRange(ReverseBits(id), [], [0x80]))
                Add(expected, "item", $"{id},{row[1]}");
        }

        foreach (var row in await server.QueryAsync($"SELECT id, note FROM {db}.mapped", token))
        {
            var id = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
            var keyspaceId = id switch
            {
                1 => Convert.FromHexString("8000000000000000"),
                2 => Convert.FromHexString("0000000000000001"),
                _ => Convert.FromHexString(VitessHash[id]),
            };
            if (InRange(keyspaceId, [], [0x80]))
                Add(expected, "mapped", $"{id},{row[1]}");
        }

        return expected;
    }

    /// <summary>reverse_bits, bit by bit: bit i of the id becomes bit 63 − i of the big-endian keyspace id.</summary>
    private static byte[] ReverseBits(ulong id)
    {
        var keyspaceId = new byte[8];
        for (var bit = 0; bit < 64; bit++)
        {
            if ((id >> bit & 1) != 0)
                keyspaceId[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }
        return keyspaceId;
    }

    private static bool InRange(byte[] keyspaceId, byte[] start, byte[] end) =>
        keyspaceId.AsSpan().SequenceCompareTo(start) >= 0 && (end.Length == 0 || keyspaceId.AsSpan().SequenceCompareTo(end) < 0);

    private static void Add(Dictionary<string, List<string>> rows, string table, string row)
    {
        if (!rows.TryGetValue(table, out var list))
            rows[table] = list = [];
        list.Add(row);
    }

    private static string Show(Dictionary<string, List<string>> rows) =>
        string.Join("; ", rows.Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}"));
}
