using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// One binlog reader per shard shared across filters (VGate:FanOut:ShareReaders) against a real source: clients with
/// different filters and different start positions end up on exactly one <c>Binlog Dump</c> thread, and each gets exactly
/// the events a gateway that does not share readers gives the same filter from the same position.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class SharedReaderTests(ITestOutputHelper output)
{
    private const string OtherTableDdl = "CREATE TABLE u (id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL)";

    [ServerFact]
    public Task VStream_DistinctFiltersAndPositions_OneBinlogDumpAndEachGetsItsEvents() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(5), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token, extraDdl: OtherTableDdl);
            var shard = cluster.Shards[0];
            var server = shard.Server;

            var p0 = (await cluster.PositionsAsync(token))[shard.Name];
            await WriteAsync(server, 0, alter: true, token);
            var p1 = (await cluster.PositionsAsync(token))[shard.Name];
            await WriteAsync(server, 100, alter: true, token);
            var p2 = (await cluster.PositionsAsync(token))[shard.Name];

            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;
            // The judge: each filter alone, from the same position, on a gateway that gives every filter its own connection.
            var alone = cluster.GatewaySettings();
            alone["VGate:FanOut:ShareReaders"] = "false";
            var reference = await GatewayHost.StartAsync(alone);

            // Four filters at three positions (the first one creates the shared reader at p0, the others start inside or
            // ahead of its ring), and one more client at "current".
            (string Filter, string Position)[] clients =
            [
                ("select * from t where n = 0", p0),
                ("select * from t where n = 1", p1),
                ("select id, v from t where n = 2", p2),
                ("/.*/", p1),
                ("select * from t where n = 3", "current"),
            ];
            var calls = clients.Select(c => gateway.Client.VStream(Request(shard.Name, c.Filter, c.Position), cancellationToken: token)).ToList();
            // The "current" client has reported its position (GTID, OTHER) before the last writes; it started at p2, as
            // nothing was written since.
            var currentEvents = new List<VEvent>();
            Assert.True(await calls[^1].ResponseStream.MoveNext(token));
            currentEvents.AddRange(calls[^1].ResponseStream.Current.Events);
            var referenceCalls = clients.Select(c => reference.Client.VStream(Request(shard.Name, c.Filter, c.Position == "current" ? p2 : c.Position), cancellationToken: token)).ToList();

            // No DDL now: a stream describes its tables (FIELD flags) from the catalog it read when it started, and the two
            // gateways' streams start at slightly different moments.
            await WriteAsync(server, 200, alter: false, token);
            var end = Positions.Sequence((await cluster.PositionsAsync(token))[shard.Name])!.Value;

            for (var i = 0; i < clients.Length; i++)
            {
                var (filter, position) = clients[i];
                var events = i == calls.Count - 1 ? currentEvents : [];
                await ReadToAsync(calls[i], events, end, token);
                var expected = new List<VEvent>();
                await ReadToAsync(referenceCalls[i], expected, end, token);
                var got = Normalize(events, skipCurrentAnnouncement: position == "current");
                var want = Normalize(expected, skipCurrentAnnouncement: false);
                scenario.Log($"{filter} from {position}: {got.Count} events, {got.Count(e => e.StartsWith("Row ", StringComparison.Ordinal))} row events");
                Assert.Equal(want, got);
                Assert.Contains(got, e => e.StartsWith("Row ", StringComparison.Ordinal));
            }
            foreach (var call in referenceCalls)
                call.Dispose();
            await reference.DisposeAsync();

            // Every stream is between transactions at the end of the log: all of them read the one shared connection.
            await Eventually.AssertAsync(async () => Assert.Equal(1L, await BinlogDumpThreadsAsync(server, token)), TestDeadline.Default, token);
            foreach (var call in calls)
                call.Dispose();
        });

    /// <summary>Transactions of every kind the filters treat differently: rows of several n, another table, a savepoint rolled back, a DDL.</summary>
    private static async Task WriteAsync(MariaDbServer server, int idBase, bool alter, CancellationToken token)
    {
        var db = ShardCluster.Database;
        for (var i = 0; i < 8; i++)
        {
            var id = idBase + i;
            await server.ExecuteAsync($"INSERT INTO {db}.t (id, writer, v, n) VALUES ({id}, 1, 'v{id}', {i % 4})", token);
        }
        await server.ExecuteAsync($"INSERT INTO {db}.u (id, n) VALUES ({idBase}, 1)", token);
        await server.ExecuteAsync(
            $"BEGIN; UPDATE {db}.t SET v = 'upd' WHERE id IN ({idBase}, {idBase + 1}); SAVEPOINT s; " +
            $"UPDATE {db}.t SET v = 'undone' WHERE id = {idBase + 2}; ROLLBACK TO SAVEPOINT s; " +
            $"DELETE FROM {db}.t WHERE id = {idBase + 3}; INSERT INTO {db}.u (id, n) VALUES ({idBase + 1}, 2); COMMIT", token);
        if (alter)
            await server.ExecuteAsync($"ALTER TABLE {db}.u ADD COLUMN c{idBase} INT NULL", token);
        // Every filter has rows in the last transaction, so every stream gets a VGTID at the end position.
        await server.ExecuteAsync(
            $"INSERT INTO {db}.t (id, writer, v, n) VALUES ({idBase + 50}, 2, 'a', 0), ({idBase + 51}, 2, 'b', 1), ({idBase + 52}, 2, 'c', 2), ({idBase + 53}, 2, 'd', 3)", token);
    }

    private static async Task ReadToAsync(AsyncServerStreamingCall<VStreamResponse> call, List<VEvent> events, long end, CancellationToken token)
    {
        while (await call.ResponseStream.MoveNext(token))
        {
            foreach (var e in call.ResponseStream.Current.Events)
            {
                events.Add(e);
                if (e.Type == VEventType.Vgtid && Positions.Sequence(e.Vgtid.ShardGtids[0].Gtid) >= end)
                    return;
            }
        }
        throw new Xunit.Sdk.XunitException($"the stream ended after {events.Count} events");
    }

    /// <summary>The events that must be equal: everything but heartbeats and the clock.</summary>
    private static List<string> Normalize(List<VEvent> events, bool skipCurrentAnnouncement)
    {
        var result = new List<string>();
        var skip = skipCurrentAnnouncement ? 2 : 0; // a stream at current starts with GTID, OTHER
        foreach (var e in events)
        {
            if (skip > 0 && e.Type is VEventType.Gtid or VEventType.Other)
            {
                skip--;
                continue;
            }
            if (e.Type is VEventType.Heartbeat || (skipCurrentAnnouncement && e.Type == VEventType.Vgtid && result.Count == 0))
                continue;
            var copy = e.Clone();
            copy.CurrentTime = 0;
            result.Add($"{copy.Type} {copy}");
        }
        return result;
    }

    private static VStreamRequest Request(string shard, string filter, string position) => new()
    {
        TabletType = Topodata.TabletType.Primary,
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = shard, Gtid = position } } },
        Filter = filter == "/.*/"
            ? new Filter { Rules = { new Rule { Match = "/.*/" } } }
            : new Filter { Rules = { new Rule { Match = "t", Filter = filter } } },
        Flags = new VStreamFlags { HeartbeatInterval = 1 },
    };

    private static Task<long> BinlogDumpThreadsAsync(MariaDbServer server, CancellationToken token) =>
        server.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'", token);
}
