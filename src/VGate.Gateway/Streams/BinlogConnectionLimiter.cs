using System.Runtime.CompilerServices;
using Binlogdata;
using VGate.Gateway.Topology;
using VGate.VStreamer;

namespace VGate.Gateway.Streams;

/// <summary>
/// Bounds the binlog connections the gateway holds open per shard and source role (<see cref="LimitsOptions.MaxBinlogConnectionsPerShard"/>):
/// each replication connection is one <c>Binlog Dump</c> thread on the source, and the sources' <c>max_connections</c> (MariaDB's
/// default is 151) is shared with their applications. A stream that would go over the limit fails with RESOURCE_EXHAUSTED
/// naming the shard and the setting. A factory that shares connections (<see cref="ShardStreamerFactory"/> with
/// <see cref="Hub.FanOutOptions.ShareReaders"/>: one per shard and source, plus one per stream while it reads a position
/// the shared reader does not have) counts each one through <see cref="ShardStreamRequest.AcquireConnection"/>; any other
/// stream counts as one connection from the moment it is enumerated (when it connects) until it ends.
/// </summary>
internal sealed class BinlogConnectionLimiter(IShardStreamFactory inner, LimitsOptions limits) : IShardStreamFactory
{
    private readonly object _lock = new();
    private readonly Dictionary<(string Keyspace, string Shard, SourceRole Role), int> _open = [];

    /// <summary>Binlog connections open now for a shard and role (for tests and diagnostics).</summary>
    public int OpenConnections(string keyspace, string shard, SourceRole role)
    {
        lock (_lock)
            return _open.GetValueOrDefault((keyspace, shard, role));
    }

    public OpenedShardStream Open(ShardStreamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (limits.MaxBinlogConnectionsPerShard <= 0)
            return inner.Open(request);
        var key = (request.Keyspace, request.Shard, request.Role);
        var opened = inner.Open(request with { AcquireConnection = () => Lease(key) });
        if (opened.CountsConnections)
            return opened;
        return opened with { Batches = CountedAsync(opened.Batches, key) };
    }

    private async IAsyncEnumerable<IReadOnlyList<VEvent>> CountedAsync(IAsyncEnumerable<IReadOnlyList<VEvent>> batches,
        (string Keyspace, string Shard, SourceRole Role) key, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Acquire(key);
        try
        {
            await foreach (var batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
                yield return batch;
        }
        finally
        {
            Release(key);
        }
    }

    /// <summary>Counts one connection in; disposing the result counts it out (once).</summary>
    private ConnectionLease Lease((string Keyspace, string Shard, SourceRole Role) key)
    {
        Acquire(key);
        return new ConnectionLease(this, key);
    }

    private sealed class ConnectionLease(BinlogConnectionLimiter limiter, (string Keyspace, string Shard, SourceRole Role) key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                limiter.Release(key);
        }
    }

    private void Acquire((string Keyspace, string Shard, SourceRole Role) key)
    {
        lock (_lock)
        {
            var open = _open.GetValueOrDefault(key);
            if (open >= limits.MaxBinlogConnectionsPerShard)
            {
                throw VStreamException.ResourceExhausted(
                    $"{key.Keyspace}/{key.Shard}: {open} binlog connections to its {key.Role} sources are open, the limit is " +
                    $"{limits.MaxBinlogConnectionsPerShard} (setting VGate:Limits:MaxBinlogConnectionsPerShard); a stream needs " +
                    "a connection of its own only while it reads a position the shared reader does not have (with VGate:FanOut:ShareReaders " +
                    "false, every distinct filter needs one)");
            }
            _open[key] = open + 1;
        }
    }

    private void Release((string Keyspace, string Shard, SourceRole Role) key)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(key, out var open) && open > 1)
                _open[key] = open - 1;
            else
                _open.Remove(key);
        }
    }
}
