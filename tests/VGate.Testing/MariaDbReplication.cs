using System.Globalization;

namespace VGate.Testing;

/// <summary>
/// MariaDB replication between <see cref="MariaDbServer"/>s for failover and health tests: a replica that follows a primary
/// by GTID (<c>MASTER_USE_GTID=slave_pos</c>) and writes what it applies to its own binary log
/// (<c>log_slave_updates=ON</c>), so its binlog holds the primary's transactions under the same GTIDs and a stream can move
/// between the primary and its replicas at the same position.
/// </summary>
public static class MariaDbReplication
{
    /// <summary>
    /// Starts a new server (<paramref name="options"/>, default ROW/FULL/FULL) that replicates from
    /// <paramref name="primary"/> as its replication user, and waits until both replication threads run. The replica
    /// reconnects every second when the primary goes away. The caller disposes it.
    /// </summary>
    public static async Task<MariaDbServer> StartReplicaAsync(MariaDbServer primary, MariaDbServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(primary);
        options ??= new MariaDbServerOptions();
        options = options with
        {
            Name = options.Name ?? "replica",
            ExtraArguments = [.. options.ExtraArguments, "--log-slave-updates=ON"],
        };
        var replica = await MariaDbServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            await replica.ExecuteAsync(
                string.Create(CultureInfo.InvariantCulture,
                    $"CHANGE MASTER TO MASTER_HOST='{MariaDbServer.Host}', MASTER_PORT={primary.Port}, ") +
                $"MASTER_USER='{primary.ReplicationUser}', MASTER_PASSWORD='{primary.ReplicationPassword}', " +
                "MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE",
                cancellationToken).ConfigureAwait(false);
            await WaitUntilRunningAsync(replica, cancellationToken).ConfigureAwait(false);
            return replica;
        }
        catch
        {
            await replica.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits (up to <paramref name="timeout"/>, default 60 s) until <paramref name="replica"/> has applied everything in
    /// <paramref name="primary"/>'s binary log (<c>MASTER_GTID_WAIT</c>); throws <see cref="TimeoutException"/> otherwise.
    /// </summary>
    public static async Task WaitForCatchUpAsync(MariaDbServer replica, MariaDbServer primary, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(primary);
        var position = await primary.GetGtidBinlogPosAsync(cancellationToken).ConfigureAwait(false);
        if (position.Length == 0)
            return;
        var seconds = (timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds;
        var result = await replica.ScalarAsync<long>(
            string.Create(CultureInfo.InvariantCulture, $"SELECT MASTER_GTID_WAIT('{position}', {seconds:0.###})"),
            cancellationToken).ConfigureAwait(false);
        if (result != 0)
            throw new TimeoutException($"{replica} did not reach {primary}'s position {position} within {seconds:0} s.");
    }

    /// <summary>Stops both replication threads (<c>STOP SLAVE</c>).</summary>
    public static Task StopAsync(MariaDbServer replica, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return replica.ExecuteAsync("STOP SLAVE", cancellationToken);
    }

    /// <summary>Starts replication again (<c>START SLAVE</c>) and waits until both threads run.</summary>
    public static async Task StartAsync(MariaDbServer replica, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replica);
        await replica.ExecuteAsync("START SLAVE", cancellationToken).ConfigureAwait(false);
        await WaitUntilRunningAsync(replica, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes the replica apply each transaction <paramref name="delay"/> after the primary committed it
    /// (<c>MASTER_DELAY</c>), which shows as replication lag; restarts replication to apply it.
    /// </summary>
    public static async Task SetDelayAsync(MariaDbServer replica, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replica);
        await replica.ExecuteAsync(
            string.Create(CultureInfo.InvariantCulture, $"STOP SLAVE; CHANGE MASTER TO MASTER_DELAY={(long)delay.TotalSeconds}; START SLAVE"),
            cancellationToken).ConfigureAwait(false);
        await WaitUntilRunningAsync(replica, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The number of binlog readers connected to <paramref name="server"/> (<c>Binlog Dump</c> threads).</summary>
    public static async Task<int> CountBinlogReadersAsync(MariaDbServer server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        return (int)await server.ScalarAsync<long>(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'", cancellationToken).ConfigureAwait(false);
    }

    private static Task WaitUntilRunningAsync(MariaDbServer replica, CancellationToken cancellationToken) =>
        Eventually.AssertAsync(
            async () =>
            {
                var rows = await replica.QueryAsync("SHOW SLAVE STATUS", cancellationToken).ConfigureAwait(false);
                if (rows.Count == 0)
                    throw new InvalidOperationException($"{replica} has no replication configured.");
                var status = await replica.QueryAsync(
                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING'",
                    cancellationToken).ConfigureAwait(false);
                var running = status.Count > 0 ? Convert.ToString(status[0][0], CultureInfo.InvariantCulture) : null;
                if (!string.Equals(running, "ON", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"{replica}: replication is not running yet (Slave_running={running ?? "?"}).");
            },
            TimeSpan.FromSeconds(120),
            cancellationToken);
}
