using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Ordering and contiguity (vstream-spec §2.3, §2.13): several writers commit multi-statement transactions on every
/// shard while one client streams the whole keyspace through the gateway.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class OrderingTests(ITestOutputHelper output)
{
    [ServerTheory]
    [InlineData(2)]
    [InlineData(4)]
    public Task VStream_ConcurrentWritersOnEveryShard_EachShardInGtidOrderUninterleavedWithFullVgtids(int shardCount) =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(8), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(shardCount, token);
            var start = await cluster.PositionsAsync(token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;

            // Explicit positions per shard; heartbeats let the reader notice the end while the stream is idle.
            var request = new VStreamRequest
            {
                Vgtid = new VGtid(),
                Flags = new VStreamFlags { HeartbeatInterval = 1 },
            };
            foreach (var shard in cluster.Shards)
                request.Vgtid.ShardGtids.Add(new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = shard.Name, Gtid = start[shard.Name] });
            var checker = new StreamChecker(ShardCluster.Keyspace, request.Vgtid.ShardGtids);
            using var reader = new VStreamReader(gateway.Client, request, checker, cancellationToken: token);

            Dictionary<string, string>? end = null;
            var reading = reader.ReadUntilAsync((c, _) => end is not null && !c.InTransaction && cluster.Shards.All(s =>
                Positions.Sequence(c.PositionOf(s.Name)) >= Positions.Sequence(end[s.Name])), token);

            var workload = new Workload(cluster, scenario.Seed);
            const int Writers = 6;
            var perWriter = shardCount == 2 ? 150 : 120;
            await workload.RunAsync(Writers, perWriter, token);
            end = await cluster.PositionsAsync(token);
            scenario.Log($"writers committed {workload.Committed.Count} transactions; positions {string.Join(", ", end.Select(p => p.Key + "=" + p.Value))}");
            await reading;

            foreach (var shard in cluster.Shards)
            {
                Audit.StreamMatchesCommitted(checker.Transactions, workload.Committed.ToList(), shard.Name,
                    Positions.Sequence(start[shard.Name])!.Value, Positions.Sequence(end[shard.Name])!.Value);
            }
            Assert.Equal(workload.Committed.Count, checker.Transactions.Count);
            Assert.True(checker.Of(cluster.Shards[0].Name).Any() && checker.Of(cluster.Shards[^1].Name).Any());
            var switches = checker.Transactions.Zip(checker.Transactions.Skip(1)).Count(p => p.First.Shard != p.Second.Shard);
            scenario.Log($"{checker.Transactions.Count} transactions, {checker.Events} events, {reader.ResponseSizes.Count} responses, " +
                $"{switches} shard switches between consecutive transactions, {checker.Heartbeats} heartbeats");
        });
}
