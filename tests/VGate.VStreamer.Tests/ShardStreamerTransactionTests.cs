using Binlogdata;
using VGate.MySql.Positions;
using VGate.Testing;
using VGate.VStreamer.Tests.CopyPhase;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests;

/// <summary>
/// Transaction boundaries in one shard's stream against a real MariaDB (what the server writes for each form is in
/// tests/TestData/mariadb/README.md, file mariadb-10.11-txn.000004): savepoints, CREATE … SELECT, ROLLBACK with a
/// non-transactional table, statement-format DML, XA. Rows that reach the stream are compared with SELECT.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ShardStreamerTransactionTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const string Tables = "CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB";
    private const string MyIsam = "CREATE TABLE {db}.m (id INT PRIMARY KEY) ENGINE=MyISAM";
    private const string FieldT = "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY,v:VARCHAR:varchar(20)]";
    private const string FieldM = "field:m[id:INT32:int(11):NOT_NULL|PRI_KEY]";

    [ServerFact]
    public async Task Stream_SavepointReleasedInnoDb_OneTransactionWithoutTheRolledBackRow()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables);
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("BEGIN; INSERT INTO {db}.t VALUES (1,'a'); SAVEPOINT s1; INSERT INTO {db}.t VALUES (2,'b'); " +
            "ROLLBACK TO SAVEPOINT s1; INSERT INTO {db}.t VALUES (3,'c'); RELEASE SAVEPOINT s1; COMMIT");

        var events = await spec.StreamAsync(start, transactionEnds: 1);

        Assert.Equal(["begin", FieldT, "row:t insert(1,'a')", "row:t insert(3,'c')", "gtid", "commit"], StreamSpec.Format(events));
        Assert.Equal(await spec.PositionAsync(), events.Last(e => e.Type == VEventType.Gtid).Gtid);
        await AssertIdsAsync(spec, [1, 3]);
    }

    [ServerFact]
    public async Task Stream_SavepointRolledBackWithMyIsam_RolledBackRowNeverSent()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables, MyIsam);
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("BEGIN; INSERT INTO {db}.t VALUES (42,'kept'); SAVEPOINT a; INSERT INTO {db}.m VALUES (2); " +
            "INSERT INTO {db}.t VALUES (43,'rolled back'); ROLLBACK TO a; RELEASE SAVEPOINT a; COMMIT");

        var events = await spec.StreamAsync(start, transactionEnds: 2);

        Assert.Equal(
        [
            "begin", FieldM, "row:m insert(2)", "gtid", "commit",
            "begin", FieldT, "row:t insert(42,'kept')", "gtid", "commit",
        ], StreamSpec.Format(events));
        await AssertIdsAsync(spec, [42]);
    }

    [ServerFact]
    public async Task Stream_NestedSavepointsTinyPacketSize_OnlyKeptRowsAndNoFlushMidGroup()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables, MyIsam);
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync(
            "BEGIN; INSERT INTO {db}.t VALUES (50,'kept'); SAVEPOINT a; INSERT INTO {db}.t VALUES (51,'rb'); SAVEPOINT b; " +
            "INSERT INTO {db}.m VALUES (3); INSERT INTO {db}.t VALUES (52,'rb'); ROLLBACK TO b; INSERT INTO {db}.t VALUES (53,'rb'); " +
            "ROLLBACK TO a; INSERT INTO {db}.t VALUES (54,'kept'); COMMIT",
            "BEGIN; INSERT INTO {db}.t VALUES (55,'kept'); SAVEPOINT a; INSERT INTO {db}.t VALUES (56,'kept'); SAVEPOINT b; " +
            "INSERT INTO {db}.m VALUES (4); INSERT INTO {db}.t VALUES (57,'rb'); ROLLBACK TO b; INSERT INTO {db}.t VALUES (58,'kept'); " +
            "RELEASE SAVEPOINT a; COMMIT");

        // A packet size of 1 byte would hand on every ROW at once: while a savepoint is open the streamer must hold them.
        var streamer = new ShardStreamer(CopyHarness.Options(spec, start, packetSize: 1));
        var batches = new List<List<string>>();
        using (var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60)))
        {
            await foreach (var batch in streamer.StreamAsync(deadline.Token))
            {
                var text = StreamSpec.Format(batch.Where(e => e.Type != VEventType.Heartbeat).Select(e => e.Materialize()));
                if (text.Count > 0)
                    batches.Add(text);
                if (batches.Sum(b => b.Count(e => e == "commit")) == 4)
                    break;
            }
        }

        var events = batches.SelectMany(b => b).ToList();
        Assert.Equal(
        [
            "begin", FieldM, "row:m insert(3)", "gtid", "commit",
            "begin", FieldT, "row:t insert(50,'kept')", "row:t insert(54,'kept')", "gtid", "commit",
            "begin", "row:m insert(4)", "gtid", "commit",
            "begin", "row:t insert(55,'kept')", "row:t insert(56,'kept')", "row:t insert(58,'kept')", "gtid", "commit",
        ], events);
        // Everything from the SAVEPOINT on goes out with the COMMIT; here the whole group does, because it touched MyISAM
        // (no FL_TRANSACTIONAL on its GTID), so it might end in ROLLBACK and is held from its BEGIN.
        Assert.Contains(batches, b => b.SequenceEqual(["begin", "row:t insert(55,'kept')", "row:t insert(56,'kept')", "row:t insert(58,'kept')", "gtid", "commit"]));
        await AssertIdsAsync(spec, [50, 54, 55, 56, 58]);
    }

    [ServerFact]
    public async Task Stream_SavepointGroupLargerThanTheHoldLimit_ReadAheadKeepsOnlyKeptRowsAndHandsOnInPackets()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables, MyIsam);
        var start = await spec.PositionAsync();
        static string Inserts(int from, int count) =>
            string.Concat(Enumerable.Range(from, count).Select(i => $"INSERT INTO {{db}}.t VALUES ({i}, REPEAT('x', 20)); "));
        // Past the hold limit while savepoint a is open; later savepoints are rolled back after MyISAM changes.
        await spec.ExecuteAsync("BEGIN; INSERT INTO {db}.t VALUES (1,'first'); SAVEPOINT a; " + Inserts(2, 20) +
            "SAVEPOINT b; INSERT INTO {db}.m VALUES (1); " + Inserts(100, 5) + "ROLLBACK TO b; " + Inserts(200, 20) +
            "SAVEPOINT c; INSERT INTO {db}.m VALUES (2); INSERT INTO {db}.t VALUES (300,'rb'); ROLLBACK TO c; COMMIT");
        // The held part itself is undone: savepoint a is rolled back after the limit was reached.
        await spec.ExecuteAsync("BEGIN; INSERT INTO {db}.t VALUES (400,'kept'); SAVEPOINT a; INSERT INTO {db}.m VALUES (3); " +
            Inserts(401, 30) + "ROLLBACK TO a; INSERT INTO {db}.t VALUES (450,'kept'); COMMIT");

        var (batches, events) = await StreamBatchesAsync(spec, start, commits: 5, packetSize: 600, holdBytes: 1_000);

        var rows = events.Where(e => e.StartsWith("row:t", StringComparison.Ordinal))
            .Select(e => int.Parse(e["row:t insert(".Length..e.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        int[] kept = [1, .. Enumerable.Range(2, 20), .. Enumerable.Range(200, 20), 400, 450];
        Assert.Equal(kept, rows);
        await AssertIdsAsync(spec, kept);
        // The first group went out in several packets: it was not held whole.
        Assert.True(batches.Count(b => b.Any(e => e.StartsWith("row:t", StringComparison.Ordinal)) && !b.Contains("commit")) >= 2,
            string.Join(Environment.NewLine, batches.Select(b => string.Join(" ", b))));
        Assert.Equal(5, events.Count(e => e == "commit"));
    }

    private static async Task<(List<List<string>> Batches, List<string> Events)> StreamBatchesAsync(StreamSpec spec, string start, int commits, int packetSize, long holdBytes)
    {
        var template = spec.Options(start);
        var options = new ShardStreamerOptions
        {
            Keyspace = template.Keyspace,
            Shard = template.Shard,
            Source = template.Source,
            Database = template.Database,
            Position = start,
            PacketSize = packetSize,
            SavepointHoldBytes = holdBytes,
        };
        var batches = new List<List<string>>();
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var batch in new ShardStreamer(options).StreamAsync(deadline.Token))
        {
            var text = StreamSpec.Format(batch.Where(e => e.Type != VEventType.Heartbeat).Select(e => e.Materialize()));
            if (text.Count > 0)
                batches.Add(text);
            if (batches.Sum(b => b.Count(e => e == "commit")) >= commits)
                break;
        }
        return (batches, batches.SelectMany(b => b).ToList());
    }

    [ServerFact]
    public async Task Stream_CreateTableSelect_GtidDdlBeginRowsGtidCommitInOneBatch()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables, "INSERT INTO {db}.t VALUES (1,'a'), (2,'b')");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("CREATE TABLE {db}.c2 ENGINE=InnoDB SELECT * FROM {db}.t");
        var after = await spec.PositionAsync();

        var streamer = new ShardStreamer(spec.Options(start));
        var batches = new List<List<VEvent>>();
        using (var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60)))
        {
            await foreach (var batch in streamer.StreamAsync(deadline.Token))
            {
                var events = batch.Where(e => e.Type != VEventType.Heartbeat).Select(e => e.Materialize()).ToList();
                if (events.Count > 0)
                    batches.Add(events);
                if (events.Any(e => e.Type == VEventType.Commit))
                    break;
            }
        }

        var group = Assert.Single(batches);
        var text = StreamSpec.Format(group);
        Assert.Equal(7, text.Count);
        Assert.Equal("gtid", text[0]);
        Assert.StartsWith(spec.Qualify("ddl:CREATE TABLE `{db}`.`c2` ("), text[1], StringComparison.Ordinal);
        Assert.Equal(["begin", "field:c2[id:INT32:int(11):NOT_NULL,v:VARCHAR:varchar(20)]", "row:c2 insert(1,'a'); insert(2,'b')", "gtid", "commit"],
            text.Skip(2).ToList());
        // The DDL's GTID is the position before the group (resuming there re-delivers all of it); the COMMIT's is after.
        Assert.Equal(start, group[0].Gtid);
        Assert.Equal(after, group.Last(e => e.Type == VEventType.Gtid).Gtid);
    }

    [ServerFact]
    public async Task Stream_RollbackWithMyIsam_OnlyTheMyIsamRow()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables, MyIsam);
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("BEGIN; INSERT INTO {db}.t VALUES (60,'rb'); INSERT INTO {db}.m VALUES (5); ROLLBACK");

        var events = await spec.StreamAsync(start, transactionEnds: 1);

        Assert.Equal(["begin", FieldM, "row:m insert(5)", "gtid", "commit"], StreamSpec.Format(events));
        await AssertIdsAsync(spec, []);
    }

    [ServerFact]
    public async Task Stream_RollbackToASavepointSetBeforeAnyChange_GroupEndingInRollbackSendsNoRows()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables, MyIsam, "INSERT INTO {db}.t VALUES (8,'kept')");
        var start = await spec.PositionAsync();
        // SAVEPOINT sp1 runs while the transaction has no changes, so MariaDB does not log it. At ROLLBACK TO sp1 it
        // writes the MyISAM row as a group of its own and the undone InnoDB changes as a group that ends in ROLLBACK
        // (DELETE, SAVEPOINT sp2, ROLLBACK); the rest of the transaction is a third group. Found by the chain
        // differential test: the rolled-back DELETE reached clients.
        await spec.ExecuteAsync("BEGIN; SAVEPOINT sp1; DELETE FROM {db}.t WHERE id = 8; SAVEPOINT sp2; INSERT INTO {db}.m VALUES (7); " +
            "ROLLBACK TO SAVEPOINT sp1; INSERT INTO {db}.t VALUES (21,'kept'); COMMIT");

        var events = await spec.StreamAsync(start, transactionEnds: 3);

        Assert.Equal(
        [
            "begin", FieldM, "row:m insert(7)", "gtid", "commit",
            "begin", "gtid", "commit",
            "begin", FieldT, "row:t insert(21,'kept')", "gtid", "commit",
        ], StreamSpec.Format(events));
        await AssertIdsAsync(spec, [8, 21]);
    }

    [ServerFact]
    public async Task Stream_StatementFormatDml_InsertUpdateDeleteEventsWithTheSql()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables, "CREATE TABLE {db}.skipped (id INT PRIMARY KEY)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync(
            "SET SESSION binlog_format=STATEMENT; INSERT INTO {db}.t VALUES (70,'sbr'); " +
            "BEGIN; UPDATE {db}.t SET v='upd' WHERE id=70; DELETE FROM {db}.t WHERE id=70; REPLACE INTO {db}.t VALUES (71,'r'); COMMIT; " +
            "INSERT INTO {db}.skipped VALUES (1); SET SESSION binlog_format=ROW");

        var filter = new Filter { Rules = { new Rule { Match = "t" } } };
        var events = await spec.StreamAsync(start, transactionEnds: 3, filter);

        Assert.Equal(
        [
            "begin", spec.Qualify("insert:INSERT INTO {db}.t VALUES (70,'sbr')"), "gtid", "commit",
            "begin", spec.Qualify("update:UPDATE {db}.t SET v='upd' WHERE id=70"), spec.Qualify("delete:DELETE FROM {db}.t WHERE id=70"),
            spec.Qualify("replace:REPLACE INTO {db}.t VALUES (71,'r')"), "gtid", "commit",
            // A table the filter does not stream: the transaction still moves the position.
            "begin", "gtid", "commit",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_StatementFormatTemporaryTable_NotTakenForCreateSelect()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables);
        var start = await spec.PositionAsync();
        // Statement format logs CREATE TEMPORARY TABLE inside the transaction (no FL_DDL): a statement of the group.
        await spec.ExecuteAsync(
            "SET SESSION binlog_format=STATEMENT; BEGIN; CREATE TEMPORARY TABLE {db}.tmp1 (id INT) ENGINE=InnoDB; " +
            "INSERT INTO {db}.tmp1 VALUES (1); INSERT INTO {db}.t SELECT id + 600, 'from tmp' FROM {db}.tmp1; COMMIT");

        var events = await spec.StreamAsync(start, transactionEnds: 1);

        Assert.Equal(
        [
            "begin", spec.Qualify("insert:INSERT INTO {db}.tmp1 VALUES (1)"),
            spec.Qualify("insert:INSERT INTO {db}.t SELECT id + 600, 'from tmp' FROM {db}.tmp1"), "gtid", "commit",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_StatementFormatSessionEnds_ItsTemporaryTableDropIsOtherNotDdl()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables);
        var start = await spec.PositionAsync();
        // When the session ends, MariaDB logs "DROP /*!40005 TEMPORARY */ TABLE IF EXISTS `tmp2`" as a group of its own.
        await spec.ExecuteAsync("SET SESSION binlog_format=STATEMENT; CREATE TEMPORARY TABLE {db}.tmp2 (id INT) ENGINE=InnoDB; INSERT INTO {db}.t VALUES (90,'sbr')");

        var events = await spec.StreamAsync(start, transactionEnds: 3, new Binlogdata.Filter { Rules = { new Binlogdata.Rule { Match = "/.*" } } });

        Assert.Equal(
        [
            "gtid", "other",
            "begin", spec.Qualify("insert:INSERT INTO {db}.t VALUES (90,'sbr')"), "gtid", "commit",
            "gtid", "other",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_XaPrepareCommitAndOnePhase_EachRowOnceAndPositionsAtGroupEnds()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Tables);
        var start = await spec.PositionAsync();
        var xid = "x" + Guid.NewGuid().ToString("N")[..8];
        await spec.ExecuteAsync($"XA START '{xid}1'; INSERT INTO {{db}}.t VALUES (80,'xa'); XA END '{xid}1'; XA PREPARE '{xid}1'; XA COMMIT '{xid}1'");
        await spec.ExecuteAsync($"XA START '{xid}3'; INSERT INTO {{db}}.t VALUES (82,'1p'); XA END '{xid}3'; XA COMMIT '{xid}3' ONE PHASE");
        var end = await spec.PositionAsync();

        var events = await spec.StreamAsync(start, transactionEnds: 3);

        var text = StreamSpec.Format(events);
        Assert.Single(text, e => e == "row:t insert(80,'xa')");
        Assert.Single(text, e => e == "row:t insert(82,'1p')");
        Assert.Equal(3, text.Count(e => e == "commit"));
        Assert.Equal(end, events.Last(e => e.Type == VEventType.Gtid).Gtid);
        // Every GTID event is followed by its COMMIT: no position inside a group.
        for (var i = 0; i < text.Count; i++)
        {
            if (text[i] == "gtid")
                Assert.Equal("commit", text[i + 1]);
        }
        await AssertIdsAsync(spec, [80, 82]);
    }

    [ServerFact]
    public async Task Copy_SavepointTransactionAtTheNextTablesSnapshot_CatchUpDeliversTheWholeGroup()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY) ENGINE=InnoDB",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY) ENGINE=InnoDB",
            "CREATE TABLE {db}.z (id INT PRIMARY KEY) ENGINE=MyISAM",
            "INSERT INTO {db}.a VALUES (1)",
            "INSERT INTO {db}.b VALUES (1)");
        var filter = new Filter { Rules = { new Rule { Match = "a", Filter = "select * from a" }, new Rule { Match = "b", Filter = "select * from b" } } };
        var streamer = new ShardStreamer(CopyHarness.Options(spec, filter: filter))
        {
            BeforeCopyTable = async (table, _) =>
            {
                if (table == "b")
                {
                    await spec.ExecuteAsync("BEGIN; INSERT INTO {db}.a VALUES (2); SAVEPOINT s; INSERT INTO {db}.z VALUES (1); " +
                        "INSERT INTO {db}.a VALUES (3); ROLLBACK TO s; INSERT INTO {db}.a VALUES (4); COMMIT");
                }
            },
        };

        var events = await CopyHarness.CollectAsync(streamer, CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            "begin", "field:a[id:INT32:int(11):NOT_NULL|PRI_KEY]", "gtid", "row:a insert(1)", "lastpk:a(1)", "commit",
            "begin", "lastpk:a completed", "lastpk:b", "commit",
            // catch-up before b: z's own group (not streamed), then the whole savepoint group — 3 was rolled back.
            "begin", "gtid", "commit",
            "begin", "field:a[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:a insert(2)", "row:a insert(4)", "gtid", "commit",
            // No GTID after b's FIELD: the catch-up ended at b's snapshot, already reported (as Vitess's uvstreamer.setPosition).
            "begin", "field:b[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:b insert(1)", "lastpk:b(1)", "commit",
            "begin", "lastpk:b completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(events));
        AssertPositionsNeverGoBack(events);
    }

    [ServerFact]
    public async Task Copy_CreateSelectAtTheNextTablesSnapshot_CatchUpDeliversTheWholeGroup()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY) ENGINE=InnoDB",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY) ENGINE=InnoDB",
            "INSERT INTO {db}.a VALUES (1)",
            "INSERT INTO {db}.b VALUES (1)");
        var streamer = new ShardStreamer(CopyHarness.Options(spec, tablesToCopy: ["a", "b"]))
        {
            BeforeCopyTable = async (table, _) =>
            {
                if (table == "b")
                    await spec.ExecuteAsync("CREATE TABLE {db}.a2 ENGINE=InnoDB SELECT * FROM {db}.a");
            },
        };

        var events = await CopyHarness.CollectAsync(streamer, CopyHarness.CopyCompleted);

        var text = StreamSpec.Format(events);
        var ddl = text.FindIndex(e => e.StartsWith(spec.Qualify("ddl:CREATE TABLE `{db}`.`a2`"), StringComparison.Ordinal));
        Assert.True(ddl > 0, string.Join(" | ", text));
        // The group comes whole, in the CREATE … SELECT grammar: GTID, DDL, BEGIN, FIELD, ROW, GTID, COMMIT (a2 is not
        // in the copy, so the catch-up streams its rows as it streams any table not being copied).
        Assert.Equal(["gtid", text[ddl], "begin", "field:a2[id:INT32:int(11):NOT_NULL]", "row:a2 insert(1)", "gtid", "commit"],
            text.Skip(ddl - 1).Take(7).ToList());
        Assert.Equal("begin", text[ddl + 6]);
        Assert.Contains("lastpk:b completed", text);
        AssertPositionsNeverGoBack(events);
    }

    private static void AssertPositionsNeverGoBack(List<VEvent> events)
    {
        var gtids = events.Where(e => e.Type == VEventType.Gtid).Select(e => ReplicationPosition.Parse(e.Gtid)).ToList();
        for (var i = 1; i < gtids.Count; i++)
            Assert.True(gtids[i].AtLeast(gtids[i - 1]), $"position went back: {gtids[i - 1]} then {gtids[i]}");
    }

    private async Task AssertIdsAsync(StreamSpec spec, int[] expected)
    {
        var rows = await CopyHarness.ReadTableAsync(fixture.Server, spec.Database, "t");
        Assert.Equal(expected.Order(), rows.Keys.Select(k => int.Parse(k, System.Globalization.CultureInfo.InvariantCulture)).Order());
    }
}
