using System.Globalization;
using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;
using static VGate.MySql.Tests.Binlog.Rows.CellTestHelpers;

namespace VGate.MySql.Tests.Binlog.Rows;

/// <summary>
/// The DECIMAL and temporal formatters against independent references over many values: DECIMAL cells are built by
/// a test-side encoder (MySQL's decimal2bin) from random digit strings, and temporal cells from random
/// <see cref="DateTime"/>s whose text .NET formats. The fixtures in <see cref="MariaDbCellFixtures"/> hold the
/// server-recorded cells.
/// </summary>
public sealed class NumericTextFormatTests
{
    private static readonly int[] DigitBytes = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

    [Fact]
    public void Decimal_RandomDigitsEveryPrecisionAndScale_PrintsTheDigits()
    {
        var random = new Random(65_30);
        var checkedValues = 0;
        for (var precision = 1; precision <= 65; precision++)
        {
            for (var scale = 0; scale <= Math.Min(precision, 38); scale++)
            {
                for (var n = 0; n < 12; n++)
                {
                    var integer = RandomDigits(random, precision - scale, n);
                    var fraction = RandomDigits(random, scale, n + 1);
                    var negative = random.Next(2) == 0;
                    var cell = EncodeDecimal(negative, integer, fraction, precision, scale);

                    var text = Format(precision, scale, cell);

                    Assert.Equal(Expected(negative, integer, fraction), text);
                    checkedValues++;
                }
            }
        }
        Assert.True(checkedValues > 20_000);
    }

