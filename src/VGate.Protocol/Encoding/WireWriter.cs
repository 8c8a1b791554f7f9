using Google.Protobuf;

namespace VGate.Protocol.Encoding;

/// <summary>
/// Writes protobuf wire format into a span whose size the caller computed beforehand (with
/// <see cref="CodedOutputStream"/>'s <c>Compute…Size</c> methods). It exists for the few messages VGate writes by hand
/// instead of building objects — ROW events straight from the binlog (see <see cref="Binlogdata.VEvent.EncodeRowChanges{TState}(RowEventFrame, int, int, TState, System.Buffers.SpanAction{byte, TState})"/>) —
/// and, unlike <see cref="CodedOutputStream"/>, it can append bytes that are already encoded.
/// </summary>
/// <remarks>Writing past the span throws (the caller's size was wrong), it never truncates.</remarks>
public ref struct WireWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    /// <summary>Starts writing at the beginning of <paramref name="buffer"/>.</summary>
    public WireWriter(Span<byte> buffer) => _buffer = buffer;

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>Writes a tag: field number and wire type (0 varint, 2 length-delimited).</summary>
    public void WriteTag(int fieldNumber, int wireType) => WriteVarint((uint)((fieldNumber << 3) | wireType));

    /// <summary>Writes a base-128 varint.</summary>
    /// <remarks>Tags and most lengths are one byte: that case is inlined into the caller, the rest is a call.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void WriteVarint(ulong value)
    {
        if (value < 0x80 && (uint)_position < (uint)_buffer.Length)
        {
            _buffer[_position++] = (byte)value;
            return;
        }
        WriteLongVarint(value);
    }

    private void WriteLongVarint(ulong value)
    {
        var position = _position;
        if (_buffer.Length - position >= MaxVarintSize)
        {
            // Room for the longest varint: no bounds check per byte.
            ref var start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(_buffer);
            while (value >= 0x80)
            {
                System.Runtime.CompilerServices.Unsafe.Add(ref start, position++) = (byte)(value | 0x80);
                value >>= 7;
            }
            System.Runtime.CompilerServices.Unsafe.Add(ref start, position++) = (byte)value;
            _position = position;
            return;
        }
        WriteVarintChecked(value);
    }

    private const int MaxVarintSize = 10;

    private void WriteVarintChecked(ulong value)
    {
        var buffer = _buffer;
        var position = _position;
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[position++] = (byte)value;
        _position = position;
    }

    /// <summary>Writes a length prefix (a varint).</summary>
    public void WriteLength(int length) => WriteVarint((uint)length);

    /// <summary>Writes a <c>sint64</c> value without its tag (zig-zag encoded varint), as inside a packed field.</summary>
    public void WriteSInt64(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes a <c>string</c> field (tag, length, UTF-8), as the generated code does only when it is not empty.</summary>
    public void WriteString(int fieldNumber, string value)
    {
        WriteTag(fieldNumber, 2);
        WriteLength(Utf8Length(value));
        WriteUtf8(value);
    }

    /// <summary>Writes a <c>string</c> field whose value is <c>prefix + "." + value</c>, without building that string.</summary>
    public void WriteString(int fieldNumber, string prefix, string value)
    {
        WriteTag(fieldNumber, 2);
        WriteLength(Utf8Length(prefix) + 1 + Utf8Length(value));
        WriteUtf8(prefix);
        _buffer[_position++] = (byte)'.';
        WriteUtf8(value);
    }

    /// <summary>
    /// The UTF-8 length of <paramref name="value"/>. Names (tables, keyspaces, shards) are short and ASCII, where a plain
    /// loop beats the general transcoder's setup; anything else goes to it.
    /// </summary>
    public static int Utf8Length(string value)
    {
        if (value.Length <= ShortString)
        {
            foreach (var c in value)
            {
                if (c >= 0x80)
                    return System.Text.Encoding.UTF8.GetByteCount(value);
            }
            return value.Length;
        }
        return System.Text.Encoding.UTF8.GetByteCount(value);
    }

    private void WriteUtf8(string value)
    {
        if (value.Length <= ShortString)
        {
            var destination = _buffer.Slice(_position, value.Length);
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c >= 0x80)
                {
                    _position += System.Text.Encoding.UTF8.GetBytes(value, _buffer[_position..]);
                    return;
                }
                destination[i] = (byte)c;
            }
            _position += value.Length;
            return;
        }
        _position += System.Text.Encoding.UTF8.GetBytes(value, _buffer[_position..]);
    }

    private const int ShortString = 64;

    /// <summary>Writes bytes that are already in wire form (whole fields, or the payload after a length).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_position..]);
        _position += bytes.Length;
    }

    /// <summary>Leaves <paramref name="count"/> bytes for someone else to write.</summary>
    public void Skip(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _position))
            throw new ArgumentOutOfRangeException(nameof(count), count, "Skipped past the end of the buffer.");
        _position += count;
    }

    /// <summary>The size of a length-delimited field of <paramref name="length"/> payload bytes with a one-byte tag.</summary>
    public static int LengthDelimitedSize(int length) => 1 + CodedOutputStream.ComputeLengthSize(length) + length;

    /// <summary>The size of a length prefix and <paramref name="length"/> payload bytes (no tag).</summary>
    public static int LengthDelimitedPayloadSize(int length) => CodedOutputStream.ComputeLengthSize(length) + length;
}
