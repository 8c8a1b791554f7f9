using Binlogdata;

namespace VGate.Gateway.Streams;

/// <summary>A shard stream opened on one source.</summary>
/// <param name="Source">The name of the source that serves it (used in logs, and to exclude it after a failure).</param>
/// <param name="Batches">
/// The tablet-level event batches (vstream-spec §2.2). The events may be shared with other streams (the fan-out hub hands
/// the same instances to every subscriber): consumers must not change them. Failures are
/// <see cref="VStreamer.VStreamException"/>s.
/// </param>
public sealed record OpenedShardStream(string Source, IAsyncEnumerable<IReadOnlyList<VEvent>> Batches)
{
    /// <summary>
    /// For streams that move between sources (the fan-out hub): the source to blame for the failure just raised, or null
    /// when no source is at fault. When not set, <see cref="Source"/> is blamed.
    /// </summary>
    public Func<string?>? CurrentSource { get; init; }

    /// <summary>
    /// True when the stream counts its replication connections itself through <see cref="ShardStreamRequest.AcquireConnection"/>
    /// (it may share one with other streams); false when the whole stream is one connection.
    /// </summary>
    public bool CountsConnections { get; init; }
}
