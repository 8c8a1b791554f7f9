using Binlogdata;
using Confluent.Kafka;

namespace VGate.Kafka.Checkpoints;

/// <summary>
/// One checkpoint of the sink, as stored in the offsets topic: the source position (VGTID) every record before it
/// corresponds to, and for every partition the sink has written to, the end offset at that moment. Everything the sink
/// wrote after the checkpoint lies at or above these offsets, which is where a restart reads back from.
/// </summary>
/// <param name="Vgtid">The position to resume the VStream from.</param>
/// <param name="EndOffsets">Partition → offset of the first record not covered by <paramref name="Vgtid"/>.</param>
/// <param name="Sequence">Counts checkpoints of this connector, 1 for the first; for logs and tests.</param>
/// <param name="TimestampMs">When it was written (Unix milliseconds).</param>
public sealed record Checkpoint(VGtid Vgtid, IReadOnlyDictionary<TopicPartition, long> EndOffsets, long Sequence, long TimestampMs);
