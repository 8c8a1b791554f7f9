using System.Buffers.Binary;
using VGate.MySql.Protocol;

namespace VGate.MySql.Positions;

// Binary encoding of GTID sets, as MySQL's Gtid_set::encode / Gtid_set::add_gtid_encoding write and read it
// (PREVIOUS_GTIDS_LOG_EVENT body; the data of COM_BINLOG_DUMP_GTID).
// https://dev.mysql.com/doc/dev/mysql-server/latest/classGtid__set.html
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_dump_gtid.html
public sealed partial class MySqlGtidSet
{
    private const int UuidLength = 16;
    private const byte TaggedFormatMarker = 1;

    /// <summary>
    /// Encodes the set in the format MySQL itself would choose: <see cref="MySqlGtidSetBinaryFormat.Untagged"/>
    /// unless the set holds tagged GTIDs.
    /// </summary>
    /// <remarks>Intervals are written with an exclusive end: <c>1-5</c> is stored as the pair (1, 6).</remarks>
    public byte[] EncodeBinary() => EncodeBinary(HasTags ? MySqlGtidSetBinaryFormat.Tagged : MySqlGtidSetBinaryFormat.Untagged);

    /// <summary>Encodes the set in the given binary format.</summary>
    /// <remarks>Intervals are written with an exclusive end: <c>1-5</c> is stored as the pair (1, 6).</remarks>
    /// <exception cref="InvalidOperationException">The untagged format was asked for but the set holds tagged GTIDs.</exception>
    public byte[] EncodeBinary(MySqlGtidSetBinaryFormat format)
    {
        var tagged = format switch
        {
            MySqlGtidSetBinaryFormat.Untagged => false,
            MySqlGtidSetBinaryFormat.Tagged => true,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown GTID set binary format."),
        };
        if (!tagged && HasTags)
            throw new InvalidOperationException("The GTID set holds tagged GTIDs, which the untagged binary format cannot carry.");

        var length = 8;
        foreach (var entry in _entries)
        {
            length += UuidLength + 8 + (16 * entry.Intervals.Length);
            if (tagged)
                length += MySqlSerializationInteger.GetUnsignedLength((ulong)entry.Tag.Length) + entry.Tag.Length;
        }

        var buffer = new byte[length];
        var span = buffer.AsSpan();
        var count = (ulong)_entries.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(span, tagged ? TaggedFormatMarker | (count << 8) | ((ulong)TaggedFormatMarker << 56) : count);
        var offset = 8;
        foreach (var entry in _entries)
        {
            entry.SourceId.TryWriteBytes(span[offset..], bigEndian: true, out _);
            offset += UuidLength;
            if (tagged)
            {
                offset += MySqlSerializationInteger.WriteUnsigned(span[offset..], (ulong)entry.Tag.Length);
                foreach (var c in entry.Tag)
                    span[offset++] = (byte)c;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], (ulong)entry.Intervals.Length);
            offset += 8;
            foreach (var interval in entry.Intervals)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[offset..], interval.Start);
                BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 8)..], interval.End + 1);
                offset += 16;
            }
        }

        return buffer;
    }

    /// <summary>
    /// Decodes a binary GTID set in either format (told apart by the first 8 bytes); the whole span must be the set.
    /// Interval ends are exclusive in the encoding and become inclusive <see cref="MySqlGtidInterval.End"/> values.
    /// </summary>
    /// <exception cref="BinlogFormatException">The bytes are not a GTID set.</exception>
    public static MySqlGtidSet DecodeBinary(ReadOnlySpan<byte> data)
    {
        var reader = new PacketReader(data);
        var set = Decode(ref reader, out _);
        if (reader.Remaining != 0)
            throw BinlogFormatException.Create($"{reader.Remaining} unexpected byte(s) after the GTID set", reader.Offset);
        return set;
    }

    internal static MySqlGtidSet Decode(ref PacketReader reader, out MySqlGtidSetBinaryFormat format)
    {
        var headerOffset = reader.Offset;
        var header = reader.ReadUInt64();
        ulong count;
        if (header >> 56 == 0)
        {
            format = MySqlGtidSetBinaryFormat.Untagged;
            count = header;
        }
        else if ((byte)header == TaggedFormatMarker && (byte)(header >> 56) == TaggedFormatMarker)
        {
            format = MySqlGtidSetBinaryFormat.Tagged;
            count = (header >> 8) & 0xFFFF_FFFF_FFFF;
        }
        else
        {
            throw BinlogFormatException.Create($"Unknown GTID set encoding (header 0x{header:X16})", headerOffset);
        }

        // Each entry takes at least 24 bytes (UUID and interval count); reject counts the data cannot hold before allocating.
        if (count > (ulong)(reader.Remaining / (UuidLength + 8)))
            throw BinlogFormatException.Create($"GTID set claims {count} entries but only {reader.Remaining} bytes follow", headerOffset);

        var builder = new Builder();
        for (ulong i = 0; i < count; i++)
        {
            var uuid = new Guid(reader.ReadBytes(UuidLength), bigEndian: true);
            var tag = "";
            if (format == MySqlGtidSetBinaryFormat.Tagged)
            {
                var tagOffset = reader.Offset;
                var tagLength = MySqlSerializationInteger.ReadUnsigned(ref reader);
                if (tagLength > GtidTag.MaxLength)
                    throw BinlogFormatException.Create($"GTID tag length {tagLength} exceeds {GtidTag.MaxLength}", tagOffset);
                if (!GtidTag.TryDecode(reader.ReadBytes((int)tagLength), out tag))
                    throw BinlogFormatException.Create($"Invalid GTID tag (expected {GtidTag.Pattern})", tagOffset);
            }

            var intervalsOffset = reader.Offset;
            var intervalCount = reader.ReadUInt64();
            if (intervalCount > (ulong)(reader.Remaining / 16))
                throw BinlogFormatException.Create($"GTID set entry claims {intervalCount} intervals but only {reader.Remaining} bytes follow", intervalsOffset);
            for (ulong k = 0; k < intervalCount; k++)
            {
                var intervalOffset = reader.Offset;
                var start = reader.ReadInt64();
                var endExclusive = reader.ReadInt64();
                if (start < 1 || endExclusive <= start || endExclusive - 1 > MySqlGtid.MaxSequence)
                    throw BinlogFormatException.Create($"Invalid GTID interval [{start}, {endExclusive}) for {uuid:D}", intervalOffset);
                builder.Add(uuid, tag, new MySqlGtidInterval(start, endExclusive - 1));
            }
        }

        return builder.Build();
    }
}
