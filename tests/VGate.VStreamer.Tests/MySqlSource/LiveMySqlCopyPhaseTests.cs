using Binlogdata;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.Testing;
using VGate.VStreamer.Tests.CopyPhase;

namespace VGate.VStreamer.Tests.MySqlSource;

/// <summary>
/// The copy phase's MySQL path (LOCK TABLES … READ, @@GLOBAL.gtid_executed, START TRANSACTION WITH CONSISTENT SNAPSHOT,
/// then streaming from that GTID set) against a live MySQL 8 server: runs only with <c>VGATE_TEST_MYSQL</c>
/// (<see cref="LiveMySqlFactAttribute"/>). The test source cannot stand in here: a copy needs a real InnoDB snapshot.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LiveMySqlCopyPhaseTests
{
    [LiveMySqlFact]
    public async Task Copy_LiveMySql_CopiesTheSnapshotThenStreamsLaterWritesFromItsGtidSet()
    {
        var source = MySqlConnectionOptions.Parse(LiveMySqlFactAttribute.Uri!);
        var database = "t_" + Guid.NewGuid().ToString("N")[..8];
        await using var admin = await MySqlProtocolConnection.ConnectAsync(source);
        await ExecuteAsync(admin, $"CREATE DATABASE {database}");
        try
        {
            await ExecuteAsync(admin, $"CREATE TABLE {database}.t (id INT PRIMARY KEY, v VARCHAR(20))");
            for (var i = 1; i <= 500; i += 100)
                await ExecuteAsync(admin, $"INSERT INTO {database}.t VALUES " + string.Join(',', Enumerable.Range(i, 100).Select(n => $"({n}, 'v{n}')")));

            var streamer = new ShardStreamer(new ShardStreamerOptions
            {
                Keyspace = "ks",
                Shard = "0",
                Source = source,
                Database = database,
                Position = "",
                Filter = new Filter { Rules = { new Rule { Match = "t", Filter = "select * from t" } } },
            });
            var wroteAfterCopy = false;
            var events = await CopyHarness.CollectAsync(streamer, async events =>
            {
                if (!CopyHarness.CopyCompleted(events))
                    return false;
                if (!wroteAfterCopy)
                {
                    wroteAfterCopy = true;
                    await ExecuteAsync(admin, $"INSERT INTO {database}.t VALUES (501, 'after')");
                }
                return events.Any(e => e.Type == VEventType.Row && e.RowEvent.RowChanges.Any(c => c.Before is null && c.After is not null)
                    && events.IndexOf(e) > events.FindIndex(x => x.Type == VEventType.CopyCompleted));
            }, TimeSpan.FromMinutes(2));

            var completed = events.FindIndex(e => e.Type == VEventType.CopyCompleted);
            var copied = events.Take(completed).Where(e => e.Type == VEventType.Row).Sum(e => e.RowEvent.RowChanges.Count);
            Assert.Equal(500, copied);
            var snapshot = events.Take(completed).Last(e => e.Type == VEventType.Gtid).Gtid;
            Assert.Equal(PositionFlavor.MySql56, ReplicationPosition.Parse(snapshot).Flavor);
            var streamed = events.Skip(completed).Where(e => e.Type == VEventType.Row).SelectMany(e => e.RowEvent.RowChanges).Single();
            Assert.Null(streamed.Before);
            var after = events.Skip(completed).Last(e => e.Type == VEventType.Gtid).Gtid;
            Assert.True(ReplicationPosition.Parse(after).AtLeast(ReplicationPosition.Parse(snapshot)));
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP DATABASE {database}");
        }
    }

    private static Task ExecuteAsync(MySqlProtocolConnection connection, string sql) => connection.ExecuteAsync(sql);
}
