using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.CopyPhase;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.Filtering;

/// <summary>
/// Vitess internal tables (Online DDL shadow tables, table GC tables; <see cref="VGate.VStreamer.Filtering.InternalTableNames"/>)
/// on a real MariaDB: their rows never reach a stream, even under a rule that matches every table, and the copy phase
/// leaves them out. DDL on them is streamed, as Vitess's mustSendDDL does not look at the name.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InternalTableStreamTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static readonly string[] InternalTables =
    [
        "_vt_hld_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_",
        "_vt_HOLD_6ace8bcef73211ea87e9f875a4d24e90_20200915120410",
        "_4e5dcf80_354b_11eb_82cd_f875a4d24e90_20201203114014_gho",
        "_84371a37_6153_11eb_9917_f875a4d24e90_20210128122816_vrepl",
        "_t_old",
    ];

    private static string[] Setup() =>
    [
        "CREATE TABLE {db}.t (id INT PRIMARY KEY)",
        .. InternalTables.Select(name => $"CREATE TABLE {{db}}.`{name}` (id INT PRIMARY KEY)"),
        .. InternalTables.Select(name => $"INSERT INTO {{db}}.`{name}` VALUES (7)"),
    ];

    [ServerFact]
    public async Task Stream_RuleMatchingEveryTable_InternalTablesGetNoFieldOrRowButTheirDdl()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Setup());
        var position = await spec.PositionAsync();
        // One transaction: each ExecuteAsync is its own connection, so the statements go in one call.
        var inserts = string.Join(" ", InternalTables.Select(name => $"INSERT INTO {{db}}.`{name}` VALUES (1);"));
        await spec.ExecuteAsync(
            $"START TRANSACTION; {inserts} INSERT INTO {{db}}.t VALUES (1); COMMIT",
            "CREATE TABLE {db}._vt_evc_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_ (id INT PRIMARY KEY)");

        var events = await spec.StreamAsync(position, 2, new Filter { Rules = { new Rule { Match = "/.*" } } });

        Assert.Equal(
        [
            "begin", "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY]", "row:t insert(1)", "gtid", "commit",
            "gtid", $"ddl:CREATE TABLE {spec.Database}._vt_evc_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_ (id INT PRIMARY KEY)",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Copy_AllTables_InternalTablesAreNotCopied()
    {
        var spec = await StreamSpec.CreateAsync(fixture, [.. Setup(), "INSERT INTO {db}.t VALUES (1)"]);

        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec)), CopyHarness.CopyCompleted);

        Assert.Equal(
        [
            "begin", "field:t[id:INT32:int(11):NOT_NULL|PRI_KEY]", "gtid", "row:t insert(1)", "lastpk:t(1)", "commit",
            "begin", "lastpk:t completed", "commit",
            "copy_completed",
        ], StreamSpec.Format(events));
        Assert.DoesNotContain(events, e => e.Type == VEventType.Row && e.RowEvent.TableName != "t");
    }
}
