namespace VGate.Gateway.Streams;

/// <summary>Opens one shard's tablet-level stream; the gateway's seam for tests (fake shards) and the real streamer.</summary>
public interface IShardStreamFactory
{
    /// <summary>
    /// Picks a source for <paramref name="request"/> and returns its stream (not yet started: it runs when enumerated).
    /// </summary>
    /// <exception cref="VStreamer.VStreamException">
    /// INVALID_ARGUMENT for an unknown keyspace/shard, UNAVAILABLE when no usable source of the role is left.
    /// </exception>
    OpenedShardStream Open(ShardStreamRequest request);
}
