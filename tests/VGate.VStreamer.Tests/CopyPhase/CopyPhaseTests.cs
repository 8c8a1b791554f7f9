using Binlogdata;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// Golden event sequences of the copy phase (position "" or table_p_ks) against a real MariaDB: tables in, compact
/// VEvent strings out (<see cref="StreamSpec"/>, <see cref="VEventFormatter"/>), plus replay checks that applying every
/// event idempotently by key reproduces the source table.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CopyPhaseTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const string FieldT = "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY,name:VARCHAR:varchar(20)]";

    [ServerFact]
    public async Task Copy_EmptyTable_BeginFieldGtidThenTheDoneGroup()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY, name VARCHAR(20))");

        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec)), CopyHarness.CopyCompleted);

        Assert.Equal(["begin", FieldT, "gtid", "begin", "lastpk:t completed", "commit", "copy_completed"], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Copy_SecondTableAtTheSamePosition_NoGtidAfterItsField()
    {
        // Nothing is written between the two snapshots: the second table's position is the one already reported, so
        // (as Vitess's uvstreamer.setPosition) no GTID follows its FIELD; the empty table keeps its double BEGIN.
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY)",
            "INSERT INTO {db}.a VALUES (1)");

        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec)), CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            "begin", "field:a[id:INT32:int(11):NOT_NULL|PRI_KEY]", "gtid", "row:a insert(1)", "lastpk:a(1)", "commit",
            "begin", "lastpk:a completed", "lastpk:b", "commit",
            "begin", "field:b[id:INT32:int(11):NOT_NULL|PRI_KEY]",
            "begin", "lastpk:b completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Copy_FilterRule_SendsSelectedColumnsOfMatchingRowsOnly()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.f (id INT PRIMARY KEY, name VARCHAR(20), qty INT)",
            "INSERT INTO {db}.f VALUES (1, 'a', 1), (2, 'b', 5), (3, 'c', 9)");
        var filter = new Filter { Rules = { new Rule { Match = "f", Filter = "select qty, id from f where qty >= 5" } } };

        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, filter: filter)), CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            "begin", "field:f[qty:INT32:int(11),id:INT32:int(11):NOT_NULL|PRI_KEY]", "gtid", "row:f insert(5,2)", "row:f insert(9,3)", "lastpk:f(3)", "commit",
            "begin", "lastpk:f completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Copy_SmallTable_ExactEventsThenStreamsFromTheSnapshot()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.t (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO {db}.t VALUES (1, 'a'), (2, NULL), (3, 'c')");
        var snapshotPosition = await spec.PositionAsync();
        var streamer = new ShardStreamer(CopyHarness.Options(spec));
        var insertedAfterCopy = false;

        var events = await CopyHarness.CollectAsync(streamer, async events =>
        {
            if (CopyHarness.CopyCompleted(events) && !insertedAfterCopy)
            {
                insertedAfterCopy = true;
                await spec.ExecuteAsync("INSERT INTO {db}.t VALUES (4, 'd')");
            }
            return events.Count(e => e.Type == VEventType.Commit) == 3;
        });

        Assert.Equal(
        [
            "begin", FieldT, "gtid", "row:t insert(1,'a')", "row:t insert(2,NULL)", "row:t insert(3,'c')", "lastpk:t(3)", "commit",
            "begin", "lastpk:t completed", "commit",
            "copy_completed",
            "begin", FieldT, "row:t insert(4,'d')", "gtid", "commit",
        ], StreamSpec.Format(events));
        var copyEvents = events.TakeWhile(e => e.Type != VEventType.CopyCompleted).ToList();
        Assert.All(events, e => Assert.Equal(("ks", "0"), (e.Keyspace, e.Shard)));
        Assert.All(copyEvents, e => Assert.Equal((0L, 0L), (e.Timestamp, e.CurrentTime)));
        Assert.Equal(snapshotPosition, copyEvents.Single(e => e.Type == VEventType.Gtid).Gtid);
        Assert.True(copyEvents.Single(e => e.Type == VEventType.Field).FieldEvent.EnumSetStringValues);
        var lastpk = copyEvents.First(e => e.Type == VEventType.Lastpk).LastPKEvent.TableLastPK.Lastpk;
        var field = Assert.Single(lastpk.Fields);
        Assert.Equal(("id", Query.Type.Int32), (field.Name, field.Type));
        Assert.NotEqual(0u, field.Flags & 2);
        Assert.Single(lastpk.Rows);
    }

    [ServerFact]
    public async Task Copy_TypesAsMySqlText_BinaryPaddedEnumSetStringsTimestampUtcDecimalExact()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            """
            CREATE TABLE {db}.v (id BIGINT UNSIGNED PRIMARY KEY, f FLOAT, d DOUBLE, m DECIMAL(10,3), b BINARY(4), e ENUM('x','y'),
              s SET('p','q'), ts TIMESTAMP(2) NULL, dt DATETIME, tm TIME(1), y YEAR, bt BIT(10), l VARCHAR(5) CHARACTER SET latin1)
            """,
            "SET time_zone = '+02:00'; INSERT INTO {db}.v VALUES (18446744073709551615, 1.5, 0.1, -12.5, 'ab', 'y', 'p,q', '2020-01-01 12:00:00.25', '2021-02-03 04:05:06', '-01:02:03.4', 2024, b'1000000001', _latin1 x'e9')");

        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec)), CopyHarness.CopyCompleted);

        var row = events.Single(e => e.Type == VEventType.Row).RowEvent.RowChanges.Single().After;
        var values = Split(row);
        Assert.Equal("18446744073709551615", Text(values[0]));
        Assert.Equal("1.5", Text(values[1]));
        Assert.Equal("0.1", Text(values[2]));
        Assert.Equal("-12.500", Text(values[3]));
        Assert.Equal("ab\0\0"u8.ToArray(), values[4]);
        Assert.Equal(("y", "p,q"), (Text(values[5]), Text(values[6])));
        Assert.Equal("2020-01-01 10:00:00.25", Text(values[7]));
        Assert.Equal(("2021-02-03 04:05:06", "-01:02:03.4", "2024"), (Text(values[8]), Text(values[9]), Text(values[10])));
        Assert.Equal(new byte[] { 0x02, 0x01 }, values[11]);
        Assert.Equal(new byte[] { 0xE9 }, values[12]);
        Assert.Equal(
            "field:v[id:UINT64:bigint(20) unsigned:NOT_NULL|PRI_KEY,f:FLOAT32:float,d:FLOAT64:double,m:DECIMAL:decimal(10,3),b:BINARY:binary(4)," +
            "e:ENUM:enum('x','y'),s:SET:set('p','q'),ts:TIMESTAMP:timestamp(2),dt:DATETIME:datetime,tm:TIME:time(1),y:YEAR:year(4),bt:BIT:bit(10),l:VARCHAR:varchar(5)]",
            VEventFormatter.ToTestString(events.Single(e => e.Type == VEventType.Field)));
        Assert.Equal(8u, events.Single(e => e.Type == VEventType.Field).FieldEvent.Fields[12].Charset);
    }

    [ServerFact]
    public async Task Copy_TinyPacketSize_OneBatchPerRowEachWithLastPk()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.t (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO {db}.t VALUES (3, 'c'), (1, 'a'), (2, 'b')");

        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, packetSize: 1)), CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            "begin", FieldT, "gtid", "row:t insert(1,'a')", "lastpk:t(1)", "commit",
            "begin", "row:t insert(2,'b')", "lastpk:t(2)", "commit",
            "begin", "row:t insert(3,'c')", "lastpk:t(3)", "commit",
            "begin", "lastpk:t completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Copy_SeveralTables_NameOrderWithCatchUpOfCopiedTablesOnly()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.c (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.a (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY)",
            "INSERT INTO {db}.a VALUES (1)",
            "INSERT INTO {db}.c VALUES (1)");
        var streamer = new ShardStreamer(CopyHarness.Options(spec))
        {
            // Deterministic concurrency: while b is about to be copied, a (copied) and c (not yet) change.
            BeforeCopyTable = async (table, _) =>
            {
                if (table == "b")
                    await spec.ExecuteAsync("INSERT INTO {db}.a VALUES (2)", "INSERT INTO {db}.c VALUES (2)", "INSERT INTO {db}.b VALUES (7)");
            },
        };

        var events = await CopyHarness.CollectAsync(streamer, CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            "begin", "field:a[id:INT32:int(11):NOT_NULL|PRI_KEY]", "gtid", "row:a insert(1)", "lastpk:a(1)", "commit",
            "begin", "lastpk:a completed", "lastpk:b", "commit",
            // catch-up before b: a's change goes out, c's (not started) and b's (about to be copied) are dropped.
            "begin", "field:a[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:a insert(2)", "gtid", "commit",
            "begin", "gtid", "commit",
            "begin", "gtid", "commit",
            // b's snapshot is where the catch-up ended, and c's is b's (nothing was written in between): no GTID after
            // their FIELDs, as Vitess sends one only when the position moved.
            "begin", "field:b[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:b insert(7)", "lastpk:b(7)", "commit",
            "begin", "lastpk:b completed", "lastpk:c", "commit",
            "begin", "field:c[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:c insert(1)", "row:c insert(2)", "lastpk:c(2)", "commit",
            "begin", "lastpk:c completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(events));
        var gtids = events.Where(e => e.Type == VEventType.Gtid).Select(e => ReplicationPosition.Parse(e.Gtid)).ToList();
        for (var i = 1; i < gtids.Count; i++)
            Assert.True(gtids[i].AtLeast(gtids[i - 1]), $"position went back: {gtids[i - 1]} then {gtids[i]}");
    }

    [ServerFact]
    public async Task Copy_TablesToCopy_CopiesOnlyThoseAndStreamsTheRest()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.x (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.y (id INT PRIMARY KEY)",
            "INSERT INTO {db}.x VALUES (1)",
            "INSERT INTO {db}.y VALUES (1)");
        var streamer = new ShardStreamer(CopyHarness.Options(spec, tablesToCopy: ["y"]));
        var inserted = false;

        var events = await CopyHarness.CollectAsync(streamer, async events =>
        {
            if (CopyHarness.CopyCompleted(events) && !inserted)
            {
                inserted = true;
                await spec.ExecuteAsync("INSERT INTO {db}.x VALUES (2)");
            }
            return events.Count(e => e.Type == VEventType.Commit) == 3;
        });

        Assert.Equal(
        [
            "begin", "field:y[id:INT32:int(11):NOT_NULL|PRI_KEY]", "gtid", "row:y insert(1)", "lastpk:y(1)", "commit",
            "begin", "lastpk:y completed", "commit",
            "copy_completed",
            "begin", "field:x[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:x insert(2)", "gtid", "commit",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Copy_ResumeCompositeKey_CatchUpThenRowsAfterTheLastPk()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.k (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))",
            "INSERT INTO {db}.k VALUES (1, 'A', 1), (1, 'b', 2), (1, 'C', 3), (2, 'a', 4)");
        var first = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, packetSize: 1)),
            events => events.Count(e => e.Type == VEventType.Lastpk) == 2);
        Assert.Equal("lastpk:k(1,'b')", VEventFormatter.ToTestString(first.Last(e => e.Type == VEventType.Lastpk)));
        var gtid = first.Single(e => e.Type == VEventType.Gtid).Gtid;
        var tablePk = first.Last(e => e.Type == VEventType.Lastpk).LastPKEvent.TableLastPK;
        // Changes while disconnected: one to a row already delivered, one to a row not yet copied.
        await spec.ExecuteAsync("UPDATE {db}.k SET v = 20 WHERE a = 1 AND b = 'A'", "UPDATE {db}.k SET v = 30 WHERE a = 1 AND b = 'C'");

        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, gtid, tablePKs: [tablePk])), CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            "begin", "field:k[a:INT32:int(11):NOT_NULL|PRI_KEY,b:VARCHAR:varchar(10):NOT_NULL|PRI_KEY,v:INT32:int(11)]", "row:k update(1,'A',1→1,'A',20)", "gtid", "commit",
            "begin", "row:k update(1,'C',3→1,'C',30)", "gtid", "commit",
            // The catch-up ended at the snapshot's position: no GTID after the FIELD.
            "begin", "field:k[a:INT32:int(11):NOT_NULL|PRI_KEY,b:VARCHAR:varchar(10):NOT_NULL|PRI_KEY,v:INT32:int(11)]",
            "row:k insert(1,'C',30)", "row:k insert(2,'a',4)", "lastpk:k(2,'a')", "commit",
            "begin", "lastpk:k completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(resumed));
    }

    [ServerFact]
    public async Task Copy_ResumeEnumKey_RowsAfterTheLastPkInMemberOrder()
    {
        // Member order (zeta, alpha, mid) differs from text order: MariaDB reads and orders the key by member index.
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.ek (e ENUM('zeta','alpha','mid') NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (e, n))",
            "INSERT INTO {db}.ek VALUES ('mid', 1, 1), ('alpha', 2, 2), ('zeta', 2, 3), ('zeta', 1, 4), ('alpha', 1, 5), ('mid', 2, 6)");
        var first = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, packetSize: 1)),
            events => events.Count(e => e.Type == VEventType.Lastpk) == 3);
        Assert.Equal(["row:ek insert('zeta',1,4)", "row:ek insert('zeta',2,3)", "row:ek insert('alpha',1,5)"],
            StreamSpec.Format(first.Where(e => e.Type == VEventType.Row)));
        Assert.Equal("lastpk:ek('alpha',1)", VEventFormatter.ToTestString(first.Last(e => e.Type == VEventType.Lastpk)));
        var gtid = first.Single(e => e.Type == VEventType.Gtid).Gtid;
        var tablePk = first.Last(e => e.Type == VEventType.Lastpk).LastPKEvent.TableLastPK;

        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, gtid, tablePKs: [tablePk])), CopyHarness.CopyCompleted);

        // Exactly the three rows after ('alpha', 1) in key order: none lost (a text comparison would drop 'alpha' > 'zeta'
        // rows and resend others), none repeated.
        Assert.Equal(["row:ek insert('alpha',2,2)", "row:ek insert('mid',1,1)", "row:ek insert('mid',2,6)"],
            StreamSpec.Format(resumed.Where(e => e.Type == VEventType.Row)));
    }

    [ServerFact]
    public async Task Copy_ResumeFromARandomLastPk_NoRowMissing()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.r (id INT PRIMARY KEY, v INT, s VARCHAR(20))");
        await spec.ExecuteAsync("INSERT INTO {db}.r SELECT seq, seq * 2, CONCAT('s', seq) FROM {db}.seq_1_to_300");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var stopAfter = random.Next(1, 30);
        var first = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, packetSize: 300)),
            events => events.Count(e => e.Type == VEventType.Lastpk) == stopAfter || CopyHarness.CopyCompleted(events));
        var replica = new TableReplica("r");
        replica.Apply(first);
        var lastpk = first.Last(e => e.Type == VEventType.Lastpk).LastPKEvent;
        var gtid = first.Last(e => e.Type == VEventType.Gtid).Gtid;
        await spec.ExecuteAsync(
            "UPDATE {db}.r SET v = -1 WHERE id % 7 = 0",
            "DELETE FROM {db}.r WHERE id % 11 = 0",
            "INSERT INTO {db}.r VALUES (1000, 1, 'new'), (0, 0, 'zero')");
        var end = await spec.PositionAsync();

        var resumeOptions = lastpk.Completed
            ? CopyHarness.Options(spec, gtid)
            : CopyHarness.Options(spec, gtid, tablePKs: [lastpk.TableLastPK], packetSize: 300);
        var resumed = await CopyHarness.CollectAsync(new ShardStreamer(resumeOptions), CopyHarness.ReachedPosition(end));
        replica.Apply(resumed);

        var expected = await CopyHarness.ReadTableAsync(fixture.Server, spec.Database, "r");
        Assert.True(expected.Count > 250, $"seed {seed}");
        Assert.Equal(expected.Keys, replica.Rows.Keys);
        Assert.All(expected, pair => Assert.Equal(pair.Value, replica.Rows[pair.Key]));
    }

    [ServerFact]
    public async Task Copy_100kRowsUnderConcurrentWrites_ReplayEqualsTheTable()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.big (id INT PRIMARY KEY, v INT, s VARCHAR(20))");
        await spec.ExecuteAsync("INSERT INTO {db}.big SELECT seq, seq, CONCAT('row', seq) FROM {db}.seq_1_to_100000");
        using var stopWriter = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            var random = new Random(42);
            while (writes < 3000 && !stopWriter.IsCancellationRequested)
            {
                var id = random.Next(1, 110_000);
                await spec.ExecuteAsync((writes % 3) switch
                {
                    0 => $"INSERT INTO {{db}}.big VALUES ({id}, -{id}, 'ins') ON DUPLICATE KEY UPDATE v = v + 1",
                    1 => $"UPDATE {{db}}.big SET v = v * 3, s = 'upd' WHERE id = {id}",
                    _ => $"DELETE FROM {{db}}.big WHERE id = {id}",
                });
                Interlocked.Increment(ref writes);
            }
        });

        // The copy starts only once the writer is going, so its snapshot falls amid the writes.
        await Eventually.AssertAsync(() => Assert.True(Volatile.Read(ref writes) >= 50), TestDeadline.Default);
        var replica = new TableReplica("big");
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(180));
        var streamer = new ShardStreamer(CopyHarness.Options(spec));
        string? end = null;
        var latest = default(ReplicationPosition);
        var copyRows = 0;
        var copied = false;
        await foreach (var batch in streamer.StreamAsync(deadline.Token))
        {
            replica.Apply([.. batch.Select(e => e.Materialize())]);
            foreach (var gtid in batch.Where(e => e.Type == VEventType.Gtid))
                latest = ReplicationPosition.Parse(gtid.Gtid);
            copyRows += copied ? 0 : batch.Count(e => e.Type == VEventType.Row);
            if (!copied && batch.Any(e => e.Type == VEventType.CopyCompleted))
            {
                copied = true;
                await stopWriter.CancelAsync();
                await writer;
                end = await spec.PositionAsync();
            }
            if (end is not null && latest.AtLeast(ReplicationPosition.Parse(end)))
                break;
        }

        var expected = await CopyHarness.ReadTableAsync(fixture.Server, spec.Database, "big");
        Assert.True(writes > 0);
        Assert.True(copyRows >= 90_000, $"copy rows {copyRows}");
        Assert.Equal(expected.Count, replica.Rows.Count);
        Assert.All(expected, pair => Assert.Equal(pair.Value, replica.Rows[pair.Key]));
    }

    // MariaDB reports the first NOT NULL unique key of a table without primary key as its primary key (COLUMN_KEY PRI).
    [ServerFact]
    public async Task Copy_TableWithUniqueKeyButNoPrimaryKey_CopiedInUniqueKeyOrder()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.u (id INT NULL, code VARCHAR(5) NOT NULL, UNIQUE KEY by_id (id), UNIQUE KEY by_code (code))",
            "INSERT INTO {db}.u VALUES (1, 'z'), (NULL, 'a')");

        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec)), CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            "begin", "field:u[id:INT32:int(11):UNIQUE_KEY,code:VARCHAR:varchar(5):NOT_NULL|PRI_KEY]", "gtid",
            "row:u insert(NULL,'a')", "row:u insert(1,'z')", "lastpk:u('z')", "commit",
            "begin", "lastpk:u completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Copy_RuleNamingAMissingTable_InvalidArgument()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY)");
        var filter = new Filter { Rules = { new Rule { Match = "missing", Filter = "select * from missing" } } };

        var error = await Assert.ThrowsAsync<VStreamException>(() =>
            CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, filter: filter)), CopyHarness.CopyCompleted));

        AssertVStream.Code(Vtrpc.Code.InvalidArgument, error);
        Assert.Contains("table missing is not present in the database", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Copy_UserWithoutSelectOnTheDatabase_FailedPreconditionNamingTheGrant()
    {
        // A user with the replication privileges only: information_schema shows it none of the database's tables, which
        // once made the copy of every table silently empty.
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY)", "INSERT INTO {db}.t VALUES (1)");
        var user = "nosel_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'; GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '{user}'@'%'");
        var options = CopyHarness.Options(spec);
        var withoutSelect = new ShardStreamerOptions
        {
            Keyspace = options.Keyspace,
            Shard = options.Shard,
            Source = MySqlConnectionOptions.Parse($"mysql://{user}:pw@{MariaDbServer.Host}:{fixture.Server.Port}"),
            Database = options.Database,
            Position = options.Position,
        };

        var error = await Assert.ThrowsAsync<VStreamException>(() =>
            CopyHarness.CollectAsync(new ShardStreamer(withoutSelect), CopyHarness.CopyCompleted));

        AssertVStream.Code(Vtrpc.Code.FailedPrecondition, error);
        Assert.Contains($"database {spec.Database} is not visible to the source user", error.Message, StringComparison.Ordinal);
        Assert.Contains("GRANT SELECT ON", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Copy_LastPkWithoutFields_InvalidArgument()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY)");
        var gtid = await spec.PositionAsync();
        var tablePk = new TableLastPK { TableName = "t", Lastpk = new Query.QueryResult { Rows = { new Query.Row() } } };

        var error = await Assert.ThrowsAsync<VStreamException>(() =>
            CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, gtid, tablePKs: [tablePk])), CopyHarness.CopyCompleted));

        AssertVStream.Code(Vtrpc.Code.InvalidArgument, error);
        Assert.Contains("lastpk for table t has no fields defined", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task MariaDbSnapshot_AmidConcurrentCommits_SeesExactlyTheTransactionsOfItsPosition()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.w (id INT AUTO_INCREMENT PRIMARY KEY)");
        var start = await spec.PositionAsync();
        using var stopWriter = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            while (writes < 5000 && !stopWriter.IsCancellationRequested)
            {
                await spec.ExecuteAsync("INSERT INTO {db}.w VALUES ()");
                Interlocked.Increment(ref writes);
            }
        });
        await Eventually.AssertAsync(() => Assert.True(Volatile.Read(ref writes) >= 20), TestDeadline.Default);

        var source = spec.Options("current").Source;
        var snapshots = new List<(ReplicationPosition Position, long Rows)>();
        await using (var connection = await MySql.Protocol.MySqlProtocolConnection.ConnectAsync(source))
        {
            await connection.ExecuteAsync("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            // Snapshot repeatedly until they have landed between at least three different commits (bounded).
            for (var i = 0; i < 500 && snapshots.Select(s => s.Rows).Distinct().Count() < 3; i++)
            {
                var position = await new VStreamer.CopyPhase.MariaDbCopySnapshot().BeginAsync(connection, source, spec.Database, "w", CancellationToken.None);
                var rows = await connection.QueryAsync($"SELECT COUNT(*) FROM `{spec.Database}`.w");
                await VStreamer.CopyPhase.CopySnapshot.EndAsync(connection, CancellationToken.None);
                snapshots.Add((position, long.Parse(rows[0][0]!, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        await stopWriter.CancelAsync();
        await writer;

        // Replay the binlog from the start: at the transaction that brings the position to each snapshot's, exactly
        // the rows the snapshot saw must have been inserted.
        var last = snapshots[^1].Position;
        var streamed = await CopyHarness.CollectAsync(
            new ShardStreamer(spec.Options(start, new Filter { Rules = { new Rule { Match = "w", Filter = "select * from w" } } })),
            batch => batch.Any(e => e.Type == VEventType.Gtid && ReplicationPosition.Parse(e.Gtid).AtLeast(last)));
        var inserted = 0L;
        var checkedSnapshots = 0;
        foreach (var vevent in streamed)
        {
            if (vevent.Type == VEventType.Row)
                inserted += vevent.RowEvent.RowChanges.Count;
            if (vevent.Type != VEventType.Gtid)
                continue;
            var position = ReplicationPosition.Parse(vevent.Gtid);
            foreach (var snapshot in snapshots.Where(s => s.Position == position))
            {
                Assert.Equal(snapshot.Rows, inserted);
                checkedSnapshots++;
            }
        }
        Assert.Equal(snapshots.Count, checkedSnapshots);
        Assert.True(snapshots.Select(s => s.Rows).Distinct().Count() >= 3, "the snapshots should fall between different commits");
    }

    private static List<byte[]> Split(Query.Row row)
    {
        var values = new List<byte[]>();
        var offset = 0;
        foreach (var length in row.Lengths)
        {
            values.Add(length < 0 ? [] : row.Values.Span.Slice(offset, (int)length).ToArray());
            offset += (int)Math.Max(length, 0);
        }
        return values;
    }

    private static string Text(byte[] value) => System.Text.Encoding.UTF8.GetString(value);
}
