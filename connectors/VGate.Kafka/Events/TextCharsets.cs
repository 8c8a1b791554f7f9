using System.Text;

namespace VGate.Kafka.Events;

/// <summary>
/// The .NET encoding that turns a text column's bytes, as the gateway sends them (in the column's own character set,
/// as Vitess does), into the characters of a Debezium string; <c>null</c> for the sets whose bytes are already UTF-8.
/// </summary>
/// <remarks>
/// The sink sees only the collation id (<c>Field.charset</c>). MySQL's <c>latin1</c> is Windows-1252 (0x80 is '€'), as
/// MySQL Connector/J (and so Debezium) decodes it; <c>ucs2</c>, <c>utf16</c> and <c>utf32</c> are big-endian. MariaDB's
/// <c>NO PAD</c> collations are the PAD SPACE id + 1024, its UCA 14.0 ones 2048 + 256 × the Unicode set. Ids from
/// MariaDB 10.11's and MySQL 8's <c>information_schema.COLLATIONS</c> (the same table the gateway's binlog decoder uses).
/// Ids not listed are treated as UTF-8 and must hold valid UTF-8.
/// </remarks>
internal static class TextCharsets
{
    private static readonly Encoding Utf32BigEndian = new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);
    private static readonly Encoding Utf16BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly Encoding Utf16LittleEndian = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);

    /// <summary>
    /// MySQL's <c>latin1</c> at 0x80–0x9F (strings/ctype-latin1.c): Windows-1252, except that the five bytes cp1252 leaves
    /// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are the C1 controls of the same number. Every byte is a character, so
    /// latin1 text never fails to decode, whatever .NET's code page 1252 makes of those five.
    /// </summary>
    private static readonly char[] Latin1High =
    [
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    ];

    /// <summary>Whether <paramref name="collationId"/> is a latin1 collation (PAD SPACE or MariaDB NO PAD).</summary>
    public static bool IsLatin1(uint collationId) =>
        (collationId >= 1024 && collationId < 2048 ? collationId - 1024 : collationId) is 5 or 8 or 15 or 31 or 47 or 48 or 49 or 94;

    /// <summary>Decodes MySQL latin1 bytes into <paramref name="chars"/> (as long as <paramref name="value"/>).</summary>
    public static void DecodeLatin1(ReadOnlySpan<byte> value, Span<char> chars)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            chars[i] = b is >= 0x80 and <= 0x9F ? Latin1High[b - 0x80] : (char)b;
        }
    }

    /// <summary>
    /// The encoding of <paramref name="collationId"/>'s character set, or null when its bytes are UTF-8 (or ASCII) or
    /// latin1 (<see cref="IsLatin1"/>, decoded by <see cref="DecodeLatin1"/>).
    /// </summary>
    public static Encoding? For(uint collationId) => collationId switch
    {
        >= 1024 and < 2048 => For(collationId - 1024),
        >= 2048 and < 3328 => ((collationId - 2048) >> 8) switch
        {
            0 or 1 => null,
            2 or 3 => Utf16BigEndian,
            _ => Utf32BigEndian,
        },
        35 or 90 or (>= 128 and <= 151) or 159 or (>= 640 and <= 642) => Utf16BigEndian, // ucs2
        54 or 55 or (>= 101 and <= 124) or 327 or (>= 672 and <= 674) => Utf16BigEndian, // utf16
        56 or 62 => Utf16LittleEndian, // utf16le
        60 or 61 or (>= 160 and <= 183) or (>= 736 and <= 738) => Utf32BigEndian, // utf32
        26 or 34 or 44 or 66 or 99 => CodePage(1250),
        14 or 23 or 50 or 51 or 52 => CodePage(1251),
        57 or 67 => CodePage(1256),
        29 or 58 or 59 => CodePage(1257),
        2 or 9 or 21 or 27 or 77 => CodePage(28592), // latin2
        25 or 70 => CodePage(28597), // greek
        16 or 71 => CodePage(28598), // hebrew
        30 or 78 => CodePage(28599), // latin5
        20 or 41 or 42 or 79 => CodePage(28603), // latin7
        7 or 74 => CodePage(20866), // koi8r
        22 or 75 => CodePage(21866), // koi8u
        4 or 80 => CodePage(850),
        40 or 81 => CodePage(852),
        36 or 68 => CodePage(866),
        13 or 88 or 95 or 96 => CodePage(932), // sjis, cp932
        12 or 91 or 97 or 98 => CodePage(20932), // ujis, eucjpms
        28 or 87 or 24 or 86 => CodePage(936), // gbk, gb2312
        248 or 249 or 250 => CodePage(54936), // gb18030
        1 or 84 => CodePage(950), // big5
        19 or 85 => CodePage(51949), // euckr
        18 or 89 => CodePage(874), // tis620
        _ => null,
    };

    // Strict: bytes that are not text of the set fail the record (DecoderFallback.ExceptionFallback) rather than
    // becoming U+FFFD, the same as invalid UTF-8 does.
    private static Encoding CodePage(int codePage) =>
        Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback) is var e && e.CodePage == codePage
            ? e
            : throw new InvalidOperationException($"code page {codePage} is not available");

    static TextCharsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
