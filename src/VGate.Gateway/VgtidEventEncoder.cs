using System.Text;
using Binlogdata;
using Google.Protobuf;

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
    // Wire tags (field number << 3 | wire type) of binlogdata.VEvent, VGtid and ShardGtid (proto/binlogdata.proto).
    private const uint TypeTag = (1 << 3) | 0;
    private const uint VgtidTag = (7 << 3) | 2;
    private const uint KeyspaceTag = (22 << 3) | 2;
    private const uint ShardTag = (23 << 3) | 2;
    private const uint ShardGtidsTag = (1 << 3) | 2;

    private readonly VGtid _vgtid;
    private readonly (string? Gtid, byte[]? Encoded)[] _cache;

    public VgtidEventEncoder(VGtid vgtid)
    {
        _vgtid = vgtid;
        _cache = new (string?, byte[]?)[vgtid.ShardGtids.Count];
    }

    /// <summary>The VGTID event of the stream's position now, naming the shard that moved it.</summary>
    public byte[] Encode(string keyspace, string shard)
    {
        var entries = _vgtid.ShardGtids;
        if (entries.Count != _cache.Length)
            throw new InvalidOperationException($"the VGTID has {entries.Count} shards, the encoder was made for {_cache.Length}");

        var bodyLength = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var encoded = EncodedEntry(i, entries[i]);
            bodyLength += 1 + CodedOutputStream.ComputeLengthSize(encoded.Length) + encoded.Length;
        }
        var keyspaceLength = Encoding.UTF8.GetByteCount(keyspace);
        var shardLength = Encoding.UTF8.GetByteCount(shard);
        var total = 1 + CodedOutputStream.ComputeInt32Size((int)VEventType.Vgtid)
            + 1 + CodedOutputStream.ComputeLengthSize(bodyLength) + bodyLength
            + StringFieldLength(keyspaceLength) + StringFieldLength(shardLength);

        var output = new byte[total];
        var at = WriteVarint(output, 0, TypeTag);
        at = WriteVarint(output, at, (uint)VEventType.Vgtid);
        at = WriteVarint(output, at, VgtidTag);
        at = WriteVarint(output, at, (uint)bodyLength);
        for (var i = 0; i < entries.Count; i++)
        {
            var encoded = _cache[i].Encoded!;
            at = WriteVarint(output, at, ShardGtidsTag);
            at = WriteVarint(output, at, (uint)encoded.Length);
            encoded.CopyTo(output, at);
            at += encoded.Length;
        }
        at = WriteString(output, at, KeyspaceTag, keyspace, keyspaceLength);
        at = WriteString(output, at, ShardTag, shard, shardLength);
        if (at != total)
            throw new InvalidOperationException($"VGTID event encoded to {at} bytes, {total} expected");
        return output;
    }

    private byte[] EncodedEntry(int index, ShardGtid entry)
    {
        if (entry.TablePKs.Count > 0)
            return (_cache[index] = (null, entry.ToByteArray())).Encoded!;
        var (gtid, encoded) = _cache[index];
        // Positions are replaced, never changed in place, so the same string object means the same position.
        if (encoded is not null && ReferenceEquals(gtid, entry.Gtid))
            return encoded;
        encoded = entry.ToByteArray();
        _cache[index] = (entry.Gtid, encoded);
        return encoded;
    }

    /// <summary>
    /// The size of VEvent's keyspace or shard field: nothing when empty (proto3 does not write defaults), else a two-byte
    /// tag (fields 16–2047), the length and the UTF-8 bytes.
    /// </summary>
    private static int StringFieldLength(int utf8Length) =>
        utf8Length == 0 ? 0 : 2 + CodedOutputStream.ComputeLengthSize(utf8Length) + utf8Length;

    private static int WriteString(byte[] output, int at, uint tag, string value, int utf8Length)
    {
        if (utf8Length == 0)
            return at;
        at = WriteVarint(output, at, tag);
        at = WriteVarint(output, at, (uint)utf8Length);
        return at + Encoding.UTF8.GetBytes(value, 0, value.Length, output, at);
    }

    private static int WriteVarint(byte[] output, int at, uint value)
    {
        while (value >= 0x80)
        {
            output[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        output[at++] = (byte)value;
        return at;
    }
}
