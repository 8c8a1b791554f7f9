using System.Buffers.Binary;
using System.Text;

namespace VGate.MySql.Protocol;

/// <summary>
/// A bounds-checked little-endian reader over a span of protocol or binlog bytes.
/// Every read verifies the remaining length first and throws <see cref="BinlogFormatException"/>
/// (naming offset, needed and available bytes) instead of running off the end.
/// </summary>
internal ref struct PacketReader
{
    private readonly ReadOnlySpan<byte> _buffer;

    public PacketReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        Offset = 0;
    }

    /// <summary>Current read position from the start of the buffer.</summary>
    public int Offset { get; set; }

    /// <summary>Bytes left to read.</summary>
    public readonly int Remaining => _buffer.Length - Offset;

    /// <summary>The whole underlying buffer.</summary>
    public readonly ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>The unread part of the buffer.</summary>
    public readonly ReadOnlySpan<byte> RemainingSpan => _buffer[Offset..];

    public readonly void VerifyRead(int length)
    {
        if (length < 0 || length > _buffer.Length - Offset)
            throw BinlogFormatException.CreateForShortBuffer(Offset, length, _buffer.Length - Offset);
    }

    public void Skip(int length)
    {
        VerifyRead(length);
        Offset += length;
    }

    public byte ReadByte()
    {
        VerifyRead(1);
        return _buffer[Offset++];
    }

    public readonly byte PeekByte()
    {
        VerifyRead(1);
        return _buffer[Offset];
    }

    public ushort ReadUInt16()
    {
        VerifyRead(2);
        var value = BinaryPrimitives.ReadUInt16LittleEndian(_buffer[Offset..]);
        Offset += 2;
        return value;
    }

    public short ReadInt16() => unchecked((short)ReadUInt16());

    public uint ReadUInt24()
    {
        VerifyRead(3);
        var value = (uint)(_buffer[Offset] | (_buffer[Offset + 1] << 8) | (_buffer[Offset + 2] << 16));
        Offset += 3;
        return value;
    }

    public uint ReadUInt32()
    {
        VerifyRead(4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer[Offset..]);
        Offset += 4;
        return value;
    }

    public int ReadInt32() => unchecked((int)ReadUInt32());

    public ulong ReadUInt48()
    {
        VerifyRead(6);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer[Offset..]) |
            ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(_buffer[(Offset + 4)..]) << 32);
        Offset += 6;
        return value;
    }

    public ulong ReadUInt64()
    {
        VerifyRead(8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer[Offset..]);
        Offset += 8;
        return value;
    }

    public long ReadInt64() => unchecked((long)ReadUInt64());

    /// <summary>Reads an unsigned little-endian integer of 1 to 8 bytes.</summary>
    public ulong ReadUIntLittleEndian(int length)
    {
        if (length is < 1 or > 8)
            throw BinlogFormatException.Create($"Integer width {length} is not between 1 and 8", Offset);
        VerifyRead(length);
        ulong value = 0;
        for (var i = length - 1; i >= 0; i--)
            value = (value << 8) | _buffer[Offset + i];
        Offset += length;
        return value;
    }

    /// <summary>Reads an unsigned big-endian integer of 1 to 8 bytes (used by DECIMAL, DATETIME2, TIME2, BIT).</summary>
    public ulong ReadUIntBigEndian(int length)
    {
        if (length is < 1 or > 8)
            throw BinlogFormatException.Create($"Integer width {length} is not between 1 and 8", Offset);
        VerifyRead(length);
        ulong value = 0;
        for (var i = 0; i < length; i++)
            value = (value << 8) | _buffer[Offset + i];
        Offset += length;
        return value;
    }

    /// <summary>
    /// Reads a length-encoded integer (1, 3, 4 or 9 bytes).
    /// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_integers.html
    /// </summary>
    public ulong ReadLengthEncodedInteger()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => ReadUInt64(),
            _ => throw BinlogFormatException.Create($"Invalid length-encoded integer prefix 0x{first:X2}", Offset - 1),
        };
    }

    /// <summary>Reads a length-encoded integer that must fit an <see cref="int"/> length.</summary>
    public int ReadLengthEncodedLength()
    {
        var start = Offset;
        var value = ReadLengthEncodedInteger();
        if (value > int.MaxValue)
            throw BinlogFormatException.Create($"Length {value} is too large", start);
        return (int)value;
    }

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        VerifyRead(length);
        var span = _buffer.Slice(Offset, length);
        Offset += length;
        return span;
    }

    public ReadOnlySpan<byte> ReadLengthEncodedBytes() => ReadBytes(ReadLengthEncodedLength());

    public ReadOnlySpan<byte> ReadToEnd()
    {
        var span = _buffer[Offset..];
        Offset = _buffer.Length;
        return span;
    }

    /// <summary>Reads bytes up to (not including) a 0 byte, and consumes the 0.</summary>
    public ReadOnlySpan<byte> ReadNullTerminatedBytes()
    {
        var rest = _buffer[Offset..];
        var index = rest.IndexOf((byte)0);
        if (index < 0)
            throw BinlogFormatException.Create("Missing NUL terminator", Offset);
        Offset += index + 1;
        return rest[..index];
    }

    public string ReadNullTerminatedString() => Encoding.UTF8.GetString(ReadNullTerminatedBytes());

    public string ReadString(int length) => Encoding.UTF8.GetString(ReadBytes(length));

    public string ReadLengthEncodedString() => Encoding.UTF8.GetString(ReadLengthEncodedBytes());
}
