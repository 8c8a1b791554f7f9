using Binlogdata;
using Google.Protobuf;
using VGate.Protocol.Encoding;

namespace VGate.Gateway;

/// <summary>
/// Encodes a stream's VGTID events: byte for byte what
/// <c>new VEvent { Type = Vgtid, Vgtid = vgtid, Keyspace = …, Shard = … }.ToByteArray()</c> writes, without walking the
/// message objects each time. A VGTID event goes to every client after every transaction, and only the entry of the shard
/// that committed changed since the last one: each shard's entry is encoded once per position and reused.
/// </summary>
/// <remarks>
/// Entries that carry <c>table_p_ks</c> (during the copy phase) are encoded afresh each time; the copy phase is short and
/// their tables' last primary keys change with every batch. Not thread-safe: the session calls it under its send lock.
/// </remarks>
internal sealed class VgtidEventEncoder
{
    // Field numbers of binlogdata.VEvent (type, vgtid, keyspace, shard) and VGtid.shard_gtids (proto/binlogdata.proto).
    private const int TypeField = 1, VgtidField = 7, KeyspaceField = 22, ShardField = 23, ShardGtidsField = 1;

    private readonly VGtid _vgtid;

    /// <summary>Per shard: the gtid (by reference) the encoded entry in <see cref="_entries"/> is for (null: re-encode).</summary>
    private readonly string?[] _gtids;

    /// <summary>Per shard: the entry's encoding (<c>ShardGtid</c>), valid for <see cref="_gtids"/>.</summary>
    private readonly byte[][] _entries;

    public VgtidEventEncoder(VGtid vgtid)
    {
        _vgtid = vgtid;
        _gtids = new string?[vgtid.ShardGtids.Count];
        _entries = new byte[vgtid.ShardGtids.Count][];
    }

    /// <summary>
    /// The VGTID event after the shard at <paramref name="index"/> moved to <paramref name="gtidEvent"/>'s position (its
    /// entry's gtid was just set to that event's Gtid). The entry is the event's shared encoding
    /// (<see cref="VEvent.GetEncodedShardGtid"/>), the same array for every stream of a hub, and another stream that built
    /// the same VGTID event after this GTID event shares it (<see cref="VEvent.TryGetFollowingVgtidEvent"/>): streams at the
    /// same position encode it once between them.
    /// </summary>
    public byte[] EncodeAfterGtid(int index, VEvent gtidEvent)
    {
        var entry = _vgtid.ShardGtids[index];
        if (entry.TablePKs.Count == 0 && ReferenceEquals(entry.Gtid, gtidEvent.Gtid))
        {
            _gtids[index] = entry.Gtid;
            _entries[index] = gtidEvent.GetEncodedShardGtid(entry.Keyspace, entry.Shard);
        }
        return Encode(entry.Keyspace, entry.Shard, gtidEvent);
    }

    /// <summary>The VGTID event of the stream's position now, naming the shard that moved it.</summary>
    public byte[] Encode(string keyspace, string shard) => Encode(keyspace, shard, movedBy: null);

    private byte[] Encode(string keyspace, string shard, VEvent? movedBy)
    {
        var entries = _vgtid.ShardGtids;
        if (entries.Count != _entries.Length)
            throw new InvalidOperationException($"the VGTID has {entries.Count} shards, the encoder was made for {_entries.Length}");

        var bodyLength = 0;
        for (var i = 0; i < entries.Count; i++)
            bodyLength += WireWriter.LengthDelimitedSize(EncodedEntry(i, entries[i]).Length);
        if (movedBy is not null && movedBy.TryGetFollowingVgtidEvent(_entries, keyspace, shard, out var shared))
            return shared;
        var total = 1 + CodedOutputStream.ComputeInt32Size((int)VEventType.Vgtid)
            + WireWriter.LengthDelimitedSize(bodyLength) + StringFieldSize(KeyspaceField, keyspace) + StringFieldSize(ShardField, shard);

        var output = new byte[total];
        var writer = new WireWriter(output);
        writer.WriteTag(TypeField, 0);
        writer.WriteVarint((ulong)VEventType.Vgtid);
        writer.WriteTag(VgtidField, 2);
        writer.WriteLength(bodyLength);
        for (var i = 0; i < entries.Count; i++)
        {
            var encoded = _entries[i];
            writer.WriteTag(ShardGtidsField, 2);
            writer.WriteLength(encoded.Length);
            writer.WriteRaw(encoded);
        }
        // proto3 does not write empty strings.
        if (keyspace.Length > 0)
            writer.WriteString(KeyspaceField, keyspace);
        if (shard.Length > 0)
            writer.WriteString(ShardField, shard);
        if (writer.Position != total)
            throw new InvalidOperationException($"VGTID event encoded to {writer.Position} bytes, {total} expected");
        movedBy?.SetFollowingVgtidEvent(_entries, keyspace, shard, output);
        return output;
    }

    private byte[] EncodedEntry(int index, ShardGtid entry)
    {
        if (entry.TablePKs.Count > 0)
        {
            _gtids[index] = null;
            return _entries[index] = entry.ToByteArray();
        }
        // Positions are replaced, never changed in place, so the same string object means the same position.
        if (_entries[index] is { } encoded && ReferenceEquals(_gtids[index], entry.Gtid))
            return encoded;
        _gtids[index] = entry.Gtid;
        return _entries[index] = entry.ToByteArray();
    }

    /// <summary>A string field's size: nothing when empty (proto3 does not write defaults), else tag, length and UTF-8.</summary>
    private static int StringFieldSize(int fieldNumber, string value) =>
        value.Length == 0 ? 0 : CodedOutputStream.ComputeTagSize(fieldNumber) + WireWriter.LengthDelimitedPayloadSize(WireWriter.Utf8Length(value));
}
