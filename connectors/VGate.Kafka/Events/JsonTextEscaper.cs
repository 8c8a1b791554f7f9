using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;

namespace VGate.Kafka.Events;

/// <summary>
/// Writes valid UTF-8 text as a quoted JSON string with exactly the bytes <see cref="System.Text.Json.Utf8JsonWriter"/>
/// writes for it with <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> (<see cref="DebeziumJson.Encoder"/>):
/// which characters are escaped and how is asked of that encoder itself (<see cref="TextEncoder.WillEncode"/> builds
/// the tables, its <see cref="TextEncoder.EncodeUtf8"/> escapes each such character), so the two cannot disagree. Only
/// the copying of the runs between escapes is done here. Utf8JsonWriter escapes the rest of a value character by
/// character from its first non-ASCII or escaped character on, which made long multilingual texts the sink's largest
/// JSON cost (bench/README.md, Kafka rows).
/// </summary>
/// <remarks>
/// The one escaper of VGate's JSON writers: the Kafka sink's records and <c>vgate binlog</c>'s lines (VGate.Cli's
/// EventJsonWriter and ColumnValueJsonWriter) use the same encoder, so they share it. JsonTextEscaperTests (here) and
/// JsonStringEscaperTests (VGate.Cli.Tests) compare it with Utf8JsonWriter's UTF-8 and UTF-16 paths.
/// </remarks>
public static class JsonTextEscaper
{
    private static readonly JavaScriptEncoder Encoder = DebeziumJson.Encoder;

    // The encoder's escape of each ASCII byte it escapes (control characters, '"', '\\', …); null when written as is.
    private static readonly byte[]?[] AsciiEscapes = CreateAsciiEscapes();

    // The ASCII bytes written as they are: runs of them are found and copied vectorized.
    private static readonly SearchValues<byte> PlainAscii = SearchValues.Create(
        Enumerable.Range(0, 128).Where(b => AsciiEscapes[b] is null).Select(b => (byte)b).ToArray());

    // One bit per BMP character: set when the encoder writes it as it is (surrogate code points are never set).
    private static readonly ulong[] PlainBmp = CreatePlainBmp();

    /// <summary>
    /// The longest UTF-8 text written through <see cref="TryWriteQuoted"/>; longer texts go through Utf8JsonWriter
    /// as before (which refuses strings above its own limit of about 166 MB), so nothing changes for them.
    /// </summary>
    public const int MaxLength = 64 * 1024 * 1024;

    // Input bytes escaped per piece: the output is reserved for the worst case of one piece at a time, not of the whole
    // text (a statement with large values is megabytes).
    private const int PieceBytes = 16 * 1024;

    /// <summary>
    /// True when every byte of <paramref name="utf8"/> is an ASCII character the encoder writes as it is: then
    /// Utf8JsonWriter's own vectorized check finds nothing to escape and its WriteStringValue is the cheaper way to
    /// write the text (short ASCII values, the common case, are not copied twice).
    /// </summary>
    public static bool IsPlainAscii(ReadOnlySpan<byte> utf8) => !utf8.ContainsAnyExcept(PlainAscii);

    /// <summary>
    /// Writes <paramref name="utf8"/> (at most <see cref="MaxLength"/> bytes) as a JSON string token, quotes included,
    /// to <paramref name="output"/> and returns true; returns false when the text is not valid UTF-8 (the caller
    /// discards what this wrote to <paramref name="output"/>).
    /// </summary>
    public static bool TryWriteQuoted(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = (byte)'"';
        output.Advance(1);
        while (!utf8.IsEmpty)
        {
            var length = Math.Min(utf8.Length, PieceBytes);
            // A piece ends on a character boundary (continuation bytes stay with their lead byte; ill-formed input is
            // found by TryWritePiece, wherever the boundary falls).
            for (var back = 0; back < 3 && length < utf8.Length && (utf8[length] & 0xC0) == 0x80; back++)
                length--;
            if (!TryWritePiece(utf8[..length], output))
                return false;
            utf8 = utf8[length..];
        }
        output.GetSpan(1)[0] = (byte)'"';
        output.Advance(1);
        return true;
    }

