using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// XA transactions around the copy phase on a real MariaDB: a transaction prepared before the copy (its rows are not in
/// any snapshot) and committed between two tables' snapshots or after the copy reaches the client exactly once.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CopyPhaseXaTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [ServerFact]
    public async Task Copy_XaPreparedBeforeCommittedBetweenTables_EachRowOnce()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY)",
            "INSERT INTO {db}.a VALUES (1)",
            "INSERT INTO {db}.b VALUES (1)");
        await spec.ExecuteAsync("XA START 'cp'; INSERT INTO {db}.a VALUES (2); INSERT INTO {db}.b VALUES (2); XA END 'cp'; XA PREPARE 'cp'");
        var streamer = new ShardStreamer(CopyHarness.Options(spec, tablesToCopy: ["a", "b"]))
        {
            BeforeCopyTable = async (table, _) =>
            {
                if (table == "b")
                    await spec.ExecuteAsync("XA COMMIT 'cp'");
            },
        };

        var events = await CopyHarness.CollectAsync(streamer, CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            // a's snapshot: the prepared row 2 is not committed yet.
            "begin", "field:a[id:INT32:int(11):NOT_NULL|PRI_KEY]", "gtid", "row:a insert(1)", "lastpk:a(1)", "commit",
            "begin", "lastpk:a completed", "lastpk:b", "commit",
            // catch-up to b's snapshot: the commit brings a's prepared row (b is not copied yet, so its row waits for b's snapshot).
            "begin", "field:a[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:a insert(2)", "gtid", "commit",
            // No GTID after b's FIELD: the catch-up ended at b's snapshot, already reported.
            "begin", "field:b[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:b insert(1)", "row:b insert(2)", "lastpk:b(2)", "commit",
            "begin", "lastpk:b completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Copy_XaPreparedBeforeCommittedAfterTheCopy_RowsAtTheCommit()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY)", "INSERT INTO {db}.t VALUES (1)");
        await spec.ExecuteAsync("XA START 'late'; INSERT INTO {db}.t VALUES (2); XA END 'late'; XA PREPARE 'late'");
        var streamer = new ShardStreamer(CopyHarness.Options(spec));
        var committed = false;

        var events = await CopyHarness.CollectAsync(streamer, async events =>
        {
            if (CopyHarness.CopyCompleted(events) && !committed)
            {
                committed = true;
                await spec.ExecuteAsync("XA COMMIT 'late'");
            }
            return events.Count(e => e.Type == VEventType.Commit) == 3;
        });

        Assert.Equal(
        [
            "begin", "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY]", "gtid", "row:t insert(1)", "lastpk:t(1)", "commit",
            "begin", "lastpk:t completed", "commit",
            "copy_completed",
            // The prepare happened before the copy's position: the commit finds its rows in the binlog.
            "begin", "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:t insert(2)", "gtid", "commit",
        ], StreamSpec.Format(events));
    }
}
