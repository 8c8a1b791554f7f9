using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.MySql;
using VGate.Gateway.Logging;
using VGate.Gateway.Topology;
using VGate.MySql.Protocol;

namespace VGate.Gateway.Health;

/// <summary>
/// Checks every configured source periodically (<see cref="SourceHealthOptions"/>): connects, runs <c>SELECT VERSION()</c>,
/// and for replica and rdonly sources reads the replication state (MariaDB <c>SHOW ALL SLAVES STATUS</c>, MySQL
/// <c>SHOW REPLICA STATUS</c> or, before 8.0.22, <c>SHOW SLAVE STATUS</c>). <see cref="Streams.ShardStreamerFactory"/> uses
/// the results to prefer healthy, least-lagged sources.
/// </summary>
/// <remarks>
/// Metrics, on its own instance of the <c>VGate.Gateway</c> meter (gone when the monitor is disposed), tags <c>keyspace</c>,
/// <c>shard</c>, <c>source</c>, <c>role</c>:
/// <list type="table">
/// <item><term><c>vgate.gateway.source.up</c></term><description>1 when the last check reached the source, 0 when not.</description></item>
/// <item><term><c>vgate.gateway.source.healthy</c></term><description>1 when reachable and (for replicas) replicating within the maximum lag.</description></item>
/// <item><term><c>vgate.gateway.source.replication_lag</c></term><description>Seconds behind its primary (replica and rdonly sources whose lag is known).</description></item>
/// <item><term><c>vgate.gateway.shard.lag</c>, <c>vgate.gateway.shard.lag.bytes</c>, <c>vgate.gateway.copy.rows</c>,
/// <c>vgate.gateway.copy.rows.estimated</c></term><description>How far the running shard streams are behind, and their copy
/// progress (<see cref="StreamProgressRegistry"/>; tags <c>keyspace</c>, <c>shard</c>[, <c>table</c>]); the bytes behind
/// compare a stream's position with the source's binlog end read by the latest check (<c>SHOW BINARY LOGS</c>).</description></item>
/// <item><term><c>vgate.gateway.source.transport_verified</c></term><description>Every configured source: 1 for verified TLS or a Unix socket,
/// 0 for plaintext or unverified TLS; extra tag <c>transport</c> (plaintext, preferred, tls-unverified, tls-verified, unix-socket).</description></item>
/// </list>
/// The checking user needs no privilege for the reachability check; the replication state needs <c>REPLICATION CLIENT</c>
/// (MySQL) or <c>SLAVE MONITOR</c>/<c>REPLICA MONITOR</c> (MariaDB). A denied status query counts as "not replicating".
/// </remarks>
public sealed class SourceHealthMonitor : IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Keyspace, string Shard, string Source), SourceHealth> _health = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Meter _meter;
    private readonly List<SourceTransport> _transports;
    private Task _loop = Task.CompletedTask;
    private int _started;

    /// <summary>Creates the monitor over a validated topology; call <see cref="Start"/> to begin checking.</summary>
    public SourceHealthMonitor(GatewayOptions options, TimeProvider? timeProvider = null, ILogger<SourceHealthMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _meter = new Meter(GatewayMetrics.MeterName);
        _meter.CreateObservableGauge("vgate.gateway.source.up", () => Measure(h => h.Reachable ? 1 : 0), "{source}",
            "1 when the last health check reached the source");
        _meter.CreateObservableGauge("vgate.gateway.source.healthy", () => Measure(h => h.IsHealthy(MaxReplicationLag) ? 1 : 0), "{source}",
            "1 when the source is reachable and, for replicas, replicating within the maximum lag");
        _meter.CreateObservableGauge("vgate.gateway.source.replication_lag", MeasureLag, "s",
            "Replication lag of replica sources, in seconds");
        _transports = DescribeTransports(options);
        _meter.CreateObservableGauge("vgate.gateway.source.transport_verified", MeasureTransports, "{source}",
            "1 when the source is reached over TLS with a verified certificate or a Unix socket, 0 over plaintext or unverified TLS");
        Streams = new StreamProgressRegistry(_meter, Get, _time);
    }

    /// <summary>The shard streams reading now, for the lag and copy metrics (<see cref="Streams.ShardStreamerFactory"/> registers them).</summary>
    internal StreamProgressRegistry Streams { get; }

    /// <summary>The lag above which a replica is only a last resort.</summary>
    public TimeSpan MaxReplicationLag => _options.Health.MaxReplicationLag;

    /// <summary>Starts checking every <see cref="SourceHealthOptions.Interval"/> (the first round at once); does nothing when disabled.</summary>
    /// <remarks>Also logs, once per source (even with the checks disabled), a warning for each source reached over plaintext or
    /// unverified TLS.</remarks>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            return;
        foreach (var transport in _transports)
        {
            if (transport.Risk is { } risk)
                Log.SourceTransportInsecure(_logger, transport.Keyspace, transport.Shard, transport.Source, risk);
        }
        if (!_options.Health.Enabled)
            return;
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>The latest result for a source; null before its first check.</summary>
    public SourceHealth? Get(string keyspace, string shard, string source) =>
        _health.TryGetValue((keyspace, shard, source), out var health) ? health : null;

    /// <summary>Records a result as if a check had produced it (tests).</summary>
    internal void Record(SourceHealth health) => _health[(health.Keyspace, health.Shard, health.Source)] = health;

    /// <summary>The latest results of every checked source.</summary>
    public IReadOnlyList<SourceHealth> Snapshot() => [.. _health.Values];

    /// <summary>Checks every source once, in parallel, and records the results.</summary>
    public async Task CheckAllAsync(CancellationToken cancellationToken = default)
    {
        var checks = new List<Task>();
        foreach (var keyspace in _options.Keyspaces)
        {
            foreach (var shard in keyspace.Shards)
            {
                foreach (var source in shard.Sources)
                    checks.Add(CheckAndRecordAsync(keyspace.Name, shard.Name, source, cancellationToken));
            }
        }
        await Task.WhenAll(checks).ConfigureAwait(false);
    }

    /// <summary>Stops the checks and removes the metrics.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _meter.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Health.Interval, _time);
        try
        {
            do
            {
                await CheckAllAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task CheckAndRecordAsync(string keyspace, string shard, SourceOptions source, CancellationToken cancellationToken)
    {
        var name = TopologyValidator.SourceName(source);
        SourceHealth health;
        try
        {
            health = await CheckAsync(keyspace, shard, name, source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: a check cut short may end in any error (MySqlConnector reports a connect cancelled mid-handshake
            // as "Unable to connect"), and none of them may escape from DisposeAsync.
            return;
        }

        var previous = Get(keyspace, shard, name);
        _health[(keyspace, shard, name)] = health;
        if (!health.Reachable && previous?.Reachable != false)
            Log.SourceUnhealthy(_logger, keyspace, shard, name, health.Problem ?? "unknown");
        else if (health.Reachable && previous?.Reachable == false)
            Log.SourceHealthy(_logger, keyspace, shard, name);
        if (health.Reachable && health.Role != SourceRole.Primary && !health.IsHealthy(MaxReplicationLag)
            && (previous is null || previous.IsHealthy(MaxReplicationLag) || !previous.Reachable))
        {
            Log.SourceLagging(_logger, keyspace, shard, name, health.Problem
                ?? $"replication lag {health.ReplicationLag?.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} s is above {MaxReplicationLag.TotalSeconds:0} s");
        }
    }

    /// <summary>One check: reachability, then (replicas) replication state. Never throws but for cancellation by the caller.</summary>
    private async Task<SourceHealth> CheckAsync(string keyspace, string shard, string name, SourceOptions source, CancellationToken cancellationToken)
    {
        var timeout = _options.Health.Timeout;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            // Always a new connection: a kept one to a server that was killed would look alive until used.
            var options = TopologyValidator.ResolveConnection(source).Clone();
            options.ConnectTimeout = timeout;
            var connection = await MySqlProtocolConnection.ConnectAsync(options, linked.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var version = await connection.QueryScalarAsync("SELECT VERSION()", linked.Token).ConfigureAwait(false) ?? "";
                var uptime = await ReadUptimeAsync(connection, linked.Token).ConfigureAwait(false);
                var binlogs = await ReadBinlogsAsync(connection, linked.Token).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var health = new SourceHealth
                {
                    Keyspace = keyspace,
                    Shard = shard,
                    Source = name,
                    Role = source.Role,
                    Reachable = true,
                    ServerStartedAt = uptime is { } seconds ? TruncateToSecond(now - TimeSpan.FromSeconds(seconds)) : null,
                    Binlogs = binlogs,
                    CheckedAt = now,
                };
                if (source.Role == SourceRole.Primary)
                    return health;

                var (running, lag, problem) = await ReadReplicationAsync(connection, version, linked.Token).ConfigureAwait(false);
                return health with { ReplicationRunning = running, ReplicationLag = lag, Problem = problem, CheckedAt = _time.GetUtcNow() };
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (SourceSqlErrors.IsSourceFailure(ex) || ex is OperationCanceledException))
        {
            var reason = ex is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : ex.Message;
            return new SourceHealth
            {
                Keyspace = keyspace,
                Shard = shard,
                Source = name,
                Role = source.Role,
                Reachable = false,
                Problem = reason,
                CheckedAt = _time.GetUtcNow(),
            };
        }
    }

    // Server error codes the checks tell apart: ER_PARSE_ERROR (SHOW REPLICA STATUS before MySQL 8.0.22),
    // ER_ACCESS_DENIED_ERROR and ER_SPECIFIC_ACCESS_DENIED_ERROR (a missing REPLICATION CLIENT / SLAVE MONITOR grant).
    private const int ParseError = 1064;
    private const int AccessDenied = 1045;
    private const int SpecificAccessDenied = 1227;

    private static async Task<(bool Running, TimeSpan? Lag, string? Problem)> ReadReplicationAsync(
        MySqlProtocolConnection connection, string version, CancellationToken cancellationToken)
    {
        SqlResult rows;
        try
        {
            if (version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
            {
                rows = await connection.QueryResultAsync("SHOW ALL SLAVES STATUS", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    rows = await connection.QueryResultAsync("SHOW REPLICA STATUS", cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlServerException ex) when (ex.ErrorCode == ParseError)
                {
                    // MySQL before 8.0.22.
                    rows = await connection.QueryResultAsync("SHOW SLAVE STATUS", cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (MySqlServerException ex) when (ex.ErrorCode is SpecificAccessDenied or AccessDenied)
        {
            return (false, null, $"cannot read the replication status: {ex.ServerMessage} (grant REPLICATION CLIENT, or SLAVE MONITOR on MariaDB)");
        }
        return ReplicationStatus.Read(rows.ToDictionaries());
    }

    /// <summary>
    /// The server's <c>Uptime</c> status in seconds (<c>SHOW GLOBAL STATUS</c> needs no privilege, on MySQL and MariaDB
    /// alike); null when it cannot be read. Reported by <c>SHOW VITESS_TABLETS</c> as a primary's term start.
    /// </summary>
    private static async Task<long?> ReadUptimeAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var rows = await connection.QueryAsync("SHOW GLOBAL STATUS LIKE 'Uptime'", cancellationToken).ConfigureAwait(false);
            return rows.Count == 1 && long.TryParse(rows[0][1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                ? seconds
                : null;
        }
        catch (MySqlServerException)
        {
            return null;
        }
    }

    /// <summary>
    /// The source's binlog files with their sizes (<c>SHOW BINARY LOGS</c>: <c>Log_name</c>, <c>File_size</c>); the last size
    /// is where the binlog ends now. Null without binary logging or the privilege (the lag in bytes is then unknown).
    /// </summary>
    private static async Task<IReadOnlyList<BinlogFileSize>?> ReadBinlogsAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var rows = await connection.QueryAsync("SHOW BINARY LOGS", cancellationToken).ConfigureAwait(false);
            var files = new List<BinlogFileSize>(rows.Count);
            foreach (var row in rows)
            {
                if (row.Length < 2 || row[0] is not { Length: > 0 } name
                    || !long.TryParse(row[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
                    return null;
                files.Add(new BinlogFileSize(name, size));
            }
            return files;
        }
        catch (MySqlServerException)
        {
            return null;
        }
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, time.Offset);

    // From the configuration, not from connections: what each source's URI allows at best (ssl-mode preferred is counted as
    // unverified, as it may fall back to plaintext and never verifies).
    private static List<SourceTransport> DescribeTransports(GatewayOptions options)
    {
        var transports = new List<SourceTransport>();
        foreach (var keyspace in options.Keyspaces)
        {
            foreach (var shard in keyspace.Shards)
            {
                foreach (var source in shard.Sources)
                {
                    MySqlConnectionOptions connection;
                    try
                    {
                        connection = MySqlConnectionOptions.Parse(source.Uri);
                    }
                    catch (FormatException)
                    {
                        continue; // reported by the topology validation
                    }

                    var kind = connection.UnixSocket is { Length: > 0 } ? "unix-socket" : connection.SslMode switch
                    {
                        VGate.MySql.Protocol.MySqlSslMode.None => "plaintext",
                        VGate.MySql.Protocol.MySqlSslMode.Preferred => "preferred",
                        VGate.MySql.Protocol.MySqlSslMode.Required => "tls-unverified",
                        _ => "tls-verified",
                    };
                    transports.Add(new SourceTransport(keyspace.Name, shard.Name, TopologyValidator.SourceName(source), source.Role, kind,
                        connection.DescribeTransportRisk()));
                }
            }
        }
        return transports;
    }

    private IEnumerable<Measurement<int>> MeasureTransports() =>
        _transports.Select(t => new Measurement<int>(t.Risk is null ? 1 : 0,
        [
            new("keyspace", t.Keyspace),
            new("shard", t.Shard),
            new("source", t.Source),
            new("role", t.Role.ToString().ToLowerInvariant()),
            new("transport", t.Kind),
        ]));

    private IEnumerable<Measurement<int>> Measure(Func<SourceHealth, int> value) =>
        _health.Values.Select(h => new Measurement<int>(value(h), Tags(h)));

    private IEnumerable<Measurement<double>> MeasureLag() =>
        _health.Values
            .Where(h => h.Reachable && h.Role != SourceRole.Primary && h.ReplicationLag is not null)
            .Select(h => new Measurement<double>(h.ReplicationLag!.Value.TotalSeconds, Tags(h)));

    private static KeyValuePair<string, object?>[] Tags(SourceHealth health) =>
    [
        new("keyspace", health.Keyspace),
        new("shard", health.Shard),
        new("source", health.Source),
        new("role", health.Role.ToString().ToLowerInvariant()),
    ];

    private sealed record SourceTransport(string Keyspace, string Shard, string Source, SourceRole Role, string Kind, string? Risk);
}
