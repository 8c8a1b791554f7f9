using System.Globalization;
using VGate.Kafka.Events;

namespace VGate.Kafka.Positions;

/// <summary>
/// What makes two records "the same change" when the sink replays its source after a restart.
/// <list type="bullet">
/// <item>Streaming records: keyspace, shard, GTID, index and kind. A binlog replays identically, so a transaction's
/// records come back with the same positions.</item>
/// <item>Copy-phase rows: keyspace, shard, kind, topic and key. A resumed copy re-reads rows after the checkpointed
/// last primary key in new batches, from a new snapshot: the GTID and index differ, the row does not.</item>
/// </list>
/// Heartbeats have no identity (they are never deduplicated; a repeated heartbeat is harmless).
/// </summary>
internal readonly record struct RecordIdentity(string Value)
{
    private const char Separator = '\u001f';

    /// <summary>The identity of a record, or null for heartbeats.</summary>
    public static RecordIdentity? Of(RecordPosition position, bool copy, string topic, byte[]? key) =>
        Of(position, copy, topic, key is null ? null : new ReadOnlyMemory<byte>(key));

    /// <summary>The identity of a record whose key (null for none) is in a buffer, or null for heartbeats.</summary>
    public static RecordIdentity? Of(RecordPosition position, bool copy, string topic, ReadOnlyMemory<byte>? key)
    {
        if (position.Kind == RecordKind.Heartbeat)
            return null;
        var kind = PositionHeaders.KindName(position.Kind);
        if (copy)
        {
            var keyText = key is { } bytes ? Convert.ToBase64String(bytes.Span) : "-";
            return new RecordIdentity(string.Join(Separator, "c", position.Keyspace, position.Shard, kind, topic, keyText));
        }
        return new RecordIdentity(string.Join(Separator, "s", position.Keyspace, position.Shard, position.Gtid,
            position.Index.ToString(CultureInfo.InvariantCulture), kind));
    }

    public override string ToString() => Value.Replace(Separator, '|');
}
