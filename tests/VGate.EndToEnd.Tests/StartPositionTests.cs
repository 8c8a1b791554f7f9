using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// The two start positions without a GTID (vstream-spec §2.1, §2.5, §2.6): <c>current</c>, and <c>""</c> (copy the
/// tables first, then stream), each with shard <c>""</c> expanding to every shard of the keyspace.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class StartPositionTests(ITestOutputHelper output)
{
    [ServerFact]
    public Task VStream_Current_ReportsEachShardsPositionThenStreamsOnlyLaterTransactions() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(5), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var before = new Workload(cluster, scenario.Seed);
            await before.RunAsync(writers: 2, transactionsPerWriter: 20, token);
            var start = await cluster.PositionsAsync(token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;

            var request = new VStreamRequest
            {
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Gtid = "current" } } },
                Flags = new VStreamFlags { HeartbeatInterval = 1 },
            };
            var checker = StreamChecker.ForAllShards(cluster, "current");
            using var reader = new VStreamReader(gateway.Client, request, checker, cancellationToken: token);

            // First, per shard: VGTID (its position now), OTHER — nothing of what was written before.
            await reader.ReadUntilAsync((c, _) => cluster.Shards.All(s => c.Of(s.Name).Any()), token);
            foreach (var shard in cluster.Shards)
            {
                var first = checker.Of(shard.Name).First();
                Assert.Equal(VEventType.Other, first.Terminal);
                Assert.Equal(start[shard.Name], first.Position);
            }

            var after = new Workload(cluster, scenario.Seed, generation: 1);
            await after.RunAsync(writers: 3, transactionsPerWriter: 40, token);
            var end = await cluster.PositionsAsync(token);
            await reader.ReadUntilAsync((c, _) => !c.InTransaction && cluster.Shards.All(s =>
                Positions.Sequence(c.PositionOf(s.Name)) >= Positions.Sequence(end[s.Name])), token);

            var streamed = checker.Transactions.Where(t => t.Terminal == VEventType.Commit).ToList();
            foreach (var shard in cluster.Shards)
            {
                Audit.StreamMatchesCommitted(streamed, after.Committed.ToList(), shard.Name,
                    Positions.Sequence(start[shard.Name])!.Value, Positions.Sequence(end[shard.Name])!.Value);
            }
            scenario.Log($"{before.Committed.Count} transactions before the start (none streamed), {streamed.Count} after (all streamed once)");

            // Keyspace "" with current: every keyspace the gateway serves, each shard reporting where it is.
            var everything = new VStreamRequest { Vgtid = new VGtid { ShardGtids = { new ShardGtid { Gtid = "current" } } } };
            var all = StreamChecker.ForAllShards(cluster, "current");
            using var allReader = new VStreamReader(gateway.Client, everything, all, cancellationToken: token);
            await allReader.ReadUntilAsync((c, _) => cluster.Shards.All(s => c.Of(s.Name).Any()), token);
            Assert.All(cluster.Shards, s => Assert.Equal((VEventType.Other, end[s.Name]), (all.Of(s.Name).First().Terminal, all.Of(s.Name).First().Position)));
        });

    [ServerFact]
    public Task VStream_CopyWhileWritersContinue_CopyIsTheSnapshotAndStreamingEverythingAfterItOnce() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(8), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            // ~12 MB of rows per shard: more than the gateway and HTTP/2 buffer, so the copy is still running on the
            // server while the client pauses below.
            var initial = await Workload.InsertRowsAsync(cluster, count: 120_000, width: 90, token);
            scenario.Log($"{initial.Count} rows inserted");
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;

            var request = new VStreamRequest
            {
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "", Gtid = "" } } },
                Flags = new VStreamFlags { HeartbeatInterval = 1 },
            };
            var checker = StreamChecker.ForAllShards(cluster, "");
            using var reader = new VStreamReader(gateway.Client, request, checker, cancellationToken: token);

            // Take the first copy batch of every shard, then stop reading while the writers commit: those writes land
            // after each shard's snapshot while its copy is still in progress.
            await reader.ReadUntilAsync((c, _) => cluster.Shards.All(s => c.Of(s.Name).Any(t => t.Copy)), token);
            using var stopWriters = CancellationTokenSource.CreateLinkedTokenSource(token);
            var workload = new Workload(cluster, scenario.Seed);
            var writing = workload.RunAsync(writers: 4, transactionsPerWriter: int.MaxValue, stopWriters.Token, TimeSpan.FromMilliseconds(1), initial);
            await Eventually.AssertAsync(() => Assert.True(workload.Committed.Count >= 200), TestDeadline.Default, token);
            var duringCopy = workload.Committed.Count;

            await reader.ReadUntilAsync((c, _) => c.CopyCompleted, token);
            scenario.Log($"copy completed; {workload.Committed.Count} transactions committed so far");
            await stopWriters.CancelAsync();
            await writing;
            var end = await cluster.PositionsAsync(token);
            await reader.ReadUntilAsync((c, _) => !c.InTransaction && cluster.Shards.All(s =>
                Positions.Sequence(c.PositionOf(s.Name)) >= Positions.Sequence(end[s.Name])), token);

            var committed = workload.Committed.ToList();
            foreach (var shard in cluster.Shards)
            {
                var units = checker.Of(shard.Name).ToList();
                var copy = units.Where(t => t.Copy).ToList();
                Assert.True(copy.Count > 2, $"{shard.Name}: the copy came in {copy.Count} batches; expected several");
                Assert.Contains(copy, t => t.Vgtid.ShardGtids.Single(s => s.Shard == shard.Name).TablePKs.Count > 0);
                var snapshot = Positions.Sequence(copy[0].Position)!.Value;
                Assert.All(copy, t => Assert.Equal(copy[0].Position, t.Position));
                Assert.Empty(units.Where(t => !t.Copy).SelectMany(t => t.Vgtid.ShardGtids.Single(s => s.Shard == shard.Name).TablePKs));

                // The copy is the table exactly as of the snapshot, each row once.
                var copied = new SortedDictionary<long, string?[]>();
                foreach (var change in copy.SelectMany(t => t.Changes))
                {
                    Assert.Null(change.Before);
                    Assert.True(copied.TryAdd(long.Parse(change.After![0]!, System.Globalization.CultureInfo.InvariantCulture), change.After),
                        $"{shard.Name}: row {change.After[0]} was copied twice");
                }
                Audit.TablesEqual(shard.Name + " (copy vs. the table at the snapshot)", workload.StateAt(shard.Name, initial, snapshot), copied);

                // After the copy: every transaction after the snapshot, once, in order, with its exact changes.
                Audit.StreamMatchesCommitted(units, committed, shard.Name, snapshot, Positions.Sequence(end[shard.Name])!.Value);

                // Copy + stream = the table now.
                foreach (var unit in units.Where(t => !t.Copy))
                    Audit.Apply(copied, unit.Changes);
                Audit.TablesEqual(shard.Name, await Workload.ReadTableAsync(shard, token), copied);
                scenario.Log($"{shard.Name}: snapshot at {copy[0].Position}, {copy.Count} copy batches with {copy.Sum(t => t.Changes.Count)} rows, " +
                    $"then {units.Count(t => !t.Copy)} transactions streamed");
            }
            Assert.True(checker.CopyCompleted);
            scenario.Log($"{committed.Count} transactions committed by the writers, {duringCopy} of them while the client paused mid-copy");
        });
}
