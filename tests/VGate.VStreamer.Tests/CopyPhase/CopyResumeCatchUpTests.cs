using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// What a copy resumed mid-table (position + table_p_ks) sends during its catch-up, against a real MariaDB. Vitess's
/// uvstreamer (shouldSendEventForTable / isRowCopied, which returns true) sends every change of a table whose copy is in
/// progress, including changes of rows after its lastpk that the copy then sends again: VStream promises at-least-once
/// delivery, and a client applying changes idempotently by key ends with the table. VGate does the same.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CopyResumeCatchUpTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [ServerFact]
    public async Task Copy_ResumedMidTable_CatchUpSendsEveryChangeOfTheTableAndTheReplayEqualsTheTable()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.cr (id INT PRIMARY KEY, v VARCHAR(10))",
            "INSERT INTO {db}.cr VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f')");
        // PacketSize 1: one row per batch; stop after the third, so the client has rows 1–3 and lastpk (3).
        var first = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, packetSize: 1)),
            events => events.Count(e => e.Type == VEventType.Lastpk) == 3);
        Assert.Equal(["row:cr insert(1,'a')", "row:cr insert(2,'b')", "row:cr insert(3,'c')"],
            StreamSpec.Format(first.Where(e => e.Type == VEventType.Row)));
        Assert.Equal("lastpk:cr(3)", VEventFormatter.ToTestString(first.Last(e => e.Type == VEventType.Lastpk)));
        var replica = new TableReplica("cr");
        replica.Apply(first);
        var gtid = first.Single(e => e.Type == VEventType.Gtid).Gtid;
        var tablePk = first.Last(e => e.Type == VEventType.Lastpk).LastPKEvent.TableLastPK;

        // While the client is away: an insert, an update and a delete after the lastpk, an update at or before it, and
        // an update moving a row from before the lastpk to after it.
        await spec.ExecuteAsync(
            "INSERT INTO {db}.cr VALUES (20, 'new')",
            "UPDATE {db}.cr SET v = 'E' WHERE id = 5",
            "DELETE FROM {db}.cr WHERE id = 6",
            "UPDATE {db}.cr SET v = 'B' WHERE id = 2",
            "UPDATE {db}.cr SET id = 15 WHERE id = 1");
        var end = await spec.PositionAsync();

        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, gtid, tablePKs: [tablePk], packetSize: 1)), CopyHarness.ReachedPosition(end));

        Assert.Equal(
        [
            // The catch-up: every change of the table, as Vitess sends it (rows after the lastpk included).
            "row:cr insert(20,'new')",
            "row:cr update(5,'e'→5,'E')",
            "row:cr delete(6,'f')",
            "row:cr update(2,'b'→2,'B')",
            "row:cr update(1,'a'→15,'a')",
            // The copy of the rows after (3) at the snapshot: 15 and 20 a second time, 5 with its new value.
            "row:cr insert(4,'d')",
            "row:cr insert(5,'E')",
            "row:cr insert(15,'a')",
            "row:cr insert(20,'new')",
        ], StreamSpec.Format(resumed.Where(e => e.Type == VEventType.Row)));

        // At-least-once: applied idempotently by key, the client holds exactly the table.
        replica.Apply(resumed);
        var expected = await CopyHarness.ReadTableAsync(fixture.Server, spec.Database, "cr");
        Assert.Equal(expected.Keys, replica.Rows.Keys);
        Assert.All(expected, pair => Assert.Equal(pair.Value, replica.Rows[pair.Key]));
    }
}
