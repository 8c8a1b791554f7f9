using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// A copy resumed from a position and table_p_ks copies the tables it had not started yet: they sort after the last
/// listed table (tables are copied in name order; VTGate drops completed ones from the list). Before, only the listed
/// tables were copied and the rest were silently lost.
/// </summary>
public sealed class CopyResumeTablesNotStartedTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [ServerFact]
    public async Task Copy_ResumedInTheFirstTable_CopiesTheTablesNotStartedFromScratch()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.c (id INT PRIMARY KEY)",
            "INSERT INTO {db}.a VALUES (1), (2), (3)",
            "INSERT INTO {db}.b VALUES (10), (20)",
            "INSERT INTO {db}.c VALUES (100)");
        var first = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, packetSize: 1)),
            events => events.Any(e => e.Type == VEventType.Lastpk));
        var gtid = first.Single(e => e.Type == VEventType.Gtid).Gtid;
        var tablePk = first.Single(e => e.Type == VEventType.Lastpk).LastPKEvent.TableLastPK;
        Assert.Equal("a", tablePk.TableName);

        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, gtid, tablePKs: [tablePk])), CopyHarness.CopyCompleted);

        var rows = StreamSpec.Format(resumed).Where(e => e.StartsWith("row:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["row:a insert(2)", "row:a insert(3)", "row:b insert(10)", "row:b insert(20)", "row:c insert(100)"], rows);
    }

    [ServerFact]
    public async Task Copy_DoneGroupOfATableThatIsNotTheLast_NamesTheNextTableAndResumingThereCopiesTheRest()
    {
        // VTGate drops a completed table from table_p_ks, and a position without table_p_ks resumes as "streaming only":
        // so the done group of a table that is not the last names the next one (without lastpk), and a VGTID taken
        // there resumes the copy with it.
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.c (id INT PRIMARY KEY)",
            "INSERT INTO {db}.a VALUES (1), (2)",
            "INSERT INTO {db}.b VALUES (10)",
            "INSERT INTO {db}.c VALUES (100)");
        var first = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec)),
            events => events.Any(e => e.Type == VEventType.Lastpk && e.LastPKEvent.Completed));
        var formatted = StreamSpec.Format(first);
        Assert.Equal(["begin", "lastpk:a completed", "lastpk:b", "commit"], formatted.TakeLast(4));
        var gtid = first.Single(e => e.Type == VEventType.Gtid).Gtid;
        var announced = first.Last(e => e.Type == VEventType.Lastpk).LastPKEvent.TableLastPK;
        Assert.Null(announced.Lastpk);

        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, gtid, tablePKs: [announced])), CopyHarness.CopyCompleted);

        var rows = StreamSpec.Format(resumed).Where(e => e.StartsWith("row:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["row:b insert(10)", "row:c insert(100)"], rows);
        // The last table's done group names no other table: its VGTID ends the copy with an empty table_p_ks.
        Assert.Equal(["begin", "lastpk:c completed", "commit", "copy_completed"], StreamSpec.Format(resumed).TakeLast(4));
    }
}
