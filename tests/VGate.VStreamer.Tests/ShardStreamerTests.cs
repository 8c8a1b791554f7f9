using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests;

/// <summary>
/// Golden event sequences of one shard's stream against a real MariaDB: statements in, compact VEvent strings out
/// (see <see cref="StreamSpec"/> for how the framework works).
/// </summary>
[Trait("Category", "Integration")]
public sealed class ShardStreamerTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [ServerFact]
    public async Task Stream_InsertUpdateDelete_BeginFieldRowGtidCommit()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t1 (id INT PRIMARY KEY, name VARCHAR(20))");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync(
            "INSERT INTO {db}.t1 VALUES (1, 'a'), (2, NULL)",
            "UPDATE {db}.t1 SET name = 'b' WHERE id = 1",
            "DELETE FROM {db}.t1 WHERE id = 2");

        var events = await spec.StreamAsync(start, transactionEnds: 3);

        Assert.Equal(
        [
            "begin",
            "field:t1[id:INT32:int(11):NOT_NULL|PRI_KEY,name:VARCHAR:varchar(20)]",
            "row:t1 insert(1,'a'); insert(2,NULL)",
            "gtid",
            "commit",
            "begin",
            "row:t1 update(1,'a'→1,'b')",
            "gtid",
            "commit",
            "begin",
            "row:t1 delete(2,NULL)",
            "gtid",
            "commit",
        ], StreamSpec.Format(events));
        Assert.All(events, e =>
        {
            Assert.Equal("ks", e.Keyspace);
            Assert.Equal("0", e.Shard);
            Assert.NotEqual(0, e.CurrentTime);
        });
        Assert.All(events.Where(e => e.Type != VEventType.Field), e => Assert.NotEqual(0, e.Timestamp));
        Assert.Equal(start.Split('/')[0], events.First(e => e.Type == VEventType.Gtid).Gtid.Split('/')[0]);
        Assert.Equal(await spec.PositionAsync(), events.Last(e => e.Type == VEventType.Gtid).Gtid);
    }

    [ServerFact]
    public async Task Stream_EnumMembersInLatin1AndUcs2_DecodedInTheColumnsCharacterSet()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.e (id INT PRIMARY KEY, l ENUM('a','cçc') CHARACTER SET latin1, u ENUM('a','bb') CHARACTER SET ucs2, " +
            "s SET('x','ÿ') CHARACTER SET latin1)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.e VALUES (1, 'cçc', 'bb', 'x,ÿ')");

        var events = await spec.StreamAsync(start, transactionEnds: 1);

        var field = events.Single(e => e.Type == VEventType.Field).FieldEvent;
        Assert.Equal(["int(11)", "enum('a','cçc')", "enum('a','bb')", "set('x','ÿ')"], field.Fields.Select(f => f.ColumnType));
        Assert.Equal("row:e insert(1,'cçc','bb','x,ÿ')", StreamSpec.Format(events).Single(e => e.StartsWith("row:", StringComparison.Ordinal)));
    }

    [ServerFact]
    public async Task Stream_MultiTableTransaction_OneBeginOneFieldPerTableOneCommit()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY, v DECIMAL(5,2))");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("START TRANSACTION; INSERT INTO {db}.a VALUES (1); INSERT INTO {db}.b VALUES (1, 2.5); INSERT INTO {db}.a VALUES (2); COMMIT");

        var events = await spec.StreamAsync(start, transactionEnds: 1);

        Assert.Equal(
        [
            "begin",
            "field:a[id:INT32:int(11):NOT_NULL|PRI_KEY]",
            "row:a insert(1)",
            "field:b[id:INT32:int(11):NOT_NULL|PRI_KEY,v:DECIMAL:decimal(5,2)]",
            "row:b insert(1,'2.50')",
            "row:a insert(2)",
            "gtid",
            "commit",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_DdlMidStream_SendsDdlAndNewFieldBeforeTheNextRow()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY, a INT)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync(
            "INSERT INTO {db}.t VALUES (1, 10)",
            "ALTER TABLE {db}.t ADD COLUMN b VARCHAR(5)",
            "INSERT INTO {db}.t VALUES (2, 20, 'x')",
            "ALTER TABLE {db}.t DROP COLUMN a",
            "INSERT INTO {db}.t VALUES (3, 'y')",
            "ALTER TABLE {db}.t RENAME COLUMN b TO c",
            "UPDATE {db}.t SET c = 'z' WHERE id = 3");

        var events = await spec.StreamAsync(start, transactionEnds: 7);
        var text = StreamSpec.Format(events);

        Assert.Equal(
        [
            "begin", "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY,a:INT32:int(11)]", "row:t insert(1,10)", "gtid", "commit",
            "gtid", $"ddl:ALTER TABLE {spec.Database}.t ADD COLUMN b VARCHAR(5)",
            "begin", "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY,a:INT32:int(11),b:VARCHAR:varchar(5)]", "row:t insert(2,20,'x')", "gtid", "commit",
            "gtid", $"ddl:ALTER TABLE {spec.Database}.t DROP COLUMN a",
            "begin", "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY,b:VARCHAR:varchar(5)]", "row:t insert(3,'y')", "gtid", "commit",
            "gtid", $"ddl:ALTER TABLE {spec.Database}.t RENAME COLUMN b TO c",
            "begin", "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY,c:VARCHAR:varchar(5)]", "row:t update(3,'y'→3,'z')", "gtid", "commit",
        ], text);
    }

    [ServerFact]
    public async Task Stream_OldPositionAfterAlter_FieldsDescribeTheRowsAsWritten()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.h (id INT PRIMARY KEY, v VARCHAR(10))");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.h VALUES (1, 'old')");
        // The table changes after the row was written; a stream reading the old position must still describe it as it was.
        await spec.ExecuteAsync("ALTER TABLE {db}.h MODIFY v VARCHAR(30), ADD COLUMN w INT");

        var events = await spec.StreamAsync(start, transactionEnds: 1);

        Assert.Equal(["begin", "field:h[id:INT32:int(11):NOT_NULL|PRI_KEY,v:VARCHAR:varchar(10)]", "row:h insert(1,'old')", "gtid", "commit"],
            StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_FilteredTables_OnlyMatchingRowsButEveryTransactionMovesThePosition()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.keep (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.skip (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.kept_too (id INT PRIMARY KEY)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync(
            "INSERT INTO {db}.skip VALUES (1)",
            "INSERT INTO {db}.keep VALUES (1)",
            "INSERT INTO {db}.kept_too VALUES (1)",
            "ALTER TABLE {db}.skip ADD COLUMN x INT",
            "ALTER TABLE {db}.keep ADD COLUMN x INT");
        var filter = new Filter { Rules = { new Rule { Match = "keep", Filter = "select * from keep" }, new Rule { Match = "/^kept" } } };

        var events = await spec.StreamAsync(start, transactionEnds: 5, filter);

        Assert.Equal(
        [
            "begin", "gtid", "commit",
            "begin", "field:keep[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:keep insert(1)", "gtid", "commit",
            "begin", "field:kept_too[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:kept_too insert(1)", "gtid", "commit",
            "gtid", "other",
            "gtid", $"ddl:ALTER TABLE {spec.Database}.keep ADD COLUMN x INT",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_FromCurrent_StartsWithGtidAndOtherThenOnlyNewChanges()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.c (id INT PRIMARY KEY)");
        await spec.ExecuteAsync("INSERT INTO {db}.c VALUES (1)");
        using var deadline = TestDeadline.CreateTokenSource();
        var streamer = new ShardStreamer(spec.Options("current"));
        var seen = new List<VEvent>();
        var inserted = false;

        await foreach (var batch in streamer.StreamAsync(deadline.Token))
        {
            seen.AddRange(batch.Where(e => e.Type != VEventType.Heartbeat).Select(e => e.Materialize()));
            if (!inserted)
            {
                inserted = true;
                await spec.ExecuteAsync("INSERT INTO {db}.c VALUES (2)");
            }
            if (seen.Any(e => e.Type == VEventType.Commit))
                break;
        }

        Assert.Equal(["gtid", "other", "begin", "field:c[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:c insert(2)", "gtid", "commit"],
            StreamSpec.Format(seen));
    }

    [ServerFact]
    public async Task Stream_Idle_SendsHeartbeats()
    {
        var spec = await StreamSpec.CreateAsync(fixture);
        using var deadline = TestDeadline.CreateTokenSource();
        var streamer = new ShardStreamer(spec.Options("current"));

        var heartbeats = 0;
        await foreach (var batch in streamer.StreamAsync(deadline.Token))
        {
            heartbeats += batch.Count(e => e.Type == VEventType.Heartbeat);
            if (heartbeats >= 2)
                break;
        }

        Assert.Equal(2, heartbeats);
    }

    [ServerFact]
    public async Task Stream_BadPosition_InvalidArgumentNamingIt()
    {
        var spec = await StreamSpec.CreateAsync(fixture);

        var error = await Assert.ThrowsAsync<VStreamException>(() => spec.StreamAsync("MariaDB/not-a-gtid", 1));

        AssertVStream.Code(Vtrpc.Code.InvalidArgument, error);
        Assert.Contains("not-a-gtid", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Stream_PositionOfAnotherFlavor_InvalidArgument()
    {
        var spec = await StreamSpec.CreateAsync(fixture);

        var error = await Assert.ThrowsAsync<VStreamException>(() => spec.StreamAsync("MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", 1));

        AssertVStream.Code(Vtrpc.Code.InvalidArgument, error);
    }
}
