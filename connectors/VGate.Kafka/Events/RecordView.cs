namespace VGate.Kafka.Events;

/// <summary>
/// One Kafka record as <see cref="DebeziumEventBuilder.TryRenderNext"/> renders it: the key and value point into the
/// builder's reusable buffers instead of arrays of their own. That is what lets the sink produce a record without
/// allocating its JSON (several KB with schemas on): librdkafka copies the bytes when the record is produced, and the
/// buffers are written over by the next record.
/// </summary>
/// <remarks>
/// Valid only until the next call to <see cref="DebeziumEventBuilder.TryRenderNext"/> or
/// <see cref="DebeziumEventBuilder.Feed"/> on the builder that made it. <see cref="ToChangeRecord()"/> makes a copy that
/// stays valid.
/// </remarks>
public readonly struct RecordView
{
    internal RecordView(string topic, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, RecordPosition position, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        Topic = topic;
        Key = key;
        Value = value;
        Position = position;
        Headers = headers;
    }

    /// <summary>A record whose key and value are arrays the builder owns and hands out as they are.</summary>
    internal RecordView(string topic, byte[]? key, byte[]? value, RecordPosition position, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
        : this(topic, key is null ? null : new ReadOnlyMemory<byte>(key), value is null ? null : new ReadOnlyMemory<byte>(value), position, headers)
    {
        OwnedKey = key;
        OwnedValue = value;
    }

    /// <summary>A record whose key sits in a buffer and is shared with the records of the same row change that have the same <paramref name="keyId"/>.</summary>
    internal RecordView(string topic, ReadOnlyMemory<byte>? key, byte[]? ownedKey, int keyId, ReadOnlyMemory<byte>? value, RecordPosition position, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
        : this(topic, key, value, position, headers)
    {
        OwnedKey = ownedKey;
        KeyId = keyId;
    }

    /// <summary>The topic to produce to.</summary>
    public string Topic { get; }

    /// <summary>The record key; null for a table without a key.</summary>
    public ReadOnlyMemory<byte>? Key { get; }

    /// <summary>The record value; null for a tombstone.</summary>
    public ReadOnlyMemory<byte>? Value { get; }

    /// <summary>Where the record came from (see <see cref="ChangeRecord.Position"/>).</summary>
    public RecordPosition Position { get; }

    /// <summary>Extra Debezium headers (see <see cref="ChangeRecord.Headers"/>), or null.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>>? Headers { get; }

    /// <summary>The key as an array the builder owns (shared by several records), or null when it is only in a buffer.</summary>
    internal byte[]? OwnedKey { get; }

    /// <summary>The value as an array the builder owns, or null when it is only in a buffer.</summary>
    internal byte[]? OwnedValue { get; }

    /// <summary>Non-zero when records of one row change share the key: equal ids, same key.</summary>
    internal int KeyId { get; }

    /// <summary>A copy of the record with arrays of its own, valid after the builder moves on.</summary>
    public ChangeRecord ToChangeRecord() => ToChangeRecord(null);

    /// <summary>As <see cref="ToChangeRecord()"/>, using <paramref name="sharedKey"/> as the key when it is given.</summary>
    internal ChangeRecord ToChangeRecord(byte[]? sharedKey) =>
        new(Topic, sharedKey ?? OwnedKey ?? Key?.ToArray(), OwnedValue ?? Value?.ToArray(), Position) { Headers = Headers };
}
