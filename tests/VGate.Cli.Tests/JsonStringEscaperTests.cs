using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using VGate.Cli.Output;
using VGate.Kafka.Events;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;

namespace VGate.Cli.Tests;

/// <summary>
/// <see cref="JsonTextEscaper"/> must write exactly the bytes Utf8JsonWriter (with the encoder of
/// <c>vgate binlog</c>) wrote for the same text decoded to a string, for every character: each BMP character, a sample
/// of supplementary ones, and random mixes of the characters JSON and the encoder treat specially; ill-formed UTF-8 must
/// be refused (the caller then decodes it with replacement characters, as before).
/// </summary>
public sealed class JsonStringEscaperTests
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Characters JSON or the encoder treat specially, and ordinary ones from several scripts.
    private static readonly string[] Pieces =
    [
        "a", "Z", "0", " ", "\"", "\\", "/", "<", ">", "&", "'", "+", "`", "\u007F", "\0", "\u0001", "\b", "\t", "\n", "\f",
        "\r", "\u001F", "\u0080", "\u009F", "\u00A0", "é", "ß", "Ж", "щ", "中", "文", "\u0378", "\u2028", "\u2029", "\u200B",
        "\uFEFF", "\uFFFD", "\uFFFE", "\uFFFF", "\uE000", "\u0600", "\u061C", "😀", "𝄞", "\U0010FFFF", "\U000E0001",
        "the quick brown fox ", "Grüße, ", "日本語のテキスト", "Привет мир",
    ];

    private static byte[] Expected(string text)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output, Options))
            json.WriteStringValue(text);
        return output.WrittenSpan.ToArray();
    }

    private static byte[]? Actual(ReadOnlySpan<byte> utf8)
    {
        var output = new ArrayBufferWriter<byte>();
        return JsonTextEscaper.TryWriteQuoted(utf8, output) ? output.WrittenSpan.ToArray() : null;
    }

    private static void AssertSameAsUtf8JsonWriter(string text)
    {
        var actual = Actual(Encoding.UTF8.GetBytes(text));
        Assert.NotNull(actual);
        var expected = Expected(text);
        if (!expected.AsSpan().SequenceEqual(actual))
            Assert.Fail($"text {Describe(text)}: Utf8JsonWriter wrote <{Encoding.UTF8.GetString(expected)}>, the escaper <{Encoding.UTF8.GetString(actual)}>");
        Assert.Equal(text, JsonDocument.Parse(actual).RootElement.GetString());
    }

    private static string Describe(string text) =>
        string.Join(' ', text.EnumerateRunes().Take(40).Select(r => $"U+{r.Value:X4}"));

    [Fact]
    public void TryWriteQuoted_EveryBmpCharacter_SameBytesAsUtf8JsonWriter()
    {
        for (var c = 0; c <= 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF)
                continue;
            var ch = ((char)c).ToString();
            AssertSameAsUtf8JsonWriter(ch);
            AssertSameAsUtf8JsonWriter("ab" + ch + "cd");
        }
    }

    [Fact]
    public void TryWriteQuoted_SupplementaryCharacters_SameBytesAsUtf8JsonWriter()
    {
        for (var scalar = 0x10000; scalar <= 0x10FFFF; scalar += 97)
            AssertSameAsUtf8JsonWriter("x" + char.ConvertFromUtf32(scalar) + "y");
        AssertSameAsUtf8JsonWriter(char.ConvertFromUtf32(0x10000));
        AssertSameAsUtf8JsonWriter(char.ConvertFromUtf32(0x10FFFF));
    }

    [Fact]
    public void TryWriteQuoted_RandomMixesShortAndLong_SameBytesAsUtf8JsonWriter()
    {
        var random = new Random(20261208);
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            text.Clear();
            // Mostly short values, some long enough for the vectorized runs (and a few of many kilobytes).
            var pieces = random.Next(10) == 0 ? random.Next(200, 3_000) : random.Next(0, 12);
            for (var p = 0; p < pieces; p++)
                text.Append(Pieces[random.Next(Pieces.Length)]);
            AssertSameAsUtf8JsonWriter(text.ToString());
        }
        AssertSameAsUtf8JsonWriter("");
    }

    public static TheoryData<byte[]> IllFormed => new()
    {
        new byte[] { 0x80 }, // lone continuation byte
        new byte[] { 0xC0, 0x80 }, // overlong NUL
        new byte[] { 0xC1, 0xBF }, // overlong
        new byte[] { 0xC3 }, // truncated
        new byte[] { 0xE0, 0x80, 0x80 }, // overlong 3-byte
        new byte[] { 0xE0, 0x9F, 0xBF }, // overlong 3-byte
        new byte[] { 0xED, 0xA0, 0x80 }, // surrogate U+D800
        new byte[] { 0xED, 0xBF, 0xBF }, // surrogate U+DFFF
        new byte[] { 0xE2, 0x82 }, // truncated €
        new byte[] { 0xF0, 0x80, 0x80, 0x80 }, // overlong 4-byte
        new byte[] { 0xF0, 0x8F, 0xBF, 0xBF }, // overlong 4-byte
        new byte[] { 0xF4, 0x90, 0x80, 0x80 }, // above U+10FFFF
        new byte[] { 0xF5, 0x80, 0x80, 0x80 }, // invalid lead byte
        new byte[] { 0xF0, 0x9F, 0x98 }, // truncated emoji
        new byte[] { 0xFF }, // never valid
        new byte[] { 0xE2, 0x41, 0x82 }, // continuation missing
    };

    [Theory]
    [MemberData(nameof(IllFormed))]
    public void TryWriteQuoted_IllFormedUtf8_Refused(byte[] sequence)
    {
        byte[] text = [.. "ok "u8, .. sequence, .. " tail"u8];
        Assert.False(Utf8.IsValid(text));
        Assert.False(JsonTextEscaper.TryWriteQuoted(text, new ArrayBufferWriter<byte>()));
        // Also when the ill-formed sequence straddles or follows the 16 KB pieces the escaper works in.
        foreach (var before in new[] { 16 * 1024 - 1, 16 * 1024 - 2, 16 * 1024, 40_000 })
        {
            byte[] longText = [.. Enumerable.Repeat((byte)'x', before), .. sequence, .. "é"u8];
            Assert.False(JsonTextEscaper.TryWriteQuoted(longText, new ArrayBufferWriter<byte>()));
        }
    }

    [Fact]
    public void TryWriteQuoted_MultiByteCharactersAcrossPieceBoundaries_SameBytesAsUtf8JsonWriter()
    {
        foreach (var piece in new[] { "é", "中", "😀", "\u2028", "\n" })
        {
            for (var pad = 16 * 1024 - 4; pad <= 16 * 1024 + 1; pad++)
                AssertSameAsUtf8JsonWriter(new string('a', pad) + piece + piece + "z");
        }
        AssertSameAsUtf8JsonWriter(string.Concat(Enumerable.Repeat("Grüße 😀 中文\n\"", 20_000)));
    }

    [Fact]
    public void TryWriteQuoted_RandomBytes_AcceptedExactlyWhenValidUtf8AndThenSameBytes()
    {
        var random = new Random(7);
        var accepted = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var bytes = new byte[random.Next(0, 16)];
            random.NextBytes(bytes);
            // Bias towards well-formed sequences: clear the high bit of most bytes.
            for (var b = 0; b < bytes.Length; b++)
            {
                if (random.Next(3) != 0)
                    bytes[b] &= 0x7F;
            }
            var actual = Actual(bytes);
            Assert.Equal(Utf8.IsValid(bytes), actual is not null);
            if (actual is null)
                continue;
            accepted++;
            Assert.Equal(Expected(Encoding.UTF8.GetString(bytes)), actual);
        }
        Assert.True(accepted > 1_000, $"only {accepted} random byte strings were valid UTF-8");
    }

    // Through ColumnValueJsonWriter: character columns must print what the string path printed, valid or not.
    [Theory]
    [InlineData(45, new byte[] { 0x47, 0x72, 0xC3, 0xBC, 0xC3, 0x9F, 0x65, 0x0A, 0x22 })] // utf8mb4: Grüße\n"
    [InlineData(45, new byte[] { 0x61, 0xF0, 0x9F, 0x98, 0x80, 0x62 })] // utf8mb4: a😀b
    [InlineData(45, new byte[] { 0x61, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0x62 })] // utf8mb4, ill-formed: U+FFFD as before
    [InlineData(33, new byte[] { 0x61, 0xE2, 0x80, 0xA8, 0x62 })] // utf8mb3: U+2028
    [InlineData(8, new byte[] { 0x61, 0x5C, 0x22, 0x7F, 0x01 })] // latin1, ASCII only
    [InlineData(8, new byte[] { 0x47, 0x72, 0xFC, 0xDF, 0x65, 0x80 })] // latin1 (cp1252: ü ß €)
    [InlineData(11, new byte[] { 0x61, 0x09, 0xFF })] // ascii with a byte above 0x7F
    [InlineData(63, new byte[] { 0x61, 0x62 })] // binary collation on a TEXT column: base64, unchanged path
    public void Write_CharacterColumn_SameBytesAsTheStringPath(int collationId, byte[] text)
    {
        var column = new ColumnInfo
        {
            Index = 0, Type = ColumnType.VarChar, WireType = ColumnType.VarChar, Metadata = 1000, IsNullable = true,
            Name = "c", CollationId = collationId,
        };
        byte[] cell = [(byte)text.Length, (byte)(text.Length >> 8), .. text];

        var actual = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(actual, Options))
            ColumnValueJsonWriter.Write(json, column, cell, new ArrayBufferWriter<byte>());

        var expected = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(expected, Options))
        {
            if (ColumnValueDecoder.GetValueKind(column) == ValueKind.Text)
                json.WriteStringValue(ColumnValueDecoder.ToText(column, cell));
            else
                json.WriteBase64StringValue(text);
        }
        Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(actual.WrittenSpan));
        Assert.Equal(expected.WrittenSpan.ToArray(), actual.WrittenSpan.ToArray());
    }
}
