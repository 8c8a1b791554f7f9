using VGate.Gateway.Health;
using VGate.Gateway.Streams;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;

namespace VGate.Gateway.Tests.Health;

/// <summary>Reading replication status rows, ranking sources, and the order in which a shard stream tries them.</summary>
public sealed class SourceHealthTests
{
    // A row as the server's text protocol gives it: every value as text, NULL as null.
    private static Dictionary<string, string?> Row(params (string Column, object? Value)[] cells) =>
        cells.ToDictionary(c => c.Column, c => Convert.ToString(c.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Read_MariaDbReplicaRunning_LagFromSecondsBehindMaster()
    {
        var (running, lag, problem) = ReplicationStatus.Read(
            [Row(("Connection_name", ""), ("Slave_IO_Running", "Yes"), ("Slave_SQL_Running", "Yes"), ("Seconds_Behind_Master", 7UL))]);

        Assert.True(running);
        Assert.Equal(TimeSpan.FromSeconds(7), lag);
        Assert.Null(problem);
    }

    [Fact]
    public void Read_MySqlReplicaRunning_LagFromSecondsBehindSource()
    {
        var (running, lag, _) = ReplicationStatus.Read(
            [Row(("Channel_Name", ""), ("Replica_IO_Running", "Yes"), ("Replica_SQL_Running", "Yes"), ("Seconds_Behind_Source", 0L))]);

        Assert.True(running);
        Assert.Equal(TimeSpan.Zero, lag);
    }

    [Fact]
    public void Read_SqlThreadStopped_NotRunningWithTheError()
    {
        var (running, lag, problem) = ReplicationStatus.Read(
        [
            Row(("Connection_name", "east"), ("Slave_IO_Running", "Connecting"), ("Slave_SQL_Running", "Yes"),
                ("Seconds_Behind_Master", null), ("Last_IO_Error", "error reconnecting to master 'vgate_repl@127.0.0.1:1'")),
        ]);

        Assert.False(running);
        Assert.Null(lag);
        Assert.Equal("channel 'east': replication is not running (IO thread: Connecting, SQL thread: Yes): error reconnecting to master 'vgate_repl@127.0.0.1:1'", problem);
    }

    [Fact]
    public void Read_SeveralChannels_LargestLag()
    {
        var (running, lag, _) = ReplicationStatus.Read(
        [
            Row(("Slave_IO_Running", "Yes"), ("Slave_SQL_Running", "Yes"), ("Seconds_Behind_Master", 3)),
            Row(("Slave_IO_Running", "Yes"), ("Slave_SQL_Running", "Yes"), ("Seconds_Behind_Master", 12)),
        ]);

        Assert.True(running);
        Assert.Equal(TimeSpan.FromSeconds(12), lag);
    }

    [Fact]
    public void Read_NoChannel_NotAReplica()
    {
        var (running, lag, problem) = ReplicationStatus.Read([]);

        Assert.False(running);
        Assert.Null(lag);
        Assert.Equal("replication is not configured (no replication channel)", problem);
    }

    [Theory]
    [InlineData(true, SourceRole.Primary, null, null, 0)]
    [InlineData(true, SourceRole.Replica, true, 5, 0)]
    [InlineData(true, SourceRole.Replica, true, 31, 2)]
    [InlineData(true, SourceRole.Replica, false, null, 2)]
    [InlineData(true, SourceRole.Rdonly, true, null, 2)]
    [InlineData(false, SourceRole.Replica, null, null, 3)]
    public void Rank_ByReachabilityReplicationAndLag(bool reachable, SourceRole role, bool? running, int? lagSeconds, int expected)
    {
        var health = Health("s", role, reachable, running, lagSeconds);
        Assert.Equal(expected, SourceHealth.Rank(health, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Rank_NotCheckedYet_BetweenHealthyAndLagging() =>
        Assert.Equal(1, SourceHealth.Rank(null, TimeSpan.FromSeconds(30)));

    [Fact]
    public async Task OrderSources_HealthyLeastLaggedFirst_FailedAndExcludedLast()
    {
        var options = TestTopology.Create();
        var shard = new ShardOptions
        {
            Name = "0",
            Sources =
            [
                Source("down"), Source("lagging"), Source("slow"), Source("fast"), Source("unchecked"), Source("failed"), Source("excluded"),
                new SourceOptions { Uri = "mysql://u:p@127.0.0.1:3306", Name = "primary", Role = SourceRole.Primary },
            ],
        };
        await using var monitor = new SourceHealthMonitor(options);
        monitor.Record(Health("down", SourceRole.Replica, reachable: false, null, null));
        monitor.Record(Health("lagging", SourceRole.Replica, reachable: true, true, 60));
        monitor.Record(Health("slow", SourceRole.Replica, reachable: true, true, 9));
        monitor.Record(Health("fast", SourceRole.Replica, reachable: true, true, 1));
        monitor.Record(Health("failed", SourceRole.Replica, reachable: true, true, 0));
        monitor.Record(Health("excluded", SourceRole.Replica, reachable: true, true, 0));
        var request = new ShardStreamRequest
        {
            Keyspace = "uks",
            Shard = "0",
            Position = "current",
            Role = SourceRole.Replica,
            FailedSources = new HashSet<string> { "failed" },
            ExcludedSources = new HashSet<string> { "excluded" },
        };

        var order = ShardStreamerFactory.OrderSources("uks", shard, request, monitor).Select(s => s.Name);

        Assert.Equal(["fast", "slow", "unchecked", "lagging", "down", "failed"], order);
    }

    /// <summary>
    /// A check in progress when the monitor stops (here: a TCP peer on localhost that accepts and never sends a handshake)
    /// ends without an error escaping from DisposeAsync and without recording a result. (The race CI hit — a refused
    /// connection reported as MySqlException just after the stop was requested — cannot be timed from a test; the monitor
    /// now swallows any error of a check once it is stopping.)
    /// </summary>
    [Fact]
    public async Task DisposeAsync_WhileACheckIsConnecting_DoesNotThrow()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var options = TestTopology.Create();
        options.Health = new SourceHealthOptions { Enabled = true, Interval = TimeSpan.FromMinutes(1), Timeout = TimeSpan.FromSeconds(3) };
        options.Keyspaces = [new KeyspaceOptions { Name = "uks", Shards = [new ShardOptions { Name = "0", Sources = [new SourceOptions { Uri = $"mysql://u:p@127.0.0.1:{port}", Name = "silent" }] }] }];
        var monitor = new SourceHealthMonitor(options);
        monitor.Start();
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromMinutes(1));

        await monitor.DisposeAsync();

        Assert.Null(monitor.Get("uks", "0", "silent"));
    }

    [Fact]
    public void OrderSources_NoMonitor_ConfigurationOrderWithFailedLast()
    {
        var shard = new ShardOptions { Name = "0", Sources = [Source("a"), Source("b"), Source("c")] };
        var request = new ShardStreamRequest
        {
            Keyspace = "uks",
            Shard = "0",
            Position = "current",
            Role = SourceRole.Replica,
            FailedSources = new HashSet<string> { "a" },
        };

        Assert.Equal(["b", "c", "a"], ShardStreamerFactory.OrderSources("uks", shard, request, health: null).Select(s => s.Name));
    }

    private static SourceOptions Source(string name) => new() { Uri = "mysql://u:p@127.0.0.1:3306", Name = name, Role = SourceRole.Replica };

    private static SourceHealth Health(string source, SourceRole role, bool reachable, bool? running, int? lagSeconds) => new()
    {
        Keyspace = "uks",
        Shard = "0",
        Source = source,
        Role = role,
        Reachable = reachable,
        ReplicationRunning = running,
        ReplicationLag = lagSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        CheckedAt = DateTimeOffset.UnixEpoch,
    };
}
