using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace VGate.Cli.Output;

/// <summary>
/// Writes valid UTF-8 text as a quoted JSON string with exactly the bytes <see cref="System.Text.Json.Utf8JsonWriter"/>
/// writes for it with <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> (the encoder of
/// <see cref="EventJsonWriter"/>), without decoding it to a .NET string and encoding it back: which characters are
/// escaped and how is asked of that encoder itself (<see cref="TextEncoder.FindFirstCharacterToEncodeUtf8"/>
/// finds them, its <see cref="TextEncoder.EncodeUtf8"/> escapes each one), so the two cannot disagree. Only the
/// copying of the runs between escapes is done here, which is what makes long texts cheap.
/// </summary>
internal static class JsonStringEscaper
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    // The encoder's escape of each ASCII byte it escapes (control characters, '"', '\\', …); null when written as is.
    private static readonly byte[]?[] AsciiEscapes = CreateAsciiEscapes();

    /// <summary>
    /// The longest UTF-8 text written by <see cref="WriteQuoted"/>; longer texts go through Utf8JsonWriter as before
    /// (which refuses strings above its own limit of about 166 MB), so nothing changes for them.
    /// </summary>
    public const int MaxLength = 64 * 1024 * 1024;

    /// <summary>
    /// Writes <paramref name="utf8"/> (valid UTF-8, at most <see cref="MaxLength"/> bytes) as a JSON string token,
    /// quotes included, to <paramref name="output"/>.
    /// </summary>
    public static void WriteQuoted(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        // Worst case: every byte an ASCII control character escaped as \u00XX (6 bytes); a 4-byte sequence becomes a
        // surrogate pair \uXXXX\uXXXX (12 bytes, 3 per input byte).
        var destination = output.GetSpan(utf8.Length * 6 + 2);
        destination[0] = (byte)'"';
        var written = 1;
        while (true)
        {
            var index = utf8.IsEmpty ? -1 : Encoder.FindFirstCharacterToEncodeUtf8(utf8);
            if (index < 0)
            {
                utf8.CopyTo(destination[written..]);
                written += utf8.Length;
                break;
            }
            utf8[..index].CopyTo(destination[written..]);
            written += index;
            var first = utf8[index];
            if (first < 0x80 && AsciiEscapes[first] is { } escape)
            {
                escape.CopyTo(destination[written..]);
                written += escape.Length;
                utf8 = utf8[(index + 1)..];
                continue;
            }
            // A non-ASCII character the encoder escapes (a supplementary character, U+2028, an unassigned code point,
            // …): let it write that one character.
            if (Rune.DecodeFromUtf8(utf8[index..], out _, out var length) != OperationStatus.Done)
                throw new ArgumentException("The text is not valid UTF-8.", nameof(utf8));
            var status = Encoder.EncodeUtf8(utf8.Slice(index, length), destination[written..], out var consumed, out var escapedLength);
            if (status != OperationStatus.Done || consumed != length)
                throw new InvalidOperationException($"The JSON encoder could not escape a character ({status}).");
            written += escapedLength;
            utf8 = utf8[(index + length)..];
        }
        destination[written++] = (byte)'"';
        output.Advance(written);
    }

    private static byte[]?[] CreateAsciiEscapes()
    {
        var escapes = new byte[]?[128];
        Span<byte> one = stackalloc byte[1];
        Span<byte> escaped = stackalloc byte[16];
        for (var b = 0; b < 128; b++)
        {
            one[0] = (byte)b;
            if (Encoder.FindFirstCharacterToEncodeUtf8(one) < 0)
                continue;
            if (Encoder.EncodeUtf8(one, escaped, out _, out var length) != OperationStatus.Done)
                throw new InvalidOperationException($"The JSON encoder could not escape byte 0x{b:X2}.");
            escapes[b] = escaped[..length].ToArray();
        }
        return escapes;
    }
}
