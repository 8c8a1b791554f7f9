using System.Buffers.Binary;

namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// MySQL's packed binary DECIMAL (<c>decimal2bin</c> in strings/decimal.cc): the integer and fraction parts are stored
/// separately, big-endian, in groups of 9 digits per 4 bytes, with the leftover leading integer digits and trailing
/// fraction digits in 1-4 bytes. The first bit is inverted (set for non-negative numbers); negative numbers have every
/// byte inverted.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html (NEWDECIMAL).
/// </summary>
internal static class DecimalCodec
{
    /// <summary>Upper bound of the text length: sign, 65 digits, point, leading zero.</summary>
    public const int MaxTextLength = 68;

    /// <summary>
    /// Largest scale: 38 in MariaDB (<c>DECIMAL_MAX_SCALE</c>; MySQL stops at 30). The binary format is the same, so
    /// a MariaDB DECIMAL(38,38) or DECIMAL(65,38) decodes like any other.
    /// </summary>
    public const int MaxScale = 38;

    /// <summary>Largest precision (both flavors).</summary>
    public const int MaxPrecision = 65;

    private const int DigitsPerWord = 9;
    private static readonly int[] DigitBytes = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
    private static readonly uint[] Powers10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    /// <summary>Bytes used by a DECIMAL(precision, scale) value.</summary>
    public static int GetLength(int precision, int scale)
    {
        Validate(precision, scale);
        var integerDigits = precision - scale;
        return (integerDigits / DigitsPerWord * 4) + DigitBytes[integerDigits % DigitsPerWord] +
            (scale / DigitsPerWord * 4) + DigitBytes[scale % DigitsPerWord];
    }

    /// <summary>
    /// Writes the value as MySQL prints it: optional '-', the integer part without leading zeros (at least "0"),
    /// then '.' and exactly <paramref name="scale"/> digits when the scale is not 0.
    /// </summary>
    public static int Format(ReadOnlySpan<byte> value, int precision, int scale, Span<byte> destination)
    {
        var length = GetLength(precision, scale);
        if (value.Length != length)
            throw BinlogFormatException.Create($"DECIMAL({precision},{scale}) needs {length} byte(s) but the value has {value.Length}", 0);

        Span<byte> bytes = stackalloc byte[32];
        bytes = bytes[..length];
        value.CopyTo(bytes);
        var negative = (bytes[0] & 0x80) == 0;
        bytes[0] ^= 0x80;
        if (negative)
        {
            for (var i = 0; i < bytes.Length; i++)
                bytes[i] = (byte)~bytes[i];
        }

        // All digits, integer part first, as ASCII.
        Span<byte> digits = stackalloc byte[precision];
        var integerDigits = precision - scale;
        var leading = integerDigits % DigitsPerWord;
        var trailing = scale % DigitsPerWord;
        var pos = 0;
        var d = 0;
        if (leading > 0)
            ReadGroup(bytes, ref pos, DigitBytes[leading], leading, digits, ref d);
        for (var i = 0; i < integerDigits / DigitsPerWord; i++)
            ReadGroup(bytes, ref pos, 4, DigitsPerWord, digits, ref d);
        for (var i = 0; i < scale / DigitsPerWord; i++)
            ReadGroup(bytes, ref pos, 4, DigitsPerWord, digits, ref d);
        if (trailing > 0)
            ReadGroup(bytes, ref pos, DigitBytes[trailing], trailing, digits, ref d);

        var integerPart = digits[..integerDigits];
        var firstNonZero = integerPart.IndexOfAnyExcept((byte)'0');
        var isZero = firstNonZero < 0 && digits[integerDigits..].IndexOfAnyExcept((byte)'0') < 0;
        var o = 0;
        if (negative && !isZero)
            destination[o++] = (byte)'-';
        if (firstNonZero < 0)
        {
            destination[o++] = (byte)'0';
        }
        else
        {
            integerPart[firstNonZero..].CopyTo(destination[o..]);
            o += integerDigits - firstNonZero;
        }
        if (scale > 0)
        {
            destination[o++] = (byte)'.';
            digits[integerDigits..].CopyTo(destination[o..]);
            o += scale;
        }
        return o;
    }

    public static void Validate(int precision, int scale)
    {
        if (precision is < 1 or > MaxPrecision || scale < 0 || scale > MaxScale || scale > precision)
            throw BinlogFormatException.Create($"Invalid DECIMAL precision/scale ({precision},{scale})");
    }

    private static void ReadGroup(ReadOnlySpan<byte> bytes, ref int pos, int size, int digitCount, Span<byte> digits, ref int d)
    {
        var group = bytes.Slice(pos, size);
        uint value = size switch
        {
            1 => group[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(group),
            3 => (uint)((group[0] << 16) | (group[1] << 8) | group[2]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(group),
        };
        if (value >= Powers10[digitCount])
            throw BinlogFormatException.Create($"DECIMAL digit group {value} has more than {digitCount} digit(s)", pos);
        pos += size;
        for (var i = digitCount - 1; i >= 0; i--)
        {
            digits[d + i] = (byte)('0' + (value % 10));
            value /= 10;
        }
        d += digitCount;
    }
}
