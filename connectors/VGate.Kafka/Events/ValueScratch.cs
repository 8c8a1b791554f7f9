using System.Buffers;

namespace VGate.Kafka.Events;

/// <summary>
/// Reusable scratch buffers for value conversions that need room (hex, base64url, BIT reversal, decoded and escaped text). One
/// per builder; the builder is single-threaded, so the buffers are only ever in use by one conversion at a time.
/// </summary>
internal sealed class ValueScratch
{
    private byte[] _bytes = new byte[256];
    private char[] _chars = new char[256];
    private readonly ArrayBufferWriter<byte> _escaped = new(1024);

    public Span<byte> Bytes(int length)
    {
        if (_bytes.Length < length)
            _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
        return _bytes.AsSpan(0, length);
    }

    public Span<char> Chars(int length)
    {
        if (_chars.Length < length)
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        return _chars.AsSpan(0, length);
    }

    /// <summary>The buffer a text value is escaped into (<see cref="JsonTextEscaper"/>), emptied.</summary>
    public ArrayBufferWriter<byte> Escaped()
    {
        _escaped.ResetWrittenCount();
        return _escaped;
    }
}
