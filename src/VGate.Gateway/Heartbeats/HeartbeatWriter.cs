using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Gateway.Topology;
using VGate.MySql;
using VGate.MySql.Protocol;
using VGate.VStreamer.Filtering;

namespace VGate.Gateway.Heartbeats;

/// <summary>
/// Writes Vitess's heartbeat row to every PRIMARY source of the keyspaces whose <see cref="HeartbeatWriterOptions.Interval"/>
/// is set, as each Vitess primary tablet's heartbeat writer does (go/vt/vttablet/tabletserver/repltracker/writer.go):
/// one row per shard in the keyspace's heartbeat table, <c>keyspaceShard</c> = <c>keyspace/shard</c>,
/// <c>tabletUid</c> = a number stable for the source (<see cref="TabletUid"/>), <c>ts</c> = the time in ns since the epoch.
/// The row changes reach the binlog (and the replicas), so streams with <c>stream_keyspace_heartbeats</c> deliver them as
/// table <c>heartbeat</c> of the keyspace. Each source has its own loop and connection (VGate's own protocol client); a failed
/// write is logged (naming the grant when access is denied) and retried at the next interval.
/// </summary>
public sealed class HeartbeatWriter : IAsyncDisposable
{
    private readonly List<Target> _targets = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private long _writes;

    /// <summary>Plans the writes for a validated topology; nothing runs until <see cref="Start"/>.</summary>
    public HeartbeatWriter(GatewayOptions options, TimeProvider? timeProvider = null, ILogger<HeartbeatWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<HeartbeatWriter>.Instance;
        foreach (var keyspace in options.Keyspaces)
        {
            var writer = HeartbeatSettings.Writer(options, keyspace);
            if (writer.Interval is not { } interval)
                continue;
            var table = HeartbeatSettings.Table(options, keyspace);
            foreach (var shard in keyspace.Shards)
            {
                foreach (var source in shard.Sources.Where(s => s.Role == SourceRole.Primary))
                {
                    var name = TopologyValidator.SourceName(source);
                    _targets.Add(new Target(keyspace.Name, shard.Name, source, name, table, interval, writer.CreateTable,
                        TabletUid(keyspace.Name, shard.Name, name)));
                }
            }
        }
    }

    /// <summary>True when some keyspace has a writer (there is something to start).</summary>
    public bool HasTargets => _targets.Count > 0;

    /// <summary>Heartbeat rows written so far (all sources).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Starts one loop per PRIMARY source; they run until <see cref="DisposeAsync"/>.</summary>
    public void Start()
    {
        lock (_loops)
        {
            if (_loops.Count > 0 || _stop.IsCancellationRequested)
                return;
            foreach (var target in _targets)
                _loops.Add(Task.Run(() => RunAsync(target, _stop.Token)));
        }
    }

    /// <summary>
    /// The <c>tabletUid</c> written for a source: a 32-bit FNV-1a hash of <c>keyspace/shard/source name</c>, so it stays the
    /// same across restarts and differs between sources (the primary that wrote a row can be told from the row).
    /// </summary>
    public static uint TabletUid(string keyspace, string shard, string sourceName)
    {
        var hash = 2166136261u;
        foreach (var c in $"{keyspace}/{shard}/{sourceName}")
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }

    /// <summary>The statements that create the table in Vitess's layout (<c>_vt.heartbeat</c>).</summary>
    internal static string[] CreateStatements(HeartbeatTableName table) =>
    [
        $"CREATE DATABASE IF NOT EXISTS {Quote(table.Database)}",
        $"CREATE TABLE IF NOT EXISTS {Quote(table.Database)}.{Quote(table.Table)} (" +
            "keyspaceShard VARBINARY(256) NOT NULL, tabletUid INT UNSIGNED NOT NULL, ts BIGINT UNSIGNED NOT NULL, " +
            "PRIMARY KEY (keyspaceShard)) ENGINE=InnoDB",
    ];

    /// <summary>The upsert of one heartbeat row (an INSERT the first time, an UPDATE of the row after that).</summary>
    internal static string WriteStatement(HeartbeatTableName table, string keyspace, string shard, uint tabletUid, long nanos) =>
        $"INSERT INTO {Quote(table.Database)}.{Quote(table.Table)} (keyspaceShard, tabletUid, ts) VALUES " +
        $"({QuoteString(keyspace + "/" + shard)}, {tabletUid.ToString(CultureInfo.InvariantCulture)}, {nanos.ToString(CultureInfo.InvariantCulture)}) " +
        "ON DUPLICATE KEY UPDATE tabletUid = VALUES(tabletUid), ts = VALUES(ts)";

