using VGate.Gateway.Health;
using VGate.Gateway.Topology;
using VGate.Testing.MySqlSource;

namespace VGate.Gateway.Tests.Health;

/// <summary>
/// Health checks on the MySQL path (SELECT VERSION(), SHOW GLOBAL STATUS LIKE 'Uptime', SHOW REPLICA STATUS with
/// MySQL 8.4's column names) against <see cref="MySqlSourceServer"/> as a primary and as a replica whose status row
/// the test sets.
/// </summary>
public sealed class SourceHealthMySqlSourceTests
{
    [Fact]
    public async Task CheckAll_MySqlReplicaRunningStoppedAndLagging_EachReported()
    {
        await using var primary = Start();
        await using var replica = Start();
        replica.ReplicaStatus = Status(io: "Yes", sql: "Yes", secondsBehind: "0", error: "");
        var options = new GatewayOptions
        {
            Health = new SourceHealthOptions { Interval = TimeSpan.FromMinutes(5), Timeout = TimeSpan.FromSeconds(10), MaxReplicationLag = TimeSpan.FromSeconds(30) },
            Keyspaces =
            [
                new KeyspaceOptions
                {
                    Name = "my",
                    Shards =
                    [
                        new ShardOptions
                        {
                            Name = "0",
                            Sources =
                            [
                                new SourceOptions { Uri = Uri(primary), Name = "primary", Role = SourceRole.Primary },
                                new SourceOptions { Uri = Uri(replica), Name = "replica", Role = SourceRole.Replica },
                            ],
                        },
                    ],
                },
            ],
        };
        await using var monitor = new SourceHealthMonitor(options);

        await monitor.CheckAllAsync();
        var primaryHealth = monitor.Get("my", "0", "primary")!;
        Assert.True(primaryHealth.Reachable, primaryHealth.Problem);
        Assert.Null(primaryHealth.ReplicationRunning);
        Assert.NotNull(primaryHealth.ServerStartedAt);
        var healthy = monitor.Get("my", "0", "replica")!;
        Assert.True(healthy.IsHealthy(options.Health.MaxReplicationLag), healthy.Problem);
        Assert.Equal(TimeSpan.Zero, healthy.ReplicationLag);

        replica.ReplicaStatus = Status(io: "No", sql: "Yes", secondsBehind: null,
            error: "Got fatal error 1236 from source when reading data from binary log");
        await monitor.CheckAllAsync();
        var stopped = monitor.Get("my", "0", "replica")!;
        Assert.False(stopped.ReplicationRunning);
        Assert.Contains("replication is not running (IO thread: No, SQL thread: Yes): Got fatal error 1236", stopped.Problem, StringComparison.Ordinal);

        replica.ReplicaStatus = Status(io: "Yes", sql: "Yes", secondsBehind: "120", error: "");
        await monitor.CheckAllAsync();
        var lagging = monitor.Get("my", "0", "replica")!;
        Assert.True(lagging.ReplicationRunning);
        Assert.Equal(TimeSpan.FromSeconds(120), lagging.ReplicationLag);
        Assert.False(lagging.IsHealthy(options.Health.MaxReplicationLag));

        Assert.Empty(primary.UnexpectedQueries);
        Assert.Empty(replica.UnexpectedQueries);
        Assert.Contains("SHOW REPLICA STATUS", replica.Queries);
    }

    private static MySqlSourceServer Start() => MySqlSourceServer.Start(new MySqlSourceOptions
    {
        BinlogFile = MySqlBinlogFixtures.PathOf(MySqlBinlogFixtures.EnumStringSet),
        Users = [new MySqlSourceUser("monitor", "m0nitor", MySqlSourceUser.NativePassword)],
    });

    private static string Uri(MySqlSourceServer source) => $"mysql://{source.User.Name}:{source.User.Password}@{source.Host}:{source.Port}?ssl-mode=disabled";

    /// <summary>A MySQL 8.4 SHOW REPLICA STATUS row (the columns the check reads, names as 8.4 prints them).</summary>
    private static Dictionary<string, string?> Status(string io, string sql, string? secondsBehind, string error) => new()
    {
        ["Replica_IO_State"] = io == "Yes" ? "Waiting for source to send event" : "",
        ["Source_Host"] = "db-primary",
        ["Replica_IO_Running"] = io,
        ["Replica_SQL_Running"] = sql,
        ["Last_IO_Error"] = error,
        ["Last_SQL_Error"] = "",
        ["Seconds_Behind_Source"] = secondsBehind,
        ["Channel_Name"] = "",
    };
}
