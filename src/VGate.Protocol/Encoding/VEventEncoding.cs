using Google.Protobuf;

namespace Binlogdata;

/// <summary>
/// The serialized form of a VEvent, computed once and shared. A tablet-level event read by a fan-out hub goes to every
/// subscriber of that shard; encoding it once instead of once per subscriber is what keeps the gateway's CPU nearly flat
/// in the number of subscribers (issue 5: 100 subscribers ≤ 2× the CPU of one).
/// </summary>
/// <remarks>
/// The cache assumes the event is not changed after the first call: call it only on events that have been handed on
/// (a streamer's batch, a hub's ring). Two forms are kept, because VTGate prefixes FIELD and ROW table names with
/// <c>keyspace.</c> unless the client sets <c>exclude_keyspace_from_table_name</c>: the event as it is, and the event with
/// its table name prefixed. Concurrent first calls may both encode, but the first to publish wins and every caller gets its
/// array, so all subscribers share one encoding.
/// </remarks>
public sealed partial class VEvent
{
    private byte[]? _encoded;
    private PrefixedEncoding? _encodedPrefixed;

    /// <summary>
    /// The protobuf encoding of this event. With <paramref name="tableNamePrefix"/> set, a FIELD or ROW event is encoded with
    /// <c>prefix + "." + table_name</c> as its table name (other events do not carry one and are encoded as they are).
    /// </summary>
    /// <param name="tableNamePrefix">The keyspace to prefix table names with, or null for the event as it is.</param>
    /// <returns>The shared encoding; callers must not change it.</returns>
    public byte[] GetEncoded(string? tableNamePrefix = null)
    {
        if (tableNamePrefix is null || (FieldEvent is null && RowEvent is null))
        {
            if (_encoded is { } cached)
                return cached;
            var encoded = this.ToByteArray();
            return Interlocked.CompareExchange(ref _encoded, encoded, null) ?? encoded;
        }

        var prefixed = _encodedPrefixed;
        if (prefixed is not null && string.Equals(prefixed.Keyspace, tableNamePrefix, StringComparison.Ordinal))
            return prefixed.Bytes;

        // A shallow copy: MergeFrom copies the scalars and the FieldEvent/RowEvent shells but shares their Field and RowChange
        // elements, which are not changed.
        var copy = new VEvent();
        copy.MergeFrom(this);
        if (copy.FieldEvent is { } field)
            field.TableName = tableNamePrefix + "." + field.TableName;
        if (copy.RowEvent is { } row)
            row.TableName = tableNamePrefix + "." + row.TableName;
        var bytes = copy.ToByteArray();
        var seen = Interlocked.CompareExchange(ref _encodedPrefixed, new PrefixedEncoding(tableNamePrefix, bytes), prefixed);
        // Another caller published first: share its array when it is for the same keyspace.
        return !ReferenceEquals(seen, prefixed) && seen is not null && string.Equals(seen.Keyspace, tableNamePrefix, StringComparison.Ordinal) ? seen.Bytes : bytes;
    }

    /// <summary>The encoding with table names prefixed by <see cref="Keyspace"/>; one object so it is published atomically.</summary>
    private sealed record PrefixedEncoding(string Keyspace, byte[] Bytes);
}
