using Binlogdata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.MySql.Positions;

namespace VGate.Gateway.Hub;

/// <summary>
/// An <see cref="IShardStreamFactory"/> that lets the streams of one shard share a binlog reader: streams with the same
/// keyspace, shard, source role and filter (<see cref="HubKey"/>) attach to one <see cref="ShardHub"/> when their position is
/// in its ring, and read on their own connection (through the inner factory) otherwise, moving onto the hub as soon as their
/// own stream reaches a position the hub has. <see cref="VStreamGateway"/> puts it in front of its factory unless
/// <see cref="FanOutOptions.Enabled"/> is false.
/// </summary>
/// <remarks>
/// <para>Hubs share the events of one filter. Below them, with <see cref="FanOutOptions.ShareReaders"/>, the real factory
/// (<see cref="ShardStreamerFactory"/>) makes every shard stream it opens — each hub's reader, each stream on its own — read
/// the raw events of one replication connection per shard and source (<see cref="VGate.MySql.Replication.SharedBinlogReaders"/>),
/// so distinct filters do not cost a <c>Binlog Dump</c> thread each.</para>
/// <para>Exactly-once across moves: a subscriber only attaches or detaches between transactions, at the position after its
/// last complete transaction, and positions are compared as GTID sets; the hub or the new connection then delivers exactly
/// the transactions after that position. A subscriber detached in the middle of a transaction (it fell behind the ring, or
/// the hub lost its source mid-transaction) fails with UNAVAILABLE, and the session reopens it at its last position as after
/// any source error.</para>
/// <para>Copy-phase streams (position <c>""</c> or <c>table_p_ks</c>) and file positions do not start on a hub: they read on
/// their own connection and attach at their first transaction boundary after the copy (or after the first GTID).</para>
/// </remarks>
public sealed class FanOutShardStreamFactory : IShardStreamFactory, IAsyncDisposable
{
    /// <summary>The source name reported for hub-managed streams.</summary>
    public const string SourceName = "fan-out hub";

    private readonly IShardStreamFactory _inner;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _hubsLock = new();
    private readonly Dictionary<HubKey, ShardHub> _hubs = [];
    private readonly HubWakeClock? _wakeClock;
    private bool _disposed;

    /// <summary>Creates the factory in front of <paramref name="inner"/>, which opens the actual readers.</summary>
    public FanOutShardStreamFactory(IShardStreamFactory inner, GatewayOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        _inner = inner;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        if (options.FanOut.CoalesceSubscribers > 0 && options.FanOut.CoalesceInterval > TimeSpan.Zero)
            _wakeClock = new HubWakeClock(_time, options.FanOut.CoalesceInterval);
    }

    /// <summary>How many hubs exist now (for tests and diagnostics).</summary>
    public int HubCount
    {
        get
        {
            lock (_hubsLock)
                return _hubs.Count;
        }
    }

    /// <inheritdoc />
    /// <remarks>Nothing is opened until the stream is enumerated; errors of the inner factory surface then.</remarks>
    public OpenedShardStream Open(ShardStreamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var subscriber = new HubSubscriber(this, _inner, request);
        return new OpenedShardStream(SourceName, subscriber.RunAsync()) { CurrentSource = () => subscriber.Blame };
    }

    /// <summary>Closes every hub; their subscribers get UNAVAILABLE.</summary>
    public async ValueTask DisposeAsync()
    {
        List<ShardHub> hubs;
        lock (_hubsLock)
        {
            _disposed = true;
            hubs = [.. _hubs.Values];
            _hubs.Clear();
        }
        foreach (var hub in hubs)
            await hub.CloseAsync().ConfigureAwait(false);
        _wakeClock?.Dispose();
    }

    /// <summary>
    /// Attaches to the hub of <paramref name="key"/> after <paramref name="position"/> (null: current), creating the hub there
    /// when there is none; null when a hub exists but cannot serve that position.
    /// </summary>
    internal HubCursor? Attach(HubKey key, Filter? filter, string positionText, ReplicationPosition? position)
    {
        lock (_hubsLock)
        {
            if (_disposed)
                return null;
            if (_hubs.TryGetValue(key, out var existing))
            {
                switch (existing.TryAttach(position, out var cursor))
                {
                    case ShardHub.AttachResult.Attached:
                        return cursor;
                    case ShardHub.AttachResult.Outside:
                        return null;
                    default:
                        _hubs.Remove(key);
                        break;
                }
            }

            var hub = new ShardHub(key, filter?.Clone(), positionText, position, _inner, _options, _time, _logger, RemoveHub, _wakeClock);
            if (hub.TryAttach(position, out var first) != ShardHub.AttachResult.Attached || first is null)
                throw new InvalidOperationException($"a new hub for {key} did not accept its first subscriber at '{positionText}'");
            _hubs[key] = hub;
            hub.Start();
            return first;
        }
    }

    private void RemoveHub(ShardHub hub)
    {
        lock (_hubsLock)
        {
            if (_hubs.TryGetValue(hub.Key, out var current) && ReferenceEquals(current, hub))
                _hubs.Remove(hub.Key);
        }
    }
}
