using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests;

/// <summary>
/// XA transactions in one shard's stream on a real MariaDB. The server writes an XA transaction's rows in the group
/// that ends with XA PREPARE and its XA COMMIT / XA ROLLBACK as a later group of its own; clients must get the rows once,
/// at the commit, and never the rows of a transaction rolled back after PREPARE.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ShardStreamerXaTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const string Field = "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY,v:VARCHAR:varchar(10)]";

    [ServerFact]
    public async Task Stream_XaCommitAfterPrepare_RowsOnceAtTheCommit()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("XA START 'c1'; INSERT INTO {db}.t VALUES (1, 'xa'), (2, 'xa'); XA END 'c1'; XA PREPARE 'c1'");
        await spec.ExecuteAsync("INSERT INTO {db}.t VALUES (10, 'between')");
        var beforeCommit = await spec.PositionAsync();
        await spec.ExecuteAsync("XA COMMIT 'c1'");

        var events = await spec.StreamAsync(start, transactionEnds: 3);

        Assert.Equal(
        [
            // The prepare: its position moves, nothing is committed yet.
            "begin", "gtid", "commit",
            "begin", Field, "row:t insert(10,'between')", "gtid", "commit",
            // The commit: the prepared rows, read again from the binlog.
            "begin", Field, "row:t insert(1,'xa'); insert(2,'xa')", "gtid", "commit",
        ], StreamSpec.Format(events));
        var gtids = events.Where(e => e.Type == VEventType.Gtid).Select(e => e.Gtid).ToList();
        Assert.Equal(beforeCommit, gtids[1]);
        Assert.Equal(await spec.PositionAsync(), gtids[2]);
    }

    [ServerFact]
    public async Task Stream_XaRollbackAfterPrepare_NoRowsEver()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("XA START 'r1'; INSERT INTO {db}.t VALUES (1, 'gone'); XA END 'r1'; XA PREPARE 'r1'");
        await spec.ExecuteAsync("XA ROLLBACK 'r1'");
        await spec.ExecuteAsync("INSERT INTO {db}.t VALUES (2, 'kept')");

        var events = await spec.StreamAsync(start, transactionEnds: 3);

        Assert.Equal(
        [
            "begin", "gtid", "commit",
            "begin", "gtid", "commit",
            "begin", Field, "row:t insert(2,'kept')", "gtid", "commit",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_XaCommitOnePhase_AnOrdinaryTransaction()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("XA START 'o1'; INSERT INTO {db}.t VALUES (1, 'one'); XA END 'o1'; XA COMMIT 'o1' ONE PHASE");

        var events = await spec.StreamAsync(start, transactionEnds: 1);

        Assert.Equal(["begin", Field, "row:t insert(1,'one')", "gtid", "commit"], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_ResumedBetweenPrepareAndCommit_RowsFoundInTheBinlogAtTheCommit()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        await spec.ExecuteAsync("XA START 'late'; INSERT INTO {db}.t VALUES (5, 'late'); XA END 'late'; XA PREPARE 'late'");
        // A client that saved this position has seen the prepare (no rows) and must get the rows at the commit.
        var afterPrepare = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.t VALUES (6, 'between')");
        await spec.ExecuteAsync("XA COMMIT 'late'");

        var events = await spec.StreamAsync(afterPrepare, transactionEnds: 2);

        Assert.Equal(
        [
            "begin", Field, "row:t insert(6,'between')", "gtid", "commit",
            "begin", Field, "row:t insert(5,'late')", "gtid", "commit",
        ], StreamSpec.Format(events));
    }
}
