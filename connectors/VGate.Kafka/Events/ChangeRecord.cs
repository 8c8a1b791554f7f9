namespace VGate.Kafka.Events;

/// <summary>
/// One Kafka record to produce, made by <see cref="DebeziumEventBuilder"/>. <see cref="Value"/> null is a tombstone.
/// </summary>
/// <remarks>
/// The key and value are UTF-8 JSON in the Kafka Connect JSON converter form (see docs/kafka-events.md). The builder
/// never writes to an array after handing it out, but it may hand out the same array more than once: a tombstone
/// shares its key with the delete event before it, a transaction's BEGIN and END records share their key, and all
/// heartbeats share one key. Treat the arrays as read-only.
/// </remarks>
/// <param name="Topic">The topic to produce to.</param>
/// <param name="Key">The record key; null for a table without a key (and for nothing else).</param>
/// <param name="Value">The record value; null for a tombstone.</param>
/// <param name="Position">Where the record came from; the sink writes it as headers and uses it to skip duplicates.</param>
#pragma warning disable CA1819 // The key and value are handed to the producer as they are; copying them would cost a copy per record.
public sealed record ChangeRecord(string Topic, byte[]? Key, byte[]? Value, RecordPosition Position)
#pragma warning restore CA1819
{
    /// <summary>
    /// Extra headers Debezium puts on the record, or null: on a primary-key change the delete event carries
    /// <c>__debezium.newkey</c> and the create event <c>__debezium.oldkey</c>, each holding the other key as serialized
    /// JSON.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>>? Headers { get; init; }
}
