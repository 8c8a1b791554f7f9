using System.Runtime.CompilerServices;
using Binlogdata;
using VGate.Gateway.Topology;
using VGate.VStreamer;

namespace VGate.Gateway.Streams;

/// <summary>
/// Bounds the binlog connections the gateway holds open per shard and source role (<see cref="LimitsOptions.MaxBinlogConnectionsPerShard"/>):
/// every shard stream the real factory opens — a fan-out hub's reader, a stream on a connection of its own (copy phase,
/// behind a hub's ring) — is one <c>Binlog Dump</c> thread on the source, and the sources' <c>max_connections</c> (MariaDB's
/// default is 151) is shared with their applications. A stream that would go over the limit fails with RESOURCE_EXHAUSTED
/// naming the shard and the setting. Counted from the moment the stream is enumerated (when it connects) until it ends.
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
        var opened = inner.Open(request);
        if (limits.MaxBinlogConnectionsPerShard <= 0)
            return opened;
        return opened with { Batches = CountedAsync(opened.Batches, (request.Keyspace, request.Shard, request.Role)) };
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

    private void Acquire((string Keyspace, string Shard, SourceRole Role) key)
    {
        lock (_lock)
        {
            var open = _open.GetValueOrDefault(key);
            if (open >= limits.MaxBinlogConnectionsPerShard)
            {
                throw VStreamException.ResourceExhausted(
                    $"{key.Keyspace}/{key.Shard}: {open} binlog connections to its {key.Role} sources are open, the limit is " +
                    $"{limits.MaxBinlogConnectionsPerShard} (setting VGate:Limits:MaxBinlogConnectionsPerShard); streams with the " +
                    "same filter share one connection, every distinct filter needs its own");
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
