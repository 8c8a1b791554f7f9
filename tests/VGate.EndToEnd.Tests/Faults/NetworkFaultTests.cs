using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using VGate.Testing.Network;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>
/// Network faults between real processes, injected by a <see cref="TcpFaultProxy"/> on 127.0.0.1: the gateway's
/// connection to a shard's mariadbd hangs and is then cut; a client's connection to the gateway hangs. Judged by row ids:
/// every inserted id reaches every client exactly once.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class NetworkFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The source connection stalls (both directions, sockets held open: a hung server or a black-holed route). The
    /// gateway's silence watchdog (3 heartbeat intervals of the source) closes it and reconnects, and the reconnect stalls
    /// too; then the proxy cuts everything (RST) and forwards again. The client's stream carries on without an error: every
    /// row written before, during and after the fault arrives once.
    /// </summary>
    [ServerFact]
    public Task SourceConnection_StalledThenCut_GatewayReconnectsAndTheClientGetsEveryRowOnce() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            var server = cluster.Shards[0].Server;
            await using var proxy = TcpFaultProxy.Start(MariaDbServer.Host, server.Port);
            var settings = cluster.GatewaySettings(shard => proxy.Rewrite(shard.Server.ReplicationUri).ToString());
            settings["VGate:RetryDelay"] = "00:00:00.200";
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;

            using var client = new RowClient(() => gateway.Client, await FaultWorkload.CurrentAsync(cluster, token));
            await FaultWorkload.InsertAsync(server, 1, 500, 50, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 500), resumeOnError: false, token);
            var acceptedBefore = proxy.AcceptedConnections;

            proxy.Stall();
            scenario.Log($"stalled {proxy} with {proxy.OpenConnections} connections open");
            await FaultWorkload.InsertAsync(server, 501, 1000, 50, token);
            // The watchdog notices the silence and the gateway tries again: its new connection stalls as well.
            await Eventually.AssertAsync(
                () => Assert.Contains(gateway.Logs.Records, r => r.Message.Contains("heartbeats stopped", StringComparison.Ordinal)),
                TimeSpan.FromMinutes(1), token);
            await Eventually.AssertAsync(() => Assert.True(proxy.AcceptedConnections > acceptedBefore, "no reconnect attempt"), TimeSpan.FromMinutes(1), token);
            scenario.Log($"the gateway noticed; {proxy.AcceptedConnections - acceptedBefore} connections opened since the stall; cutting");

            var cut = proxy.CutAll();
            proxy.Resume();
            scenario.Log($"cut {cut} connections and resumed");
            await FaultWorkload.InsertAsync(server, 1001, 1500, 50, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 1500), resumeOnError: false, token);

            client.AssertExactly(1, 1500, "client");
            Assert.Equal(1, client.Calls);
            Assert.Contains(gateway.Logs.Records, r => r.Message.Contains("reopening", StringComparison.Ordinal));
        });

    /// <summary>
    /// The source connection stays stalled through every reconnect attempt (each gives up after the URI's
    /// <c>connect-timeout</c>): after <c>MaxConsecutiveShardFailures</c> the VStream ends with UNAVAILABLE naming the shard.
    /// The client resumes from its last VGTID once the route is back and has every row once.
    /// </summary>
    [ServerFact]
    public Task SourceConnection_StalledThroughEveryRetry_UnavailableThenTheResumedClientGetsEveryRowOnce() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            var server = cluster.Shards[0].Server;
            await using var proxy = TcpFaultProxy.Start(MariaDbServer.Host, server.Port);
            var settings = cluster.GatewaySettings(shard => proxy.Rewrite(shard.Server.ReplicationUri).ToString() + "?connect-timeout=2");
            settings["VGate:RetryDelay"] = "00:00:00.200";
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;

            using var client = new RowClient(() => gateway.Client, await FaultWorkload.CurrentAsync(cluster, token));
            await FaultWorkload.InsertAsync(server, 1, 500, 50, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 500), resumeOnError: false, token);

            proxy.Stall();
            await FaultWorkload.InsertAsync(server, 501, 1000, 50, token);
            var error = await client.ReadToErrorAsync(token);
            scenario.Log($"{error.StatusCode}: {error.Status.Detail}");
            Assert.Equal(Grpc.Core.StatusCode.Unavailable, error.StatusCode);
            FaultWorkload.AssertMentions(error.Status.Detail, "ks/0", "giving up after 3 consecutive failures");
            client.AssertExactly(1, 500, "client at the error");

            proxy.CutAll();
            proxy.Resume();
            await FaultWorkload.InsertAsync(server, 1001, 1500, 50, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 1500), resumeOnError: true, token);
            client.AssertExactly(1, 1500, "client after resuming");
        });

    /// <summary>
    /// One client's connection to the gateway stalls while another client streams the same shard directly. The other client
    /// keeps receiving everything (the fan-out hub detaches a subscriber that falls a ring behind instead of waiting for it);
    /// the stalled client gives up on its hung call, reconnects from its last committed VGTID and then has every row once.
    /// </summary>
    [ServerFact]
    public Task ClientConnection_Stalled_OtherClientContinuesAndTheStalledOneResumesWithEveryRowOnce() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            var server = cluster.Shards[0].Server;
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;
            var gatewayUri = new Uri(gateway.Address);
            await using var proxy = TcpFaultProxy.Start(MariaDbServer.Host, gatewayUri.Port);
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(proxy.Rewrite(gatewayUri));
            var proxied = new Vtgateservice.Vitess.VitessClient(channel);

            var start = await FaultWorkload.CurrentAsync(cluster, token);
            using var stalled = new RowClient(() => proxied, start);
            using var direct = new RowClient(() => gateway.Client, start);
            await FaultWorkload.InsertAsync(server, 1, 1000, 100, token);
            await stalled.ReadUntilAsync(c => c.HasAll(1, 1000), resumeOnError: false, token);
            await direct.ReadUntilAsync(c => c.HasAll(1, 1000), resumeOnError: false, token);

            // About 8 MB of row data while the stalled client can take none of it.
            proxy.Stall();
            const long Last = 60_000;
            await FaultWorkload.InsertAsync(server, 1001, Last, 1000, token);
            await direct.ReadUntilAsync(c => c.HasAll(1, Last), resumeOnError: false, token);
            scenario.Log($"the direct client has all {Last} rows; the stalled one {stalled.Ids.Count}");
            Assert.True(stalled.Ids.Count < Last, "the stalled client received everything through a stalled proxy");

            // The stalled client abandons its call (its connection is cut, as a client-side deadline or keepalive would),
            // and reconnects through the proxy, which forwards again.
            stalled.Drop();
            proxy.CutAll();
            proxy.Resume();
            await FaultWorkload.InsertAsync(server, Last + 1, Last + 500, 100, token);
            await stalled.ReadUntilAsync(c => c.HasAll(1, Last + 500), resumeOnError: true, token);
            await direct.ReadUntilAsync(c => c.HasAll(1, Last + 500), resumeOnError: false, token);

            stalled.AssertExactly(1, Last + 500, "stalled client");
            direct.AssertExactly(1, Last + 500, "direct client");
            Assert.Equal(1, direct.Calls);
            scenario.Log($"stalled client: {stalled.Calls} calls, failures: {string.Join(" | ", stalled.Failures)}");
            foreach (var detached in gateway.Logs.Records.Where(r => r.Message.Contains("fell behind the fan-out hub's ring", StringComparison.Ordinal)))
                scenario.Log(detached.ToString());
        });
}
