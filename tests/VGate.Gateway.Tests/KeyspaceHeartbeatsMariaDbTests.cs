using Binlogdata;
using VGate.Gateway.Heartbeats;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Testing;
using Vtgate;

namespace VGate.Gateway.Tests;

/// <summary>
/// <c>stream_keyspace_heartbeats</c> over real MariaDB shards: the rows of the heartbeat table (Vitess's
/// <c>_vt.heartbeat</c> written by <see cref="HeartbeatWriter"/>, or another table written by someone else) reach the
/// client as ROW events of table <c>heartbeat</c> of the keyspace, inside their transactions, whatever the filter — and not
/// at all without the flag. Vitess's shape: vstreamer's FIELD/ROW for the table with <c>is_internal_table</c>, named
/// <c>heartbeat</c>, prefixed with the keyspace by vtgate (Debezium's <c>shouldStreamKeyspaceHeartbeats</c> includes
/// <c>&lt;keyspace&gt;.heartbeat</c>).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeyspaceHeartbeatsMariaDbTests
{
    private const string Database = "hbdb";

    [ServerFact]
    public async Task Writer_StreamWithFlag_HeartbeatRowsOfEachShardWithIncreasingTs_WithoutFlagNone()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(180));
        var token = deadline.Token;
        await using var shard1 = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 21, Name = "hb-s1" }, token);
        await using var shard2 = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 22, Name = "hb-s2" }, token);
        foreach (var server in new[] { shard1, shard2 })
        {
            await server.ExecuteAsync($"CREATE DATABASE {Database}", token);
            await server.ExecuteAsync($"CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(20))", token);
            // What an operator grants VGate's user for the writer (docs/server.md, "Keyspace heartbeats").
            await server.ExecuteAsync($"GRANT CREATE, INSERT, UPDATE ON `_vt`.* TO '{server.ReplicationUser}'@'%'", token);
        }
        var options = Topology(shard1, shard2);
        options.HeartbeatWriter = new HeartbeatWriterOptions { Interval = TimeSpan.FromMilliseconds(200) };
        Assert.Empty(TopologyValidator.Validate(options));
        await using var gateway = new VStreamGateway(options, new ShardStreamerFactory(options));
        var start = await StartAsync(shard1, shard2, token);
        await using var writer = new HeartbeatWriter(options);
        Assert.True(writer.HasTargets);
        writer.Start();

        // With the flag and a filter that names only t: heartbeat rows of both shards still arrive.
        var request = Request(start, heartbeats: true);
        var events = await ReadAsync(gateway, request, seen => PerShard(seen).Values.All(ts => ts.Count >= 3) && PerShard(seen).Count == 2, token);

        var perShard = PerShard(events);
        Assert.Equal(["-80", "80-"], perShard.Keys.Order());
        foreach (var (shard, rows) in perShard)
        {
            Assert.All(rows, r => Assert.Equal("ks/" + shard, r.KeyspaceShard));
            Assert.All(rows, r => Assert.Equal(HeartbeatWriter.TabletUid("ks", shard, shard == "-80" ? "s1" : "s2"), r.TabletUid));
            var ts = rows.Select(r => r.Ts).ToList();
            Assert.Equal(ts.Order(), ts);
            Assert.Equal(ts.Count, ts.Distinct().Count());
        }
        AssertShape(events, ["keyspaceShard", "tabletUid", "ts"]);

        // The rows are what the sources hold (read with SELECT, not through VGate).
        foreach (var (server, shard) in new[] { (shard1, "-80"), (shard2, "80-") })
        {
            var row = Assert.Single(await server.QueryAsync("SELECT keyspaceShard, tabletUid, ts FROM _vt.heartbeat", token));
            Assert.Equal("ks/" + shard, System.Text.Encoding.UTF8.GetString((byte[])row[0]!));
            Assert.Equal(HeartbeatWriter.TabletUid("ks", shard, shard == "-80" ? "s1" : "s2"), Convert.ToUInt32(row[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        // Without the flag: none, though the writer keeps writing. Markers written after some more heartbeats bound the read.
        var plain = Request(await StartAsync(shard1, shard2, token), heartbeats: false);
        var before = writer.Writes;
        await Eventually.AssertAsync(() => Assert.True(writer.Writes >= before + 6), TimeSpan.FromSeconds(60), token);
        await shard1.ExecuteAsync($"INSERT INTO {Database}.t VALUES (1, 'm1')", token);
        await shard2.ExecuteAsync($"INSERT INTO {Database}.t VALUES (2, 'm2')", token);
        var unflagged = await ReadAsync(gateway, plain, seen => seen.Count(e => e.Type == VEventType.Row && e.RowEvent.TableName == "ks.t") >= 2, token);
        Assert.DoesNotContain(unflagged, e => e.Type == VEventType.Row && e.RowEvent.TableName != "ks.t");
        Assert.DoesNotContain(unflagged, e => e.Type == VEventType.Field && e.FieldEvent.TableName != "ks.t");
    }

    [ServerFact]
    public async Task NoWriter_RowsWrittenIntoConfiguredTable_DeliveredAsHeartbeat()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(180));
        var token = deadline.Token;
        await using var shard1 = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 23, Name = "hb-pt1" }, token);
        await using var shard2 = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 24, Name = "hb-pt2" }, token);
        foreach (var server in new[] { shard1, shard2 })
        {
            await server.ExecuteAsync($"CREATE DATABASE {Database}", token);
            await server.ExecuteAsync($"CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(20))", token);
            // pt-heartbeat's table, in a database of its own.
            await server.ExecuteAsync("CREATE DATABASE percona", token);
            await server.ExecuteAsync("CREATE TABLE percona.heartbeat (ts VARCHAR(26) NOT NULL, server_id INT UNSIGNED NOT NULL PRIMARY KEY)", token);
        }
        var options = Topology(shard1, shard2);
        options.Keyspaces[0].HeartbeatTable = "percona.heartbeat";
        Assert.Empty(TopologyValidator.Validate(options));
        await using var writer = new HeartbeatWriter(options);
        Assert.False(writer.HasTargets);
        await using var gateway = new VStreamGateway(options, new ShardStreamerFactory(options));
        var request = Request(await StartAsync(shard1, shard2, token), heartbeats: true);

        // As pt-heartbeat --update writes: one row per server, inserted once, then updated.
        foreach (var server in new[] { shard1, shard2 })
            await server.ExecuteAsync($"INSERT INTO percona.heartbeat (ts, server_id) VALUES ('2026-12-07T23:00:01.000000', {server.ServerId})", token);
        for (var i = 2; i <= 3; i++)
        {
            foreach (var server in new[] { shard1, shard2 })
                await server.ExecuteAsync($"UPDATE percona.heartbeat SET ts = '2026-12-07T23:00:0{i}.000000' WHERE server_id = {server.ServerId}", token);
        }
        var events = await ReadAsync(gateway, request,
            seen => seen.Count(e => e.Type == VEventType.Row && e.RowEvent.TableName == "ks.heartbeat") >= 6, token);

        var rows = events.Where(e => e.Type == VEventType.Row && e.RowEvent.TableName == "ks.heartbeat").ToList();
        Assert.Equal(3, rows.Count(e => e.Shard == "-80"));
        Assert.Equal(3, rows.Count(e => e.Shard == "80-"));
        var lastTs = rows.Where(e => e.Shard == "-80").Select(e => Value(e.RowEvent.RowChanges.Last().After, 0)).ToList();
        Assert.Equal(["2026-12-07T23:00:01.000000", "2026-12-07T23:00:02.000000", "2026-12-07T23:00:03.000000"], lastTs);
        AssertShape(events, ["ts", "server_id"]);
    }

    /// <summary>
    /// A user without the grant: the writer logs the refusal once, naming the grant to give, writes nothing; once the grant is
    /// given it writes (and says so) at the next interval.
    /// </summary>
    [ServerFact]
    public async Task Writer_WithoutGrant_ErrorNamesTheGrant_WritesOnceGranted()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(120));
        var token = deadline.Token;
        await using var shard1 = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 25, Name = "hb-g1" }, token);
        await using var shard2 = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 26, Name = "hb-g2" }, token);
        var options = Topology(shard1, shard2);
        options.HeartbeatWriter = new HeartbeatWriterOptions { Interval = TimeSpan.FromMilliseconds(100) };
        Assert.Empty(TopologyValidator.Validate(options));
        var log = new Fakes.ListLogger<HeartbeatWriter>();
        await using var writer = new HeartbeatWriter(options, logger: log);
        writer.Start();

        await Eventually.AssertAsync(() => Assert.Equal(2, log.Entries.Count(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning)),
            TimeSpan.FromSeconds(60), token);
        Assert.All(log.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning),
            e => Assert.Contains("GRANT CREATE, INSERT, UPDATE ON `_vt`.* TO", e.Message, StringComparison.Ordinal));
        Assert.Equal(0, writer.Writes);

        foreach (var server in new[] { shard1, shard2 })
        {
            await server.ExecuteAsync("CREATE DATABASE _vt", token);
            await server.ExecuteAsync("CREATE TABLE _vt.heartbeat (keyspaceShard VARBINARY(256) NOT NULL PRIMARY KEY, tabletUid INT UNSIGNED NOT NULL, ts BIGINT UNSIGNED NOT NULL)", token);
            // INSERT and UPDATE only: the writer cannot create (it logs that once) but writes to the existing table.
            await server.ExecuteAsync($"GRANT INSERT, UPDATE ON `_vt`.`heartbeat` TO '{server.ReplicationUser}'@'%'", token);
        }
        await Eventually.AssertAsync(async () =>
        {
            Assert.Single(await shard1.QueryAsync("SELECT ts FROM _vt.heartbeat WHERE keyspaceShard = 'ks/-80'", token));
            Assert.Single(await shard2.QueryAsync("SELECT ts FROM _vt.heartbeat WHERE keyspaceShard = 'ks/80-'", token));
        }, TimeSpan.FromSeconds(60), token);
        Assert.Equal(2, log.Entries.Count(e => e.Message.Contains("written again", StringComparison.Ordinal)));
    }

    /// <summary>FIELD before the first ROW of each shard, both internal and named heartbeat; every ROW inside BEGIN…COMMIT.</summary>
    private static void AssertShape(List<VEvent> events, string[] columns)
    {
        foreach (var shard in new[] { "-80", "80-" })
        {
            var ofShard = events.Where(e => e.Shard == shard).ToList();
            var field = ofShard.FindIndex(e => e.Type == VEventType.Field && e.FieldEvent.TableName == "ks.heartbeat");
            var firstRow = ofShard.FindIndex(e => e.Type == VEventType.Row && e.RowEvent.TableName == "ks.heartbeat");
            Assert.InRange(field, 0, firstRow - 1);
            Assert.True(ofShard[field].FieldEvent.IsInternalTable);
            Assert.Equal(columns, ofShard[field].FieldEvent.Fields.Select(f => f.Name));
            Assert.All(ofShard.Where(e => e.Type == VEventType.Row && e.RowEvent.TableName == "ks.heartbeat"),
                e => Assert.True(e.RowEvent.IsInternalTable));
            var open = false;
            foreach (var e in ofShard)
            {
                if (e.Type == VEventType.Begin)
                    open = true;
                else if (e.Type == VEventType.Commit)
                    open = false;
                else if (e.Type == VEventType.Row)
                    Assert.True(open, "a ROW event outside BEGIN…COMMIT");
            }
        }
    }

    private sealed record HeartbeatRow(string KeyspaceShard, uint TabletUid, ulong Ts);

    private static Dictionary<string, List<HeartbeatRow>> PerShard(IEnumerable<VEvent> events) =>
        events.Where(e => e.Type == VEventType.Row && e.RowEvent.TableName == "ks.heartbeat")
            .SelectMany(e => e.RowEvent.RowChanges.Select(rc => (e.Shard, Row: new HeartbeatRow(
                Value(rc.After, 0), uint.Parse(Value(rc.After, 1), System.Globalization.CultureInfo.InvariantCulture),
                ulong.Parse(Value(rc.After, 2), System.Globalization.CultureInfo.InvariantCulture)))))
            .GroupBy(x => x.Shard).ToDictionary(g => g.Key, g => g.Select(x => x.Row).ToList());

    private static string Value(Query.Row row, int index)
    {
        var offset = 0;
        for (var i = 0; i < index; i++)
            offset += (int)Math.Max(0, row.Lengths[i]);
        return row.Values.ToStringUtf8().Substring(offset, (int)row.Lengths[index]);
    }

    private static GatewayOptions Topology(MariaDbServer shard1, MariaDbServer shard2) => new()
    {
        RetryDelay = TimeSpan.FromMilliseconds(100),
        Keyspaces =
        [
            new KeyspaceOptions
            {
                Name = "ks",
                Database = Database,
                Sharded = true,
                Shards =
                [
                    new ShardOptions { Name = "-80", Sources = [new SourceOptions { Uri = shard1.ReplicationUri.ToString(), Name = "s1" }] },
                    new ShardOptions { Name = "80-", Sources = [new SourceOptions { Uri = shard2.ReplicationUri.ToString(), Name = "s2" }] },
                ],
            },
        ],
    };

    private static async Task<(string, string)> StartAsync(MariaDbServer shard1, MariaDbServer shard2, CancellationToken token) =>
        ("MariaDB/" + await shard1.GetGtidBinlogPosAsync(token), "MariaDB/" + await shard2.GetGtidBinlogPosAsync(token));

    private static VStreamRequest Request((string Shard1, string Shard2) start, bool heartbeats) => new()
    {
        Vgtid = new VGtid
        {
            ShardGtids =
            {
                new ShardGtid { Keyspace = "ks", Shard = "-80", Gtid = start.Shard1 },
                new ShardGtid { Keyspace = "ks", Shard = "80-", Gtid = start.Shard2 },
            },
        },
        Filter = new Filter { Rules = { new Rule { Match = "t", Filter = "select * from t" } } },
        Flags = new VStreamFlags { StreamKeyspaceHeartbeats = heartbeats },
    };

    private static async Task<List<VEvent>> ReadAsync(VStreamGateway gateway, VStreamRequest request, Func<List<VEvent>, bool> done, CancellationToken cancellationToken)
    {
        var events = new List<VEvent>();
        await foreach (var response in gateway.StreamAsync(request, cancellationToken))
        {
            events.AddRange(response.Events);
            if (done(events))
                break;
        }
        return events;
    }
}