    private static bool TryWritePiece(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        // Worst case: every byte an ASCII control character escaped as \u00XX (6 bytes); a 4-byte sequence becomes a
        // surrogate pair, two six-byte \u escapes (12 bytes, 3 per input byte).
        var destination = output.GetSpan(utf8.Length * 6);
        var written = 0;
        var position = 0;
        var end = utf8.Length;
        ref var text = ref MemoryMarshal.GetReference(utf8);
        var plainBmp = PlainBmp;
        var asciiEscapes = AsciiEscapes;
        // Bytes from runStart to position are written as they are: copied in one piece when an escape (or the end)
        // comes, not character by character (multilingual text is mostly characters written as they are).
        var runStart = 0;
        while (position < end)
        {
            uint first = Unsafe.Add(ref text, position);
            int length;
            uint scalar;
            if (first < 0x80)
            {
                if (asciiEscapes[first] is { } escape)
                {
                    utf8[runStart..position].CopyTo(destination[written..]);
                    written += position - runStart;
                    escape.CopyTo(destination[written..]);
                    written += escape.Length;
                    runStart = ++position;
                    continue;
                }
                var plain = utf8[++position..].IndexOfAnyExcept(PlainAscii);
                if (plain < 0)
                {
                    position = end;
                    break;
                }
                position += plain;
                continue;
            }
            // Well-formed sequences only (Unicode Table 3-7: no overlong forms, no surrogates, at most U+10FFFF).
            if (first < 0xE0)
            {
                if (first < 0xC2 || position + 1 >= end)
                    return false;
                uint second = Unsafe.Add(ref text, position + 1);
                if ((second & 0xC0) != 0x80)
                    return false;
                scalar = ((first & 0x1F) << 6) | (second & 0x3F);
                length = 2;
            }
            else if (first < 0xF0)
            {
                if (position + 2 >= end)
                    return false;
                uint second = Unsafe.Add(ref text, position + 1);
                uint third = Unsafe.Add(ref text, position + 2);
                if ((second & 0xC0) != 0x80 || (third & 0xC0) != 0x80 || (first == 0xE0 && second < 0xA0) || (first == 0xED && second >= 0xA0))
                    return false;
                scalar = ((first & 0x0F) << 12) | ((second & 0x3F) << 6) | (third & 0x3F);
                length = 3;
            }
            else
            {
                length = DecodeScalar(utf8[position..], out var supplementary);
                if (length == 0)
                    return false;
                scalar = (uint)supplementary;
            }
            if (scalar <= 0xFFFF ? (plainBmp[scalar >> 6] & (1UL << (int)scalar)) != 0 : !Encoder.WillEncode((int)scalar))
            {
                position += length;
                continue;
            }
            utf8[runStart..position].CopyTo(destination[written..]);
            written += position - runStart;
            // Let the encoder escape the character it escapes (a supplementary character, U+2028, an unassigned code
            // point, …), so its form is the encoder's.
            var status = Encoder.EncodeUtf8(utf8.Slice(position, length), destination[written..], out var consumed, out var escapedLength);
            if (status != OperationStatus.Done || consumed != length)
                throw new InvalidOperationException($"The JSON encoder could not escape U+{scalar:X4} ({status}).");
            written += escapedLength;
            position += length;
            runStart = position;
        }
        utf8[runStart..position].CopyTo(destination[written..]);
        written += position - runStart;
        output.Advance(written);
        return true;
    }

    /// <summary>
    /// Decodes the well-formed UTF-8 sequence (Unicode Table 3-7: no overlong forms, no surrogates, at most
    /// U+10FFFF) that starts <paramref name="utf8"/> with a non-ASCII byte; returns its length, or 0 when ill-formed.
    /// </summary>
    private static int DecodeScalar(ReadOnlySpan<byte> utf8, out int scalar)
    {
        scalar = 0;
        int first = utf8[0];
        if (first < 0xC2)
            return 0;
        if (first < 0xE0)
        {
            if (utf8.Length < 2 || (utf8[1] & 0xC0) != 0x80)
                return 0;
            scalar = ((first & 0x1F) << 6) | (utf8[1] & 0x3F);
            return 2;
        }
        if (first < 0xF0)
        {
            if (utf8.Length < 3 || (utf8[1] & 0xC0) != 0x80 || (utf8[2] & 0xC0) != 0x80)
                return 0;
            if ((first == 0xE0 && utf8[1] < 0xA0) || (first == 0xED && utf8[1] >= 0xA0))
                return 0;
            scalar = ((first & 0x0F) << 12) | ((utf8[1] & 0x3F) << 6) | (utf8[2] & 0x3F);
            return 3;
        }
        if (first < 0xF5)
        {
            if (utf8.Length < 4 || (utf8[1] & 0xC0) != 0x80 || (utf8[2] & 0xC0) != 0x80 || (utf8[3] & 0xC0) != 0x80)
                return 0;
            if ((first == 0xF0 && utf8[1] < 0x90) || (first == 0xF4 && utf8[1] >= 0x90))
                return 0;
            scalar = ((first & 0x07) << 18) | ((utf8[1] & 0x3F) << 12) | ((utf8[2] & 0x3F) << 6) | (utf8[3] & 0x3F);
            return 4;
        }
        return 0;
    }

    private static byte[]?[] CreateAsciiEscapes()
    {
        var escapes = new byte[]?[128];
        Span<byte> one = stackalloc byte[1];
        Span<byte> escaped = stackalloc byte[16];
        for (var b = 0; b < 128; b++)
        {
            if (!Encoder.WillEncode(b))
                continue;
            one[0] = (byte)b;
            if (Encoder.EncodeUtf8(one, escaped, out _, out var length) != OperationStatus.Done)
                throw new InvalidOperationException($"The JSON encoder could not escape byte 0x{b:X2}.");
            escapes[b] = escaped[..length].ToArray();
        }
        return escapes;
    }

    private static ulong[] CreatePlainBmp()
    {
        var bits = new ulong[0x10000 / 64];
        for (var c = 0; c <= 0xFFFF; c++)
        {
            if ((c < 0xD800 || c > 0xDFFF) && !Encoder.WillEncode(c))
                bits[c >> 6] |= 1UL << c;
        }
        return bits;
    }
}
