using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using VGate.Kafka.Events;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// Text columns are escaped by <see cref="JsonTextEscaper"/> and written raw; the bytes must be exactly those the
/// previous writer produced: <see cref="Utf8JsonWriter.WriteStringValue(ReadOnlySpan{byte})"/> for UTF-8 columns and
/// <see cref="Utf8JsonWriter.WriteStringValue(ReadOnlySpan{char})"/> of the decoded characters for latin1 and other
/// character sets, both with the records' writer options. Checked for every BMP character, supplementary characters,
/// every latin1 byte, random mixes of the mixed workload's words and of the characters JSON treats specially, long texts
/// across the escaper's 16 KB pieces, and ill-formed input (refused as before).
/// </summary>
public sealed class JsonTextEscaperTests
{
    private const uint Utf8mb4 = 45;
    private const uint Latin1 = 8;
    private const uint Cp1251 = 51;
    private const uint Ucs2 = 35;
    private const uint Utf16 = 54;
    private const uint Utf32 = 60;

    private static readonly DebeziumEventOptions Options = new() { TopicPrefix = "p" };

    // The mixed workload's document words (tests/VGate.Testing/Differential/MixedWorkload.cs) and characters JSON or the
    // encoder treat specially.
    private static readonly string[] Pieces =
    [
        "the", "stream", "of", "changes", "données", "réplication", "Übertragung", "größe", "naïve", "façade", "журнал",
        "ログ", "変更", "データベース", "二进制日志", "데이터", "😀", "🚀", "ÆØÅ", "ĳ", "łódź", "Ελληνικά", "עברית", "العربية",
        "हिन्दी", "\"quoted\"", "it's", "a\\b", "tab\there", "line\nbreak", "100%", "<tag>", "&amp;", "€1,000.50", " ",
        "\0", "\u0001", "\b", "\f", "\r", "\u001F", "\u007F", "\u0080", "\u009F", "\u00A0", "/", "+", "`", "\u0378",
        "\u2028", "\u2029", "\u200B", "\uFEFF", "\uFFFD", "\uFFFE", "\uFFFF", "\uE000", "\u061C", "𝄞", "\U0010FFFF", "\U000E0001",
    ];