    [Theory]
    [InlineData(65, 30, "99999999999999999999999999999999999.999999999999999999999999999999")]
    [InlineData(65, 30, "-99999999999999999999999999999999999.999999999999999999999999999999")]
    [InlineData(65, 30, "0.000000000000000000000000000001")]
    [InlineData(65, 30, "-0.000000000000000000000000000001")]
    [InlineData(65, 30, "0.000000000000000000000000000000")]
    [InlineData(65, 0, "99999999999999999999999999999999999999999999999999999999999999999")]
    [InlineData(65, 0, "-10000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData(38, 38, "0.99999999999999999999999999999999999999")]
    [InlineData(12, 2, "1000000000.25")]
    [InlineData(12, 2, "-0.01")]
    [InlineData(12, 0, "0")]
    [InlineData(9, 0, "-123456789")]
    [InlineData(10, 1, "100000000.0")]
    [InlineData(1, 1, "0.5")]
    [InlineData(1, 0, "-9")]
    public void Decimal_EdgeValues(int precision, int scale, string value)
    {
        var negative = value.StartsWith('-');
        var parts = value.TrimStart('-').Split('.');
        var integer = parts[0].TrimStart('0').PadLeft(precision - scale, '0');
        var fraction = parts.Length > 1 ? parts[1] : "";

        Assert.Equal(value, Format(precision, scale, EncodeDecimal(negative, integer, fraction, precision, scale)));
    }

    [Fact]
    public void Decimal_NegativeZero_PrintsWithoutSign()
    {
        // Every byte of the zero's encoding inverted: the form a negative zero would take.
        var cell = EncodeDecimal(negative: true, "0000000000", "00", 12, 2);

        Assert.Equal("0.00", Format(12, 2, cell));
        Assert.Equal("0", Format(5, 0, EncodeDecimal(negative: true, "00000", "", 5, 0)));
    }

    [Fact]
    public void Decimal_DigitGroupTooLarge_StillRejected()
    {
        var cell = EncodeDecimal(negative: false, "000000000", "", 9, 0);
        cell[0] = 0xBF; // 0x3FFFFFFF = 1073741823 > 999999999 once the sign bit is removed
        cell[1] = cell[2] = cell[3] = 0xFF;
        Assert.Throws<BinlogFormatException>(() => Format(9, 0, cell));
    }

    [Fact]
    public void DateTime2_RandomValuesEveryFsp_MatchDotNetText()
    {
        var random = new Random(2026_12_05);
        for (var fsp = 0; fsp <= 6; fsp++)
        {
            var column = Column(ColumnType.DateTime2, fsp);
            for (var i = 0; i < 5000; i++)
            {
                var value = RandomDateTime(random, fsp);
                var cell = EncodeDateTime2(value, fsp);

                Assert.Equal(DateTimeText(value, fsp), Text(column, cell));
            }
        }
    }

    [Fact]
    public void DateTime2_ZeroAndLimits()
    {
        var column = Column(ColumnType.DateTime2, 6);
        Assert.Equal("0000-00-00 00:00:00.000000", Text(column, [0x80, 0, 0, 0, 0, 0, 0, 0]));
        var max = new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9_999_990);
        Assert.Equal("9999-12-31 23:59:59.999999", Text(column, EncodeDateTime2(max, 6)));
        Assert.Equal("1000-01-01 00:00:00.000000", Text(column, EncodeDateTime2(new DateTime(1000, 1, 1), 6)));
    }

    [Fact]
    public void Date_RandomValues_MatchDotNetText()
    {
        var random = new Random(31);
        var column = Column(ColumnType.Date);
        for (var i = 0; i < 20_000; i++)
        {
            var value = new DateTime(random.Next(1, 10000), random.Next(1, 13), 1).AddDays(random.Next(0, 28));
            var packed = (value.Year * 16 * 32) + (value.Month * 32) + value.Day;
            byte[] cell = [(byte)packed, (byte)(packed >> 8), (byte)(packed >> 16)];

            Assert.Equal(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text(column, cell));
        }
        Assert.Equal("0000-00-00", Text(column, [0, 0, 0]));
    }

    [Fact]
    public void Timestamp2_RandomValues_MatchDotNetUtcText()
    {
        var random = new Random(1970);
        for (var fsp = 0; fsp <= 6; fsp++)
        {
            var column = Column(ColumnType.Timestamp2, fsp);
            for (var i = 0; i < 3000; i++)
            {
                var seconds = (uint)random.NextInt64(1, uint.MaxValue);
                var micros = Truncate(random.Next(0, 1_000_000), fsp);
                var cell = new byte[4 + ((fsp + 1) / 2)];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(cell, seconds);
                WriteFraction(cell.AsSpan(4), micros, fsp);
                var value = DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(micros * 10L);

                Assert.Equal(DateTimeText(value, fsp), Text(column, cell));
            }
        }
    }

    [Theory]
    [InlineData("800000", 0, "00:00:00")]
    [InlineData("b46efb", 0, "838:59:59")]
    [InlineData("4b9105", 0, "-838:59:59")]
    [InlineData("800000000000", 6, "00:00:00.000000")]
    [InlineData("7fffffffffff", 6, "-00:00:00.000001")]
    public void Time2_HoursAboveTwoDigitsAndNegative(string cellHex, int fsp, string expected)
    {
        Assert.Equal(expected, Text(Column(ColumnType.Time2, fsp), Convert.FromHexString(cellHex)));
    }

    private static string Format(int precision, int scale, byte[] cell) =>
        Text(Column(ColumnType.NewDecimal, (scale << 8) | precision), cell);

    private static string Text(ColumnInfo column, byte[] cell)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        ColumnValueDecoder.WriteText(column, cell, output);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }

    // Digit strings of the given length, mixing the shapes that matter: all zeros, all nines, leading zeros, random.
    private static string RandomDigits(Random random, int length, int shape)
    {
        var digits = new char[length];
        for (var i = 0; i < length; i++)
        {
            digits[i] = (shape % 4) switch
            {
                0 => '0',
                1 => '9',
                2 => i < length / 2 ? '0' : (char)('0' + random.Next(10)),
                _ => (char)('0' + random.Next(10)),
            };
        }
        return new string(digits);
    }

