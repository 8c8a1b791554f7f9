using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace VGate.MySql.Protocol;

/// <summary>
/// Builds a packet payload: little-endian integers, length-encoded integers and strings, NUL-terminated strings.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_data_types.html
/// </summary>
internal sealed class PayloadBuilder
{
    private readonly ArrayBufferWriter<byte> _writer;

    public PayloadBuilder(int initialCapacity = 256) => _writer = new ArrayBufferWriter<byte>(initialCapacity);

    /// <summary>The payload written so far; valid until the next write.</summary>
    public ReadOnlyMemory<byte> Payload => _writer.WrittenMemory;

    public PayloadBuilder WriteByte(byte value)
    {
        _writer.GetSpan(1)[0] = value;
        _writer.Advance(1);
        return this;
    }

    public PayloadBuilder WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_writer.GetSpan(2), value);
        _writer.Advance(2);
        return this;
    }

    public PayloadBuilder WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_writer.GetSpan(4), value);
        _writer.Advance(4);
        return this;
    }

    public PayloadBuilder WriteZeros(int count)
    {
        _writer.GetSpan(count)[..count].Clear();
        _writer.Advance(count);
        return this;
    }

    public PayloadBuilder WriteBytes(ReadOnlySpan<byte> value)
    {
        _writer.Write(value);
        return this;
    }

    public PayloadBuilder WriteString(string value)
    {
        var span = _writer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
        _writer.Advance(Encoding.UTF8.GetBytes(value, span));
        return this;
    }

    public PayloadBuilder WriteNullTerminatedString(string value) => WriteString(value).WriteByte(0);

    public PayloadBuilder WriteLengthEncodedInteger(ulong value)
    {
        switch (value)
        {
            case < 0xFB:
                return WriteByte((byte)value);
            case <= 0xFFFF:
                return WriteByte(0xFC).WriteUInt16((ushort)value);
            case <= 0xFF_FFFF:
                WriteByte(0xFD);
                var span = _writer.GetSpan(3);
                span[0] = (byte)value;
                span[1] = (byte)(value >> 8);
                span[2] = (byte)(value >> 16);
                _writer.Advance(3);
                return this;
            default:
                WriteByte(0xFE);
                BinaryPrimitives.WriteUInt64LittleEndian(_writer.GetSpan(8), value);
                _writer.Advance(8);
                return this;
        }
    }

    public PayloadBuilder WriteLengthEncodedBytes(ReadOnlySpan<byte> value) =>
        WriteLengthEncodedInteger((ulong)value.Length).WriteBytes(value);

    public PayloadBuilder WriteLengthEncodedString(string value) => WriteLengthEncodedBytes(Encoding.UTF8.GetBytes(value));
}
