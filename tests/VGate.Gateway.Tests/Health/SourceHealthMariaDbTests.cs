using System.Diagnostics.Metrics;
using VGate.Gateway.Health;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Testing;

namespace VGate.Gateway.Tests.Health;

/// <summary>Health checks against a real MariaDB primary and replica: reachability, replication state and lag, and source choice.</summary>
[Trait("Category", "Integration")]
public sealed class SourceHealthMariaDbTests
{
    private static GatewayOptions Topology(MariaDbServer primary, params MariaDbServer[] replicas) => new()
    {
        Health = new SourceHealthOptions { Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(5), MaxReplicationLag = TimeSpan.FromSeconds(2) },
        Keyspaces =
        [
            new KeyspaceOptions
            {
                Name = "hks",
                Shards =
                [
                    new ShardOptions
                    {
                        Name = "0",
                        Sources =
                        [
                            new SourceOptions { Uri = primary.ReplicationUri.ToString(), Name = "primary", Role = SourceRole.Primary },
                            .. replicas.Select((r, i) => new SourceOptions { Uri = r.ReplicationUri.ToString(), Name = $"r{i + 1}", Role = SourceRole.Replica }),
                        ],
                    },
                ],
            },
        ],
    };

    [ServerFact]
    public async Task CheckAll_ReplicaStoppedDelayedAndKilled_EachReportedAndRanked()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(240));
        var token = deadline.Token;
        await using var primary = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "h-primary" }, token);
        await using var replica = await MariaDbReplication.StartReplicaAsync(primary, new MariaDbServerOptions { Name = "h-replica" }, token);
        await primary.ExecuteAsync("CREATE DATABASE hdb; CREATE TABLE hdb.t (id INT PRIMARY KEY)", token);
        await MariaDbReplication.WaitForCatchUpAsync(replica, primary, cancellationToken: token);
        var options = Topology(primary, replica);
        await using var monitor = new SourceHealthMonitor(options);
        var maxLag = options.Health.MaxReplicationLag;

        // Healthy: the primary is reachable, the replica replicates with no lag.
        await monitor.CheckAllAsync(token);
        var primaryHealth = monitor.Get("hks", "0", "primary")!;
        Assert.True(primaryHealth.Reachable);
        Assert.Null(primaryHealth.ReplicationRunning);
        var healthy = monitor.Get("hks", "0", "r1")!;
        Assert.True(healthy.IsHealthy(maxLag), healthy.Problem);
        Assert.Equal(TimeSpan.Zero, healthy.ReplicationLag);

        // Replication stopped: reachable, but only a last resort.
        await MariaDbReplication.StopAsync(replica, token);
        await monitor.CheckAllAsync(token);
        var stopped = monitor.Get("hks", "0", "r1")!;
        Assert.True(stopped.Reachable);
        Assert.False(stopped.ReplicationRunning);
        Assert.Contains("replication is not running (IO thread: No, SQL thread: No)", stopped.Problem, StringComparison.Ordinal);
        Assert.Equal(2, SourceHealth.Rank(stopped, maxLag));

        // Delayed replication: the lag grows past the maximum while the replica holds a transaction back.
        await MariaDbReplication.SetDelayAsync(replica, TimeSpan.FromHours(1), token);
        await primary.ExecuteAsync("INSERT INTO hdb.t VALUES (1)", token);
        var lagging = await Eventually.UntilAsync(
            async () =>
            {
                await monitor.CheckAllAsync(token);
                return monitor.Get("hks", "0", "r1")!;
            },
            h => h.ReplicationLag > maxLag,
            TimeSpan.FromSeconds(30),
            token);
        Assert.True(lagging.ReplicationRunning);
        Assert.Equal(2, SourceHealth.Rank(lagging, maxLag));

        // Killed: unreachable, reported in the metrics.
        await replica.KillAsync();
        await monitor.CheckAllAsync(token);
        var killed = monitor.Get("hks", "0", "r1")!;
        Assert.False(killed.Reachable);
        Assert.NotNull(killed.Problem);
        Assert.Equal(3, SourceHealth.Rank(killed, maxLag));
        var gauges = ReadGauges();
        Assert.Equal(1, gauges[("vgate.gateway.source.up", "primary")]);
        Assert.Equal(0, gauges[("vgate.gateway.source.up", "r1")]);
        Assert.Equal(0, gauges[("vgate.gateway.source.healthy", "r1")]);
    }

    [ServerFact]
    public async Task Open_FirstReplicaNotReplicating_SecondReplicaChosen()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(240));
        var token = deadline.Token;
        await using var primary = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "h2-primary" }, token);
        await using var first = await MariaDbReplication.StartReplicaAsync(primary, new MariaDbServerOptions { Name = "h2-r1" }, token);
        await using var second = await MariaDbReplication.StartReplicaAsync(primary, new MariaDbServerOptions { Name = "h2-r2" }, token);
        var options = Topology(primary, first, second);
        await using var monitor = new SourceHealthMonitor(options);
        var factory = new ShardStreamerFactory(options, health: monitor);
        var request = new ShardStreamRequest { Keyspace = "hks", Shard = "0", Position = "current", Role = SourceRole.Replica };

        await monitor.CheckAllAsync(token);
        Assert.Equal("r1", factory.Open(request).Source);

        await MariaDbReplication.StopAsync(first, token);
        await monitor.CheckAllAsync(token);
        Assert.Equal("r2", factory.Open(request).Source);

        // Periodic checks notice the recovery by themselves.
        await MariaDbReplication.StartAsync(first, token);
        monitor.Start();
        await Eventually.AssertAsync(() => Assert.Equal("r1", factory.Open(request).Source), TimeSpan.FromSeconds(30), token);
    }

    /// <summary>The current values of the source gauges, by (instrument, source).</summary>
    private static Dictionary<(string Instrument, string Source), double> ReadGauges()
    {
        var values = new Dictionary<(string, string), double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Name.StartsWith("vgate.gateway.source.", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? keyspace = null, source = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "keyspace")
                    keyspace = tag.Value as string;
                else if (tag.Key == "source")
                    source = tag.Value as string;
            }
            if (keyspace == "hks" && source is not null)
                values[(instrument.Name, source)] = value;
        }
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}
