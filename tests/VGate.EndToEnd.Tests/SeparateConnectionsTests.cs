using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Several clients, each on its own HTTP/2 connection (as separate processes would be), streaming both shards from the same
/// positions: they share the shards' fan-out hubs, and each gets every transaction whole and in order.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class SeparateConnectionsTests(ITestOutputHelper output)
{
    [ServerFact]
    public Task VStream_ClientsOnSeparateConnections_EachGetsEveryTransaction() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(6), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var start = await cluster.PositionsAsync(token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;

            Dictionary<string, string>? end = null;
            var readers = new List<(StreamChecker Checker, VStreamReader Reader, Task Reading)>();
            for (var i = 0; i < 3; i++)
            {
                var request = new VStreamRequest { Vgtid = new VGtid(), Flags = new VStreamFlags { HeartbeatInterval = 1 } };
                foreach (var shard in cluster.Shards)
                    request.Vgtid.ShardGtids.Add(new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = shard.Name, Gtid = start[shard.Name] });
                var checker = new StreamChecker(ShardCluster.Keyspace, request.Vgtid.ShardGtids);
                var client = new Vtgateservice.Vitess.VitessClient(gateway.CreateChannel());
                var reader = new VStreamReader(client, request, checker, cancellationToken: token);
                var reading = reader.ReadUntilAsync((c, _) => end is not null && !c.InTransaction && cluster.Shards.All(s =>
                    Positions.Sequence(c.PositionOf(s.Name)) >= Positions.Sequence(end[s.Name])), token);
                readers.Add((checker, reader, reading));
            }

            var workload = new Workload(cluster, scenario.Seed);
            await workload.RunAsync(4, 60, token);
            end = await cluster.PositionsAsync(token);
            foreach (var (checker, reader, reading) in readers)
            {
                await reading;
                foreach (var shard in cluster.Shards)
                {
                    Audit.StreamMatchesCommitted(checker.Transactions, workload.Committed.ToList(), shard.Name,
                        Positions.Sequence(start[shard.Name])!.Value, Positions.Sequence(end[shard.Name])!.Value);
                }
                Assert.Equal(workload.Committed.Count, checker.Transactions.Count);
                reader.Dispose();
            }
        });
}
