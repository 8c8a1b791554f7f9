using Binlogdata;

namespace VGate.Gateway.Streams;

/// <summary>A shard stream opened on one source.</summary>
/// <param name="Source">The name of the source that serves it (used to exclude it after a failure).</param>
/// <param name="Batches">
/// The tablet-level event batches (vstream-spec §2.2); each batch and its events are owned by the consumer, which may
/// change them. Failures are <see cref="VStreamer.VStreamException"/>s.
/// </param>
public sealed record OpenedShardStream(string Source, IAsyncEnumerable<IReadOnlyList<VEvent>> Batches);
