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

        // The groups are read in place: a negative number has every byte inverted (mask 0xFF), and the first byte
        // also has its top bit flipped. Digits are written straight into the destination, after the sign.
        var negative = (value[0] & 0x80) == 0;
        var mask = negative ? 0xFFu : 0u;
        var integerDigits = precision - scale;
        var leading = integerDigits % DigitsPerWord;
        var trailing = scale % DigitsPerWord;
        var pos = 0;
        var o = 0;
        if (negative)
            destination[o++] = (byte)'-';
        var anyDigit = false; // a non-zero integer digit has been written (no more leading zeros to skip)
        var nonZero = false;
        if (leading > 0)
        {
            var group = ReadGroup(value, ref pos, DigitBytes[leading], leading, mask);
            if (group != 0)
            {
                o += WriteUnpadded(group, destination[o..]);
                anyDigit = nonZero = true;
            }
        }
        for (var i = 0; i < integerDigits / DigitsPerWord; i++)
        {
            var group = ReadGroup(value, ref pos, 4, DigitsPerWord, mask);
            if (anyDigit)
            {
                WritePadded(group, DigitsPerWord, destination[o..]);
                o += DigitsPerWord;
            }
            else if (group != 0)
            {
                o += WriteUnpadded(group, destination[o..]);
                anyDigit = nonZero = true;
            }
        }
        if (!anyDigit)
            destination[o++] = (byte)'0';
        if (scale > 0)
        {
            destination[o++] = (byte)'.';
            for (var i = 0; i < scale / DigitsPerWord; i++)
            {
                var group = ReadGroup(value, ref pos, 4, DigitsPerWord, mask);
                nonZero |= group != 0;
                WritePadded(group, DigitsPerWord, destination[o..]);
                o += DigitsPerWord;
            }
            if (trailing > 0)
            {
                var group = ReadGroup(value, ref pos, DigitBytes[trailing], trailing, mask);
                nonZero |= group != 0;
                WritePadded(group, trailing, destination[o..]);
                o += trailing;
            }
        }

        // MySQL prints no sign for a negative zero (possible in the binary form).
        if (negative && !nonZero)
        {
            destination[1..o].CopyTo(destination);
            return o - 1;
        }
        return o;
    }

    public static void Validate(int precision, int scale)
    {
        if (precision is < 1 or > MaxPrecision || scale < 0 || scale > MaxScale || scale > precision)
            throw BinlogFormatException.Create($"Invalid DECIMAL precision/scale ({precision},{scale})");
    }

    private static uint ReadGroup(ReadOnlySpan<byte> bytes, ref int pos, int size, int digitCount, uint mask)
    {
        // Big-endian, 1-4 bytes; a negative number has all of them inverted (mask 0xFF → every bit of the group).
        var group = bytes.Slice(pos, size);
        var value = size switch
        {
            4 => BinaryPrimitives.ReadUInt32BigEndian(group),
            3 => (uint)((group[0] << 16) | (group[1] << 8) | group[2]),
            2 => BinaryPrimitives.ReadUInt16BigEndian(group),
            _ => group[0],
        };
        value ^= (mask * 0x01010101u) >> (8 * (4 - size));
        if (pos == 0)
            value ^= 0x80u << (8 * (size - 1)); // the sign bit
        if (value >= Powers10[digitCount])
            throw BinlogFormatException.Create($"DECIMAL digit group {value} has more than {digitCount} digit(s)", pos);
        pos += size;
        return value;
    }

    // Exactly `digits` digits, zero-padded on the left.
    private static void WritePadded(uint value, int digits, Span<byte> destination)
    {
        var target = destination[..digits];
        var i = digits;
        while (i >= 2)
        {
            var pair = TwoDigits.Slice((int)(value % 100) * 2, 2);
            target[--i] = pair[1];
            target[--i] = pair[0];
            value /= 100;
        }
        if (i == 1)
            target[0] = (byte)('0' + value);
    }

    private static int WriteUnpadded(uint value, Span<byte> destination)
    {
        var digits = CountDigits(value);
        WritePadded(value, digits, destination);
        return digits;
    }

    // Digits of a group value (below 10^9): a comparison per power instead of a division per digit.
    private static int CountDigits(uint value)
    {
        var digits = 1;
        while (digits < DigitsPerWord && value >= Powers10[digits])
            digits++;
        return digits;
    }

    private static ReadOnlySpan<byte> TwoDigits =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;
}