    private static string Expected(bool negative, string integer, string fraction)
    {
        var integerPart = integer.TrimStart('0');
        if (integerPart.Length == 0)
            integerPart = "0";
        var isZero = integer.Trim('0').Length == 0 && fraction.Trim('0').Length == 0;
        return (negative && !isZero ? "-" : "") + integerPart + (fraction.Length > 0 ? "." + fraction : "");
    }

    // decimal2bin: integer digits right-aligned in groups of nine (the leftover leading digits in 1-4 bytes), fraction
    // digits left-aligned (the leftover trailing digits in 1-4 bytes), big-endian; top bit set for non-negative
    // numbers; every byte inverted for negative ones.
    private static byte[] EncodeDecimal(bool negative, string integer, string fraction, int precision, int scale)
    {
        integer = integer.PadLeft(precision - scale, '0');
        fraction = fraction.PadRight(scale, '0');
        var bytes = new List<byte>();
        var leading = integer.Length % 9;
        if (leading > 0)
            AddGroup(bytes, integer[..leading], DigitBytes[leading]);
        for (var i = leading; i < integer.Length; i += 9)
            AddGroup(bytes, integer.Substring(i, 9), 4);
        var whole = scale / 9 * 9;
        for (var i = 0; i < whole; i += 9)
            AddGroup(bytes, fraction.Substring(i, 9), 4);
        if (scale % 9 > 0)
            AddGroup(bytes, fraction[whole..], DigitBytes[scale % 9]);
        var cell = bytes.ToArray();
        cell[0] ^= 0x80;
        if (negative)
        {
            for (var i = 0; i < cell.Length; i++)
                cell[i] = (byte)~cell[i];
        }
        return cell;
    }

    private static void AddGroup(List<byte> bytes, string digits, int size)
    {
        var value = uint.Parse(digits, CultureInfo.InvariantCulture);
        for (var i = size - 1; i >= 0; i--)
            bytes.Add((byte)(value >> (8 * i)));
    }

    private static DateTime RandomDateTime(Random random, int fsp)
    {
        var ticks = random.NextInt64(new DateTime(1000, 1, 1).Ticks, DateTime.MaxValue.Ticks);
        var value = new DateTime(ticks - (ticks % TimeSpan.TicksPerSecond));
        return value.AddTicks(Truncate(random.Next(0, 1_000_000), fsp) * 10L);
    }

    private static int Truncate(int micros, int fsp)
    {
        var divisor = (int)Math.Pow(10, 6 - fsp);
        return micros / divisor * divisor;
    }

    private static string DateTimeText(DateTime value, int fsp) =>
        value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) +
        (fsp == 0 ? "" : "." + (value.Ticks / 10 % 1_000_000).ToString("D6", CultureInfo.InvariantCulture)[..fsp]);

    // DATETIME2: 1 sign bit (set), 17 bits year*13+month, 5 bits day, 5 hour, 6 minute, 6 second; then the fraction.
    private static byte[] EncodeDateTime2(DateTime value, int fsp)
    {
        var ym = (value.Year * 13L) + value.Month;
        var ymd = (ym << 5) | (uint)value.Day;
        var hms = ((long)value.Hour << 12) | ((long)value.Minute << 6) | (uint)value.Second;
        var packed = ((ymd << 17) | hms) + 0x8000000000L;
        var cell = new byte[5 + ((fsp + 1) / 2)];
        for (var i = 0; i < 5; i++)
            cell[i] = (byte)(packed >> (8 * (4 - i)));
        WriteFraction(cell.AsSpan(5), (int)(value.Ticks / 10 % 1_000_000), fsp);
        return cell;
    }

    // The fraction in (fsp+1)/2 big-endian bytes: 1-2 digits in 1 byte, 3-4 in 2, 5-6 in 3.
    private static void WriteFraction(Span<byte> target, int micros, int fsp)
    {
        var stored = fsp switch
        {
            0 => 0,
            1 or 2 => micros / 10_000,
            3 or 4 => micros / 100,
            _ => micros,
        };
        for (var i = 0; i < target.Length; i++)
            target[i] = (byte)(stored >> (8 * (target.Length - 1 - i)));
    }
}
