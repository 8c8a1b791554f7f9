using System.Text;

namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// Maps a MySQL/MariaDB collation id to the .NET <see cref="Encoding"/> of its character set.
/// <para>
/// MySQL's <c>latin1</c> is Windows-1252 (with 0x81, 0x8D, 0x8F, 0x90, 0x9D passed through as U+0081 etc.), not
/// ISO-8859-1 as <see cref="Encoding.Latin1"/> is: 0x80 is '€' in MySQL. <c>ucs2</c> and <c>utf16</c> are big-endian,
/// <c>utf32</c> is big-endian UTF-32. Binary (63) data is mapped to ISO-8859-1 so every byte becomes one char losslessly.
/// Unknown ids fall back to UTF-8. Collation ids: https://dev.mysql.com/doc/refman/8.0/en/information-schema-collations-table.html
/// (MariaDB uses the same ids below 256 for these character sets).
/// </para>
/// <para>
/// MariaDB adds ids above 255: the Unicode 5.2 language collations 576-578 (utf8mb3), 608-610 (utf8mb4), 640-642
/// (ucs2), 672-674 (utf16) and 736-738 (utf32), and a <c>NO PAD</c> variant of many collations at the base id + 1024
/// (<c>MY_NOPAD_ID</c>: <c>latin1_nopad_bin</c> is 1071 = 1024 + <c>latin1_bin</c> 47). Ids from MariaDB 10.11's
/// <c>information_schema.COLLATIONS</c>. The UCA 14.0 collations (10.10+) have ids from 2048, 256 per character set
/// (<c>information_schema.COLLATION_CHARACTER_SET_APPLICABILITY</c>).
/// </para>
/// </summary>
public static class MySqlCharsets
{
    /// <summary>The binary pseudo-collation id.</summary>
    public const int BinaryCollationId = 63;

    /// <summary>MariaDB's NO PAD collations are the PAD SPACE collation's id plus this.</summary>
    private const int MariaDbNoPadOffset = 1024;

    private static readonly Encoding Utf32BigEndian = new UTF32Encoding(bigEndian: true, byteOrderMark: false);
    private static readonly Encoding Utf16BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
    private static readonly Encoding Utf16LittleEndian = new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Returns the encoding for <paramref name="collationId"/> (UTF-8 when unknown or 0).</summary>
    public static Encoding GetEncoding(int collationId) => GetCharsetName(collationId) switch
    {
        "binary" => Encoding.Latin1,
        "latin1" => CodePage(1252),
        "ascii" => Encoding.ASCII,
        "ucs2" or "utf16" => Utf16BigEndian,
        "utf16le" => Utf16LittleEndian,
        "utf32" => Utf32BigEndian,
        "cp1250" => CodePage(1250),
        "cp1251" => CodePage(1251),
        "cp1256" => CodePage(1256),
        "cp1257" => CodePage(1257),
        "latin2" => CodePage(28592),
        "greek" => CodePage(28597),
        "hebrew" => CodePage(28598),
        "latin5" => CodePage(28599),
        "latin7" => CodePage(28603),
        "koi8r" => CodePage(20866),
        "koi8u" => CodePage(21866),
        "cp850" => CodePage(850),
        "cp852" => CodePage(852),
        "cp866" => CodePage(866),
        "sjis" or "cp932" => CodePage(932),
        "ujis" or "eucjpms" => CodePage(20932),
        "gbk" or "gb2312" => CodePage(936),
        "gb18030" => CodePage(54936),
        "big5" => CodePage(950),
        "euckr" => CodePage(51949),
        "tis620" => CodePage(874),
        _ => Utf8,
    };

    /// <summary>The character set name of a collation id ("utf8mb4", "latin1", "binary", …), or null when unknown.</summary>
    public static string? GetCharsetName(int collationId) => collationId switch
    {
        63 => "binary",
        45 or 46 or (>= 224 and <= 247) or (>= 255 and <= 323) => "utf8mb4",
        33 or 76 or 83 or (>= 192 and <= 215) or 223 => "utf8mb3",
        5 or 8 or 15 or 31 or 47 or 48 or 49 or 94 => "latin1",
        11 or 65 => "ascii",
        35 or 90 or (>= 128 and <= 151) or 159 => "ucs2",
        54 or 55 or (>= 101 and <= 124) or 327 => "utf16",
        56 or 62 => "utf16le",
        60 or 61 or (>= 160 and <= 183) => "utf32",
        26 or 34 or 44 or 66 or 99 => "cp1250",
        14 or 23 or 50 or 51 or 52 => "cp1251",
        57 or 67 => "cp1256",
        29 or 58 or 59 => "cp1257",
        2 or 9 or 21 or 27 or 77 => "latin2",
        25 or 70 => "greek",
        16 or 71 => "hebrew",
        30 or 78 => "latin5",
        20 or 41 or 42 or 79 => "latin7",
        7 or 74 => "koi8r",
        22 or 75 => "koi8u",
        4 or 80 => "cp850",
        40 or 81 => "cp852",
        36 or 68 => "cp866",
        13 or 88 => "sjis",
        95 or 96 => "cp932",
        12 or 91 => "ujis",
        97 or 98 => "eucjpms",
        28 or 87 => "gbk",
        24 or 86 => "gb2312",
        248 or 249 or 250 => "gb18030",
        1 or 84 => "big5",
        19 or 85 => "euckr",
        18 or 89 => "tis620",
        >= 576 and <= 578 => "utf8mb3",
        >= 608 and <= 610 => "utf8mb4",
        >= 640 and <= 642 => "ucs2",
        >= 672 and <= 674 => "utf16",
        >= 736 and <= 738 => "utf32",
        >= MariaDbNoPadOffset and < MariaDbNoPadOffset + MariaDbNoPadOffset => GetCharsetName(collationId - MariaDbNoPadOffset),
        // MariaDB 10.10+ UCA 14.0 collations (utf8mb4_uca1400_ai_ci, the utf8mb4 default from 11.5): 2048 + 256 × the
        // character set (utf8mb3, utf8mb4, ucs2, utf16, utf32) + the variant.
        >= 2048 and < 3328 => ((collationId - 2048) >> 8) switch
        {
            0 => "utf8mb3",
            1 => "utf8mb4",
            2 => "ucs2",
            3 => "utf16",
            _ => "utf32",
        },
        _ => null,
    };

    /// <summary>
    /// The longest a character of the collation's character set can be, in bytes (MySQL's <c>mbmaxlen</c>):
    /// 4 for utf8mb4, 3 for utf8mb3, 1 for single-byte sets and binary. Used to turn byte lengths into
    /// declared character lengths (<c>VARCHAR(64)</c> in utf8mb4 holds up to 256 bytes).
    /// </summary>
    public static int GetMaxBytesPerCharacter(int collationId) => GetCharsetName(collationId) switch
    {
        "utf8mb4" or "utf16" or "utf16le" or "utf32" or "gb18030" => 4,
        "utf8mb3" or "ujis" or "eucjpms" => 3,
        "ucs2" or "sjis" or "cp932" or "gbk" or "gb2312" or "big5" or "euckr" => 2,
        _ => 1,
    };

    private static Encoding CodePage(int codePage) =>
        CodePagesEncodingProvider.Instance.GetEncoding(codePage) ?? Encoding.GetEncoding(codePage);
}