    [Fact]
    public void Utf8Column_EveryBmpCharacter_SameBytesAsThePreviousWriter()
    {
        var converter = Text(Utf8mb4);
        var scratch = new ValueScratch();
        for (var c = 0; c <= 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF)
                continue;
            AssertUtf8SameBytes(converter, scratch, ((char)c).ToString());
            AssertUtf8SameBytes(converter, scratch, "ab" + (char)c + "cd");
        }
    }

    [Fact]
    public void Utf8Column_SupplementaryCharacters_SameBytesAsThePreviousWriter()
    {
        var converter = Text(Utf8mb4);
        var scratch = new ValueScratch();
        for (var scalar = 0x10000; scalar <= 0x10FFFF; scalar += 97)
            AssertUtf8SameBytes(converter, scratch, "x" + char.ConvertFromUtf32(scalar) + "y");
        AssertUtf8SameBytes(converter, scratch, char.ConvertFromUtf32(0x10FFFF));
    }

    [Fact]
    public void Utf8Column_RandomMixesAndLongTexts_SameBytesAsThePreviousWriter()
    {
        var converter = Text(Utf8mb4);
        var scratch = new ValueScratch();
        var random = new Random(20261208);
        var text = new StringBuilder();
        for (var i = 0; i < 5_000; i++)
        {
            text.Clear();
            // Mostly short values, some as long as the mixed workload's documents (1–70 KB).
            var pieces = random.Next(20) == 0 ? random.Next(200, 12_000) : random.Next(0, 12);
            for (var p = 0; p < pieces; p++)
                text.Append(Pieces[random.Next(Pieces.Length)]).Append(random.Next(12) == 0 ? '\n' : ' ');
            AssertUtf8SameBytes(converter, scratch, text.ToString());
        }
        foreach (var piece in new[] { "é", "中", "😀", "\u2028", "\n" })
        {
            for (var pad = 16 * 1024 - 4; pad <= 16 * 1024 + 1; pad++)
                AssertUtf8SameBytes(converter, scratch, new string('a', pad) + piece + piece + "z");
        }
        AssertUtf8SameBytes(converter, scratch, "");
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xE0, 0x9F, 0xBF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })]
    [InlineData(new byte[] { 0xFF })]
    public void Utf8Column_IllFormed_RefusedNamingTheColumn(byte[] sequence)
    {
        var converter = Text(Utf8mb4);
        foreach (var before in new[] { 0, 3, 16 * 1024 - 1, 16 * 1024, 40_000 })
        {
            byte[] text = [.. Enumerable.Repeat((byte)'x', before), .. sequence, .. "é"u8];
            Assert.False(Utf8.IsValid(text));
            var error = Assert.Throws<DebeziumEventException>(() => Write(converter, new ValueScratch(), text, static (w, v) => { }));
            Assert.Contains("is not UTF-8 text", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Latin1Column_EveryByteAndRandomTexts_SameBytesAsThePreviousWriter()
    {
        var converter = Text(Latin1);
        var scratch = new ValueScratch();
        for (var b = 0; b < 256; b++)
        {
            AssertCharsSameBytes(converter, scratch, [(byte)b], Latin1);
            AssertCharsSameBytes(converter, scratch, [(byte)'a', (byte)b, (byte)'"', (byte)b, (byte)'z'], Latin1);
        }
        var random = new Random(5);
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = new byte[random.Next(20) == 0 ? random.Next(1_000, 40_000) : random.Next(0, 40)];
            random.NextBytes(bytes);
            AssertCharsSameBytes(converter, scratch, bytes, Latin1);
        }
    }

    [Fact]
    public void OtherCharsets_RandomTexts_SameBytesAsThePreviousWriter()
    {
        var scratch = new ValueScratch();
        var random = new Random(11);
        foreach (var collation in new[] { Cp1251, Ucs2, Utf16, Utf32 })
        {
            var converter = Text(collation);
            var encoding = TextCharsets.For(collation)!;
            for (var i = 0; i < 2_000; i++)
            {
                var text = new StringBuilder();
                var pieces = random.Next(20) == 0 ? random.Next(200, 3_000) : random.Next(0, 12);
                for (var p = 0; p < pieces; p++)
                    text.Append(Pieces[random.Next(Pieces.Length)]).Append(' ');
                var chars = text.ToString();
                // cp1251 cannot hold most scripts: keep the characters it can (the others would fail to encode).
                if (collation == Cp1251)
                    chars = new string([.. chars.Where(c => c < 0x80 || "АБВабвгджзЖЁё€—…".Contains(c))]);
                if (collation == Ucs2)
                    chars = new string([.. chars.Where(c => !char.IsSurrogate(c))]);
                AssertCharsSameBytes(converter, scratch, encoding.GetBytes(chars), collation);
            }
        }
    }

    private static ColumnConverter Text(uint collation) =>
        ColumnConverter.Create(new Query.Field { Name = "c", Type = Query.Type.Text, ColumnType = "mediumtext", Charset = collation }, enumSetStrings: true, Options, "t");

    /// <summary>
    /// Writes the value twice inside an object (as a row writes columns) with the converter, and with
    /// <paramref name="previous"/> into a second writer; both with the records' writer options.
    /// </summary>
    private static (byte[] Actual, byte[] Expected) Write(ColumnConverter converter, ValueScratch scratch, byte[] value, Action<Utf8JsonWriter, byte[]> previous)
    {
        var actual = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(actual, DebeziumJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("a"u8);
            converter.WriteValue(writer, value, scratch);
            writer.WritePropertyName("b"u8);
            converter.WriteValue(writer, value, scratch);
            writer.WriteNumber("n"u8, 1);
            writer.WriteEndObject();
        }
        var expected = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(expected, DebeziumJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("a"u8);
            previous(writer, value);
            writer.WritePropertyName("b"u8);
            previous(writer, value);
            writer.WriteNumber("n"u8, 1);
            writer.WriteEndObject();
        }
        return (actual.WrittenSpan.ToArray(), expected.WrittenSpan.ToArray());
    }

    private static void AssertUtf8SameBytes(ColumnConverter converter, ValueScratch scratch, string text)
    {
        var (actual, expected) = Write(converter, scratch, Encoding.UTF8.GetBytes(text), static (w, v) => w.WriteStringValue(v));
        if (!expected.AsSpan().SequenceEqual(actual))
            Assert.Fail($"text {Describe(text)}: previous <{Encoding.UTF8.GetString(expected)}>, now <{Encoding.UTF8.GetString(actual)}>");
        Assert.Equal(text, JsonDocument.Parse(actual).RootElement.GetProperty("b").GetString());
    }

    private static void AssertCharsSameBytes(ColumnConverter converter, ValueScratch scratch, byte[] value, uint collation)
    {
        var (actual, expected) = Write(converter, scratch, value, (w, v) =>
        {
            if (TextCharsets.IsLatin1(collation))
            {
                var chars = new char[v.Length];
                TextCharsets.DecodeLatin1(v, chars);
                w.WriteStringValue(chars);
            }
            else
            {
                w.WriteStringValue(TextCharsets.For(collation)!.GetString(v));
            }
        });
        if (!expected.AsSpan().SequenceEqual(actual))
            Assert.Fail($"collation {collation}, bytes {Convert.ToHexString(value.AsSpan(0, Math.Min(64, value.Length)))}: previous <{Encoding.UTF8.GetString(expected)}>, now <{Encoding.UTF8.GetString(actual)}>");
    }

    private static string Describe(string text) =>
        string.Join(' ', text.EnumerateRunes().Take(40).Select(r => $"U+{r.Value:X4}"));
}
