using System.Buffers;
using System.Globalization;
using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// The canonical comparison form shared by both decoders of the differential test. VGate's side goes through
/// <see cref="FromVGate"/>; mariadb-binlog's side is converted to the exact value by
/// <see cref="MariaDbBinlogOutputParser"/> and then to this form with the helpers here.
/// <list type="table">
/// <item><term>integers, DECIMAL, DATE, TIME, DATETIME, YEAR, ENUM, SET</term><description>VGate's text form
/// (<c>-12.50</c>, <c>2026-01-02 03:04:05.120</c>, <c>0000</c>, member names).</description></item>
/// <item><term>TIMESTAMP</term><description>VGate's text form, UTC, with the column's fractional digits.</description></item>
/// <item><term>DOUBLE</term><description>the exact double, round-trip formatted (no tolerance: both sides carry
/// every bit, mariadb-binlog prints 20 significant digits).</description></item>
/// <item><term>FLOAT</term><description>the value rounded to 6 significant digits, see <see cref="FloatCanonical"/>.</description></item>
/// <item><term>BIT</term><description>the unsigned number.</description></item>
/// <item><term>CHAR, VARCHAR, TEXT, BLOB, BINARY, VARBINARY, JSON, GEOMETRY</term><description>the exact bytes as
/// <c>x'…'</c>; character columns also compare the string decoded with their character set.</description></item>
/// </list>
/// </summary>
public static class ValueNormalizer
{
    /// <summary>Longest raw form kept for failure messages.</summary>
    private const int MaxRawLength = 300;

    /// <summary>The canonical form of a non-NULL cell decoded by VGate, with VGate's raw text and charset-decoded text.</summary>
    public static DecodedValue FromVGate(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        var name = column.Name ?? $"@{column.Index + 1}";
        var kind = ColumnValueDecoder.GetValueKind(column);
        switch (kind)
        {
            case ValueKind.Float:
                {
                    var text = ColumnValueDecoder.ToText(column, cell);
                    return new DecodedValue(name, column.Type == ColumnType.Float ? FloatCanonical(text) : DoubleCanonical(text), text);
                }

            case ValueKind.Bit:
                {
                    var value = ColumnValueDecoder.GetUInt64(column, cell);
                    return new DecodedValue(name, value.ToString(CultureInfo.InvariantCulture), "0x" + Convert.ToHexString(cell));
                }

            case ValueKind.Text or ValueKind.Binary or ValueKind.Geometry or ValueKind.Json or ValueKind.Vector:
                {
                    var buffer = new ArrayBufferWriter<byte>();
                    ColumnValueDecoder.WriteText(column, cell, buffer);
                    var canonical = BytesCanonical(buffer.WrittenSpan);
                    var text = kind == ValueKind.Text ? ColumnValueDecoder.ToText(column, cell) : null;
                    return new DecodedValue(name, canonical, Shorten(text ?? canonical), text);
                }

            default:
                {
                    var text = ColumnValueDecoder.ToText(column, cell);
                    return new DecodedValue(name, text, text);
                }
        }
    }

    /// <summary>A SQL NULL.</summary>
    public static DecodedValue Null(string column, string raw) => new(column, null, raw);

    /// <summary>
    /// FLOAT: both decoders print at most 6 significant digits (VGate like the server's text protocol, FLT_DIG;
    /// mariadb-binlog with <c>%g</c>), both rounding the exact binary value. The canonical form is that 6-digit
    /// decimal value in exponent notation, so <c>1e20</c>, <c>1e+20</c> and <c>100000000000000000000</c> are equal.
    /// This is the one place where mariadb-binlog loses information (it cannot show all 24 bits of a FLOAT); the
    /// comparison is exact on what both print, with no further tolerance.
    /// </summary>
    public static string FloatCanonical(string text) =>
        double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("E5", CultureInfo.InvariantCulture);

    /// <summary>DOUBLE: the exact value (VGate prints the shortest round-trip digits, mariadb-binlog 20 significant digits).</summary>
    public static string DoubleCanonical(string text) =>
        double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Exact bytes as <c>x'HEX'</c>.</summary>
    public static string BytesCanonical(ReadOnlySpan<byte> bytes) => "x'" + Convert.ToHexString(bytes) + "'";

    /// <summary>The .NET encoding of a MariaDB character set name as <c>--print-table-metadata</c> shows it.</summary>
    public static Encoding? EncodingOf(string? charset) => charset switch
    {
        null => null,
        "utf8mb4" or "utf8mb3" or "utf8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        // MariaDB's latin1 is Windows-1252 (0x80 is the euro sign), not ISO-8859-1.
        "latin1" => CodePagesEncodingProvider.Instance.GetEncoding(1252),
        "cp1251" => CodePagesEncodingProvider.Instance.GetEncoding(1251),
        "ascii" => Encoding.ASCII,
        // ucs2, utf16 and utf32 are stored big-endian.
        "ucs2" or "utf16" => Encoding.BigEndianUnicode,
        "utf32" => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
        "binary" => null,
        _ => throw new NotSupportedException($"No test mapping for character set {charset}."),
    };

    /// <summary>Cuts long raw forms for failure messages and shows control characters as <c>\xNN</c>.</summary>
    public static string Shorten(string text)
    {
        var shown = text.Length <= MaxRawLength ? text : string.Concat(text.AsSpan(0, MaxRawLength), $"… ({text.Length} chars)");
        var printable = new StringBuilder(shown.Length);
        foreach (var c in shown)
        {
            if (char.IsControl(c))
                printable.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            else
                printable.Append(c);
        }

        return printable.ToString();
    }
}
