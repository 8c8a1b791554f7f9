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
    public async Task Copy_ResumedWithACompletedTableAsPlaceholder_RereadsItAfterItsLastKeyAndCopiesTheRest()
    {
        // The gateway keeps a completed table listed (its final lastpk) while the shard's copy goes on, so a VGTID taken
        // between two tables still means "copying": the resume reads that table after its last key, then the others.
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY)",
            "INSERT INTO {db}.a VALUES (1), (2)",
            "INSERT INTO {db}.b VALUES (10)");
        var first = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec)),
            events => events.Any(e => e.Type == VEventType.Lastpk && e.LastPKEvent.Completed));
        var gtid = first.Single(e => e.Type == VEventType.Gtid).Gtid;
        var finalPk = first.Last(e => e.Type == VEventType.Lastpk && !e.LastPKEvent.Completed).LastPKEvent.TableLastPK;
        await spec.ExecuteAsync("INSERT INTO {db}.a VALUES (3)");

        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, gtid, tablePKs: [finalPk])), CopyHarness.CopyCompleted);

        var rows = StreamSpec.Format(resumed).Where(e => e.StartsWith("row:", StringComparison.Ordinal)).ToList();
        // Row 3 arrives twice at most (catch-up and the re-read); b arrives once, whole.
        Assert.Contains("row:a insert(3)", rows);
        Assert.DoesNotContain(rows, r => r is "row:a insert(1)" or "row:a insert(2)");
        Assert.Equal(["row:b insert(10)"], rows.Where(r => r.StartsWith("row:b", StringComparison.Ordinal)));
    }

    [ServerFact]
    public async Task Copy_ResumedWithAPlaceholderWithoutLastPk_CopiesThatTableAndTheRest()
    {
        // An empty first table has no lastpk: its placeholder has none, and resuming copies it (empty) and every later table.
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.a (id INT PRIMARY KEY)",
            "CREATE TABLE {db}.b (id INT PRIMARY KEY)",
            "INSERT INTO {db}.b VALUES (10), (20)");
        var position = await spec.PositionAsync();

        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, position, tablePKs: [new TableLastPK { TableName = "a" }])),
            CopyHarness.CopyCompleted);

        var rows = StreamSpec.Format(resumed).Where(e => e.StartsWith("row:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["row:b insert(10)", "row:b insert(20)"], rows);
    }
}