    private async Task RunAsync(Target target, CancellationToken cancellationToken)
    {
        HeartbeatLog.Started(_logger, target.Keyspace, target.Shard, target.Table.ToString(), target.SourceName, target.Interval);
        MySqlProtocolConnection? connection = null;
        var created = !target.CreateTable;
        var failing = false;
        using var timer = new PeriodicTimer(target.Interval, _time);
        try
        {
            do
            {
                try
                {
                    connection ??= await MySqlProtocolConnection.ConnectAsync(TopologyValidator.ResolveConnection(target.Source), cancellationToken)
                        .ConfigureAwait(false);
                    if (!created)
                    {
                        await CreateAsync(connection, target, cancellationToken).ConfigureAwait(false);
                        created = true;
                    }
                    var nanos = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
                    await connection.ExecuteAsync(WriteStatement(target.Table, target.Keyspace, target.Shard, target.TabletUid, nanos), cancellationToken)
                        .ConfigureAwait(false);
                    Interlocked.Increment(ref _writes);
                    if (failing)
                    {
                        failing = false;
                        HeartbeatLog.Recovered(_logger, target.Keyspace, target.Shard, target.SourceName);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Logged once per failure streak: a source that stays down would otherwise log at every interval.
                    if (!failing)
                        HeartbeatLog.Failed(_logger, target.Keyspace, target.Shard, target.SourceName, Describe(ex, target));
                    failing = true;
                    if (connection is not null)
                    {
                        await DisposeQuietlyAsync(connection).ConfigureAwait(false);
                        connection = null;
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (a write cut short by the stop may fail with a connection error rather than a cancellation).
        }
        finally
        {
            if (connection is not null)
                await DisposeQuietlyAsync(connection).ConfigureAwait(false);
        }
    }

    private async Task CreateAsync(MySqlProtocolConnection connection, Target target, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var statement in CreateStatements(target.Table))
                await connection.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlServerException ex) when (IsAccessDenied(ex) || ex.ErrorCode == ReadOnlyError)
        {
            // Not allowed to create: the table may have been made by the operator (or by Vitess); the writes say.
            HeartbeatLog.NotCreated(_logger, target.Keyspace, target.Shard, target.Table.ToString(), target.SourceName, ex.Message);
        }
    }

    /// <summary>The failure, with what to grant when the server denied access.</summary>
    private static string Describe(Exception ex, Target target)
    {
        if (ex is MySqlServerException server && IsAccessDenied(server))
        {
            return $"{server.Message} (the source's user needs INSERT and UPDATE on {target.Table}, and CREATE on " +
                $"{Quote(target.Table.Database)}.* to create it: GRANT CREATE, INSERT, UPDATE ON {Quote(target.Table.Database)}.* TO …)";
        }
        if (ex is MySqlServerException readOnly && readOnly.ErrorCode == ReadOnlyError)
            return $"{readOnly.Message} (the source is read-only: heartbeats are written to PRIMARY sources only, check its Role)";
        return ex.Message;
    }

    // ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR.
    private static bool IsAccessDenied(MySqlServerException ex) => ex.ErrorCode is 1044 or 1142 or 1227;

    // ER_OPTION_PREVENTS_STATEMENT (read_only / super_read_only).
    private const int ReadOnlyError = 1290;

    private static async Task DisposeQuietlyAsync(MySqlProtocolConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The connection is already gone; the next tick opens another.
        }
    }

    private static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    private static string QuoteString(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Stops the loops and closes their connections.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] loops;
        lock (_loops)
        {
            if (!_stop.IsCancellationRequested)
                _stop.Cancel();
            loops = [.. _loops];
        }
        await Task.WhenAll(loops).ConfigureAwait(false);
        _stop.Dispose();
    }

    private sealed record Target(string Keyspace, string Shard, SourceOptions Source, string SourceName, HeartbeatTableName Table,
        TimeSpan Interval, bool CreateTable, uint TabletUid);
}
