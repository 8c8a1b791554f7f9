using System.Buffers.Binary;
using System.Numerics;
using VGate.MySql.Protocol;

namespace VGate.MySql.Positions;

/// <summary>
/// The variable-length integers of MySQL's serialization library (used by GTID_TAGGED_LOG_EVENT and by the
/// tag length in the tagged GTID-set encoding). A value takes 1 to 9 bytes, little-endian; the number of
/// trailing 1 bits in the first byte, plus one, is the byte count. For 1 to 8 bytes the value is the
/// little-endian integer shifted right by the byte count; with 9 bytes (first byte 0xFF) the value is the
/// following 8 bytes. Signed values are zig-zag encoded (sign in the lowest bit).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/PageLibsMysqlSerialization.html
/// </summary>
internal static class MySqlSerializationInteger
{
    public static ulong ReadUnsigned(ref PacketReader reader)
    {
        var first = reader.PeekByte();
        var length = BitOperations.TrailingZeroCount(~(uint)first) + 1;
        if (length >= 9)
        {
            reader.Skip(1);
            return reader.ReadUInt64();
        }

        var raw = reader.ReadUIntLittleEndian(length);
        return raw >> length;
    }

    public static long ReadSigned(ref PacketReader reader)
    {
        var value = ReadUnsigned(ref reader);
        var magnitude = (long)(value >> 1);
        return (value & 1) != 0 ? -magnitude - 1 : magnitude;
    }

    public static int GetUnsignedLength(ulong value)
    {
        for (var length = 1; length <= 8; length++)
        {
            if (value < 1UL << (7 * length))
                return length;
        }

        return 9;
    }

    /// <summary>Writes <paramref name="value"/> and returns the number of bytes written.</summary>
    public static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        var length = GetUnsignedLength(value);
        if (length == 9)
        {
            destination[0] = 0xFF;
            BinaryPrimitives.WriteUInt64LittleEndian(destination[1..], value);
            return 9;
        }

        var encoded = (value << length) | ((1UL << (length - 1)) - 1);
        for (var i = 0; i < length; i++)
            destination[i] = (byte)(encoded >> (8 * i));
        return length;
    }
}
