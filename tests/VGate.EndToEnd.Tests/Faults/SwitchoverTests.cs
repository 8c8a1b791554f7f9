using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>
/// A shard with a primary and a replica under real MariaDB replication (GTID, <c>MASTER_USE_GTID=slave_pos</c>,
/// <c>log_slave_updates=ON</c>), configured as the shard's two sources, and a PRIMARY stream over gRPC. The primary goes
/// away (clean shutdown after a planned switchover, or SIGKILL), the replica is promoted and takes the writes, and the
/// stream continues from it (<c>VGate:PrimaryFailoverToReplicas</c>) without the client noticing: every row once.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class SwitchoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(5);

    public static TheoryData<bool, bool> Cases => new()
    {
        { false, true }, // planned switchover, fan-out hub
        { true, true },  // primary killed, fan-out hub
        { true, false }, // primary killed, a connection of its own
    };

    [ServerTheory]
    [MemberData(nameof(Cases))]
    public Task Stream_PrimaryGoneAndReplicaPromoted_ContinuesFromTheReplicaWithEveryRowOnce(bool kill, bool fanOut) =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var primary = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "sw-primary" }, token);
            await using var replica = await MariaDbReplication.StartReplicaAsync(primary, new MariaDbServerOptions { Name = "sw-replica" }, token);
            await primary.ExecuteAsync($"CREATE DATABASE {ShardCluster.Database}; USE {ShardCluster.Database}; {ShardCluster.TableDdl}", token);
            await MariaDbReplication.WaitForCatchUpAsync(replica, primary, cancellationToken: token);

            await using var gateway = await GatewayHost.StartAsync(Settings(primary, replica, fanOut));
            scenario.Gateway = gateway;
            var start = new Binlogdata.VGtid
            {
                ShardGtids = { new Binlogdata.ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "0", Gtid = "MariaDB/" + await primary.GetGtidBinlogPosAsync(token) } },
            };
            using var client = new RowClient(() => gateway.Client, start);

            await FaultWorkload.InsertAsync(primary, 1, 500, 50, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 500), resumeOnError: false, token);
            Assert.Equal(2, await MariaDbReplication.CountBinlogReadersAsync(primary, token)); // the replica's IO thread and the gateway

            if (kill)
            {
                // Failover: the primary dies once the replica has everything it wrote.
                await MariaDbReplication.WaitForCatchUpAsync(replica, primary, cancellationToken: token);
                await primary.KillAsync();
            }
            else
            {
                // Planned switchover: writes stop on the old primary, the replica catches up, the old primary shuts down.
                await primary.ExecuteAsync("SET GLOBAL read_only = 1", token);
                await MariaDbReplication.WaitForCatchUpAsync(replica, primary, cancellationToken: token);
                await primary.StopAsync();
            }
            await replica.ExecuteAsync("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = 0", token);
            scenario.Log($"primary {(kill ? "killed" : "stopped")}, replica promoted");

            await FaultWorkload.InsertAsync(replica, 501, 1000, 50, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 1000), resumeOnError: false, token);

            client.AssertExactly(1, 1000, "client");
            Assert.Equal(1, client.Calls);
            Assert.Equal(1, await MariaDbReplication.CountBinlogReadersAsync(replica, token));
            var position = client.Committed.ShardGtids[0].Gtid;
            Assert.Equal("MariaDB/" + await replica.GetGtidBinlogPosAsync(token), position);
            scenario.Log($"the stream is at {position} on the promoted replica");
        });

    /// <summary>
    /// The replica stopped replicating before the primary died, so it lacks transactions the client already has: it
    /// refuses the stream's position, and the stream ends with an error naming the shard instead of going on from a server
    /// whose history differs from what the client received (its later rows never arrive).
    /// </summary>
    [ServerFact]
    public Task Stream_PrimaryKilledAndReplicaBehindTheClient_EndsWithAnErrorAndNoRowFromTheReplica() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var primary = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "swb-primary" }, token);
            await using var replica = await MariaDbReplication.StartReplicaAsync(primary, new MariaDbServerOptions { Name = "swb-replica" }, token);
            await primary.ExecuteAsync($"CREATE DATABASE {ShardCluster.Database}; USE {ShardCluster.Database}; {ShardCluster.TableDdl}", token);
            await MariaDbReplication.WaitForCatchUpAsync(replica, primary, cancellationToken: token);
            var settings = Settings(primary, replica, fanOut: true);
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            var start = new Binlogdata.VGtid
            {
                ShardGtids = { new Binlogdata.ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "0", Gtid = "MariaDB/" + await primary.GetGtidBinlogPosAsync(token) } },
            };
            using var client = new RowClient(() => gateway.Client, start);

            await FaultWorkload.InsertAsync(primary, 1, 100, 50, token);
            await MariaDbReplication.WaitForCatchUpAsync(replica, primary, cancellationToken: token);
            await MariaDbReplication.StopAsync(replica, token);
            await FaultWorkload.InsertAsync(primary, 101, 200, 50, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 200), resumeOnError: false, token);
            await primary.KillAsync();
            await replica.ExecuteAsync("RESET SLAVE ALL; SET GLOBAL read_only = 0", token);
            await FaultWorkload.InsertAsync(replica, 1001, 1100, 50, token);

            var error = await client.ReadToErrorAsync(token);
            scenario.Log($"{error.StatusCode}: {error.Status.Detail}");
            Assert.NotEqual(Grpc.Core.StatusCode.OK, error.StatusCode);
            FaultWorkload.AssertMentions(error.Status.Detail, "ks/0");
            client.AssertExactly(1, 200, "client");
            // It was tried, and refused the position it does not have.
            var refusal = Assert.Single(gateway.Logs.Records, r => r.Message.Contains("stream from replica failed", StringComparison.Ordinal));
            scenario.Log(refusal.ToString());
            FaultWorkload.AssertMentions(refusal.Message, "GTIDSet Mismatch");
        });

    /// <summary>With <c>PrimaryFailoverToReplicas</c> off, a PRIMARY stream never reads a replica: the primary's death ends it with UNAVAILABLE.</summary>
    [ServerFact]
    public Task Stream_PrimaryKilledWithFailoverToReplicasOff_Unavailable() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var primary = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "swo-primary" }, token);
            await using var replica = await MariaDbReplication.StartReplicaAsync(primary, new MariaDbServerOptions { Name = "swo-replica" }, token);
            await primary.ExecuteAsync($"CREATE DATABASE {ShardCluster.Database}; USE {ShardCluster.Database}; {ShardCluster.TableDdl}", token);
            await MariaDbReplication.WaitForCatchUpAsync(replica, primary, cancellationToken: token);
            var settings = Settings(primary, replica, fanOut: true);
            settings["VGate:PrimaryFailoverToReplicas"] = "false";
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            var start = new Binlogdata.VGtid
            {
                ShardGtids = { new Binlogdata.ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "0", Gtid = "MariaDB/" + await primary.GetGtidBinlogPosAsync(token) } },
            };
            using var client = new RowClient(() => gateway.Client, start);
            await FaultWorkload.InsertAsync(primary, 1, 100, 50, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 100), resumeOnError: false, token);
            await MariaDbReplication.WaitForCatchUpAsync(replica, primary, cancellationToken: token);
            await primary.KillAsync();
            await replica.ExecuteAsync("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = 0", token);
            await FaultWorkload.InsertAsync(replica, 101, 200, 50, token);

            var error = await client.ReadToErrorAsync(token);
            scenario.Log($"{error.StatusCode}: {error.Status.Detail}");
            Assert.Equal(Grpc.Core.StatusCode.Unavailable, error.StatusCode);
            FaultWorkload.AssertMentions(error.Status.Detail, "ks/0");
            client.AssertExactly(1, 100, "client");
            Assert.Equal(0, await MariaDbReplication.CountBinlogReadersAsync(replica, token));
        });

    private static Dictionary<string, string?> Settings(MariaDbServer primary, MariaDbServer replica, bool fanOut) => new()
    {
        ["VGate:RetryDelay"] = "00:00:00.200",
        ["VGate:FanOut:Enabled"] = fanOut ? "true" : "false",
        ["VGate:Health:Interval"] = "00:00:00.500",
        ["VGate:Keyspaces:0:Name"] = ShardCluster.Keyspace,
        ["VGate:Keyspaces:0:Database"] = ShardCluster.Database,
        ["VGate:Keyspaces:0:Sharded"] = "false",
        ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = primary.ReplicationUri.ToString(),
        ["VGate:Keyspaces:0:Shards:0:Sources:0:Name"] = "primary",
        ["VGate:Keyspaces:0:Shards:0:Sources:0:Role"] = "Primary",
        ["VGate:Keyspaces:0:Shards:0:Sources:1:Uri"] = replica.ReplicationUri.ToString(),
        ["VGate:Keyspaces:0:Shards:0:Sources:1:Name"] = "replica",
        ["VGate:Keyspaces:0:Shards:0:Sources:1:Role"] = "Replica",
    };
}
