using VGate.MySql.Binlog;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// Transaction boundaries in the replication client against a real MariaDB: every form the server writes (savepoints,
/// CREATE … SELECT, ROLLBACK with MyISAM, statement-format DML, XA) moves the position only at the end of its group, and
/// resuming from any reported position yields exactly the groups after it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BinlogClientTransactionTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private MariaDbServer Server => fixture.Server;

    /// <summary>One statement per call, each one or more event groups (the same forms as tests/TestData/mariadb/mariadb-10.11-txn.000004).</summary>
    private static readonly string[] Workload =
    [
        "CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
        "CREATE TABLE {db}.m (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=MyISAM",
        "BEGIN; INSERT INTO {db}.t VALUES (1,'a'); SAVEPOINT s1; INSERT INTO {db}.t VALUES (2,'rb'); ROLLBACK TO SAVEPOINT s1; INSERT INTO {db}.t VALUES (3,'c'); RELEASE SAVEPOINT s1; COMMIT",
        "BEGIN; INSERT INTO {db}.t VALUES (42,'kept'); SAVEPOINT a; INSERT INTO {db}.m VALUES (2,'myisam'); INSERT INTO {db}.t VALUES (43,'rb'); ROLLBACK TO a; RELEASE SAVEPOINT a; COMMIT",
        "BEGIN; INSERT INTO {db}.t VALUES (50,'kept'); SAVEPOINT a; INSERT INTO {db}.t VALUES (51,'rb'); SAVEPOINT b; INSERT INTO {db}.m VALUES (3,'myisam'); INSERT INTO {db}.t VALUES (52,'rb'); ROLLBACK TO b; INSERT INTO {db}.t VALUES (53,'rb'); ROLLBACK TO a; INSERT INTO {db}.t VALUES (54,'kept'); COMMIT",
        "CREATE TABLE {db}.c2 ENGINE=InnoDB SELECT * FROM {db}.t",
        "BEGIN; INSERT INTO {db}.t VALUES (60,'rb'); INSERT INTO {db}.m VALUES (5,'myisam'); ROLLBACK",
        "SET SESSION binlog_format=STATEMENT; INSERT INTO {db}.t VALUES (70,'sbr'); BEGIN; UPDATE {db}.t SET v='upd' WHERE id=70; DELETE FROM {db}.t WHERE id=1; COMMIT; SET SESSION binlog_format=ROW",
        "XA START '{xid}1'; INSERT INTO {db}.t VALUES (80,'xa'); XA END '{xid}1'; XA PREPARE '{xid}1'; XA COMMIT '{xid}1'",
        "XA START '{xid}2'; INSERT INTO {db}.t VALUES (81,'xa rb'); XA END '{xid}2'; XA PREPARE '{xid}2'; XA ROLLBACK '{xid}2'",
        "XA START '{xid}3'; INSERT INTO {db}.t VALUES (82,'xa 1p'); XA END '{xid}3'; XA COMMIT '{xid}3' ONE PHASE",
        "INSERT INTO {db}.t VALUES (90,'last')",
    ];

    private async Task<(BinlogStartPosition Start, List<CapturedEvent> Events)> RunWorkloadAsync()
    {
        var db = await fixture.CreateDatabaseAsync();
        var xid = "x" + Guid.NewGuid().ToString("N")[..8];
        var start = BinlogStartPosition.Parse("MariaDB/" + await Server.GetGtidBinlogPosAsync());
        foreach (var statement in Workload)
            await Server.ExecuteAsync(statement.Replace("{db}", db, StringComparison.Ordinal).Replace("{xid}", xid, StringComparison.Ordinal));
        return (start, await BinlogCapture.ReadToEndAsync(Server, start));
    }

    [ServerFact]
    public async Task ReadEvents_EveryTransactionForm_PositionOnlyAtGroupEnds()
    {
        var (_, events) = await RunWorkloadAsync();
        var end = "MariaDB/" + await Server.GetGtidBinlogPosAsync();

        // Each GTID's group reports exactly one position, on its last event; the next event is the next GTID.
        var groups = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Type == EventType.MariaDbGtid)
            {
                groups++;
                var last = i + 1;
                while (last + 1 < events.Count && events[last + 1].Type != EventType.MariaDbGtid)
                    last++;
                var withPosition = Enumerable.Range(i, last - i + 1).Where(k => events[k].ResumePosition is not null).ToList();
                Assert.True(withPosition.Count == 1 && withPosition[0] == last,
                    $"group {e.Gtid}: positions on events {string.Join(",", withPosition)}, last event {last} ({events[last].Type} {events[last].Sql})");
                Assert.EndsWith(e.Gtid!, events[last].ResumePosition!, StringComparison.Ordinal);
            }
        }
        Assert.True(groups >= 16, $"{groups} groups");
        Assert.Equal(end, events.Last(e => e.ResumePosition is not null).ResumePosition);

        // The statements inside groups never carry one.
        Assert.All(events.Where(e => e.Sql is { } sql && (sql.StartsWith("SAVEPOINT", StringComparison.Ordinal) ||
            sql.StartsWith("ROLLBACK TO", StringComparison.Ordinal) || sql.StartsWith("CREATE TABLE `", StringComparison.Ordinal) ||
            sql.StartsWith("INSERT", StringComparison.Ordinal) || sql.StartsWith("UPDATE", StringComparison.Ordinal) ||
            sql.StartsWith("XA END", StringComparison.Ordinal))), e => Assert.Null(e.ResumePosition));
        Assert.Contains(events, e => e.Sql?.StartsWith("ROLLBACK TO", StringComparison.Ordinal) == true);
        Assert.Contains(events, e => e.Sql?.StartsWith("CREATE TABLE `", StringComparison.Ordinal) == true);
    }

    [ServerFact]
    public async Task Resume_FromEveryReportedPosition_ExactlyTheGroupsAfterIt()
    {
        var (_, events) = await RunWorkloadAsync();
        var gtids = events.Where(e => e.Type == EventType.MariaDbGtid).Select(e => e.Gtid!).ToList();
        var positions = events.Where(e => e.ResumePosition is not null).Select(e => e.ResumePosition!).ToList();
        Assert.Equal(gtids.Count, positions.Count);

        for (var k = 0; k < positions.Count; k++)
        {
            var resumed = await BinlogCapture.ReadToEndAsync(Server, BinlogStartPosition.Parse(positions[k]));
            Assert.Equal(gtids.Skip(k + 1), resumed.Where(e => e.Type == EventType.MariaDbGtid).Select(e => e.Gtid!));
            // The first group event after the start is the next GTID: nothing of group k is repeated.
            var first = resumed.FindIndex(e => e.Type is EventType.MariaDbGtid or EventType.Query or EventType.Xid or EventType.TableMap);
            if (k + 1 < gtids.Count)
                Assert.Equal(EventType.MariaDbGtid, resumed[first].Type);
        }
    }
}
