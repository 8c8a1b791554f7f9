using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Gateway.Health;
using VGate.Gateway.Topology;
using VGate.MySql.Replication;
using VGate.VStreamer;

namespace VGate.Gateway.Streams;

/// <summary>
/// The real <see cref="IShardStreamFactory"/>: picks a source of the requested role from the topology and runs a
/// <see cref="ShardStreamer"/> on it. Excluded sources are never picked; among the others, ones that have not failed for
/// this stream come first, then (with a <see cref="SourceHealthMonitor"/>) healthy ones, not yet checked ones, lagging or
/// non-replicating ones, unreachable ones; then the least replication lag; then configuration order. With health checks, a
/// stream whose source turns unhealthy while a healthy one is left moves to it after the current transaction
/// (<see cref="HealthWatch"/>). A PRIMARY stream whose primary failed continues on a replica or rdonly source of the shard
/// (<see cref="GatewayOptions.PrimaryFailoverToReplicas"/>).
/// </summary>
public sealed class ShardStreamerFactory : IShardStreamFactory
{
    private readonly GatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SourceHealthMonitor? _health;
    private readonly ILogger _logger;
    private readonly SharedBinlogReaders? _shared;
    private readonly IReadOnlyDictionary<string, KeyspaceVindexes> _vindexes;
    private readonly string? _vindexError;

    /// <summary>Creates the factory over a validated topology; <paramref name="health"/> (optional) ranks the sources.</summary>
    public ShardStreamerFactory(GatewayOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, SourceHealthMonitor? health = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _health = health;
        _logger = _loggerFactory.CreateLogger<ShardStreamerFactory>();
        if (options.FanOut is { Enabled: true, ShareReaders: true } fanOut)
            _shared = new SharedBinlogReaders(fanOut.SharedReaderRingBytes);
        // Validation at start reports VSchema problems; a topology built without it fails each stream with the reason.
        try
        {
            _vindexes = VSchemaLoader.Load(options);
        }
        catch (VGate.VStreamer.Vindexes.VindexDefinitionException ex)
        {
            _vindexes = new Dictionary<string, KeyspaceVindexes>();
            _vindexError = ex.Message;
        }
    }

    /// <summary>The replication connections shared by the streams of one source; null when not shared (for tests and diagnostics).</summary>
    public SharedBinlogReaders? SharedReaders => _shared;

    /// <inheritdoc />
    public OpenedShardStream Open(ShardStreamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keyspace = _options.Keyspaces.FirstOrDefault(k => k.Name == request.Keyspace)
            ?? throw VStreamException.InvalidArgument($"unknown keyspace '{request.Keyspace}'");
        var shard = keyspace.Shards.FirstOrDefault(s => s.Name == request.Shard)
            ?? throw VStreamException.InvalidArgument($"unknown shard '{request.Shard}' in keyspace '{request.Keyspace}'");

        var candidates = OrderSources(keyspace.Name, shard, request, _health, _options.PrimaryFailoverToReplicas);
        if (candidates.Count == 0)
        {
            throw VStreamException.Unavailable(
                $"{request.Keyspace}/{request.Shard}: no {request.Role} source left" +
                (request.Cells.Count > 0 ? $" in cells {SourceCells.Format(request.Cells)}" : "") +
                (request.ExcludedSources.Count > 0 ? $" (excluded: {string.Join(", ", request.ExcludedSources)})" : ""));
        }

        if (_vindexError is not null)
            throw VStreamException.InvalidArgument($"the vindex configuration is invalid: {_vindexError}");
        var vindexes = _vindexes.GetValueOrDefault(keyspace.Name, KeyspaceVindexes.Empty);
        var source = candidates[0];
        var name = TopologyValidator.SourceName(source);
        var connection = TopologyValidator.ResolveConnection(source);
        var progress = _health?.Streams.Add(keyspace.Name, shard.Name, name);
        var streamer = new ShardStreamer(
            new ShardStreamerOptions
            {
                Keyspace = keyspace.Name,
                Shard = shard.Name,
                Source = connection,
                Database = keyspace.Database ?? keyspace.Name,
                Position = request.Position,
                Filter = request.Filter,
                PrimaryVindexes = vindexes.Tables,
                Vindexes = vindexes.Vindexes,
                TablePKs = request.TablePKs,
                TablesToCopy = request.TablesToCopy,
                HeartbeatTable = request.StreamKeyspaceHeartbeats ? Heartbeats.HeartbeatSettings.Table(_options, keyspace) : null,
                TimeProvider = _timeProvider,
                MaxEventBytes = _options.MaxEventBytes,
                EventReaders = _shared is { } shared
                    ? clientOptions => shared.Open($"{keyspace.Name}/{shard.Name}/{request.Role}/{name}", clientOptions, request.AcquireConnection)
                    : null,
                Progress = progress,
            },
            _loggerFactory.CreateLogger<ShardStreamer>());
        var batches = progress is null ? streamer.StreamAsync() : Tracked(streamer.StreamAsync(), progress, _health!);
        if (_health is not null && _options.Health.LeaveUnhealthySource)
            batches = HealthWatch.LeaveWhenUnhealthyAsync(batches, _health, keyspace.Name, shard, source, request, _logger);
        return new OpenedShardStream(name, batches) { CountsConnections = _shared is not null };
    }

    /// <summary>The stream, counted in the lag and copy metrics from its first read until it ends.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<Binlogdata.VEvent>> Tracked(IAsyncEnumerable<IReadOnlyList<Binlogdata.VEvent>> batches,
        ShardStreamProgress progress, SourceHealthMonitor health, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
                yield return batch;
        }
        finally
        {
            health.Streams.Remove(progress);
        }
    }

    /// <summary>
    /// The usable sources of the requested role, best first (see the class remarks). With
    /// <paramref name="primaryFailoverToReplicas"/>, a PRIMARY request may also use the shard's other sources: after the
    /// sources of its role that have not failed for this stream, before those that have.
    /// </summary>
    internal static List<SourceOptions> OrderSources(string keyspace, ShardOptions shard, ShardStreamRequest request, SourceHealthMonitor? health,
        bool primaryFailoverToReplicas = false)
    {
        var maxLag = health?.MaxReplicationLag ?? TimeSpan.MaxValue;
        var anyRole = primaryFailoverToReplicas && request.Role == SourceRole.Primary;
        return shard.Sources
            .Select((source, index) => (Source: source, Index: index, Name: TopologyValidator.SourceName(source)))
            .Where(c => (anyRole || c.Source.Role == request.Role) && !request.ExcludedSources.Contains(c.Name) &&
                SourceCells.Allows(request.Cells, c.Source))
            .Select(c => (c.Source, c.Index, c.Name, Health: health?.Get(keyspace, shard.Name, c.Name)))
            .OrderBy(c => request.FailedSources.Contains(c.Name) ? 1 : 0)
            // A switchover: the configured primary failed, and a replica (which has the primary's transactions under the
            // same GTIDs, log_slave_updates) may be the new primary. A replica that lacks the stream's position refuses it
            // (GTIDSet Mismatch) and is excluded, so no transaction is skipped.
            .ThenBy(c => c.Source.Role == request.Role ? 0 : 1)
            .ThenBy(c => health is null ? 0 : SourceHealth.Rank(c.Health, maxLag))
            .ThenBy(c => c.Health?.ReplicationLag ?? TimeSpan.MaxValue)
            .ThenBy(c => c.Index)
            .Select(c => c.Source)
            .ToList();
    }
}
