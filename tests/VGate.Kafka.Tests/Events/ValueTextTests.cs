using System.Globalization;
using System.Numerics;
using System.Text;
using VGate.Kafka.Events;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// The text codecs behind the column conversions, checked against .NET's own arithmetic: Connect Decimal bytes against
/// <see cref="BigInteger"/>, day numbers against <see cref="DateOnly"/>, plus the DDL table-name and column_type readers.
/// </summary>
public sealed class ValueTextTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("-0", 0)]
    [InlineData("0.00", 2)]
    [InlineData("1", 0)]
    [InlineData("127", 0)]
    [InlineData("128", 0)]
    [InlineData("-128", 0)]
    [InlineData("-129", 0)]
    [InlineData("255", 0)]
    [InlineData("-1.5", 3)]
    [InlineData("0.01", 2)]
    [InlineData("000123.4", 2)]
    [InlineData("999999999999999999", 0)]
    [InlineData("-99999999999999999.9", 1)]
    [InlineData("9223372036854775807", 0)]
    [InlineData("18446744073709551615", 0)]
    [InlineData("-12345678901234567890123456789.123456789", 9)]
    [InlineData("99999999999999999999999999999999999999999999999999999999999999999", 0)]
    public void DecimalText_UnscaledBytes_MatchBigIntegerTwosComplement(string text, int scale)
    {
        var utf8 = Encoding.ASCII.GetBytes(text);
        var expected = Unscaled(text, scale).ToByteArray(isUnsigned: false, isBigEndian: true);

        Span<byte> small = stackalloc byte[DecimalText.MaxSmallBytes];
        var length = DecimalText.TryWriteSmall(utf8, scale, small);
        var actual = length >= 0 ? small[..length].ToArray() : DecimalText.ToBytesLarge(utf8, scale);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("1.", 2)]
    [InlineData("1.234", 2)]
    [InlineData("1e5", 0)]
    [InlineData("--1", 0)]
    [InlineData(" 1", 0)]
    [InlineData(".", 1)]
    public void DecimalText_NotADecimalOfThatScale_IsRejected(string text, int scale)
    {
        Assert.Equal(-2, DecimalText.TryWriteSmall(Encoding.ASCII.GetBytes(text), scale, new byte[8]));
        Assert.Null(DecimalText.ToBytesLarge(Encoding.ASCII.GetBytes(text), scale));
    }

    [Fact]
    public void TemporalText_DaysFromCivil_MatchesDateOnlyAcrossTheCalendar()
    {
        var epoch = new DateOnly(1970, 1, 1).DayNumber;
        for (var date = new DateOnly(1, 1, 1); date.Year < 9999; date = date.AddDays(17))
            Assert.Equal(date.DayNumber - epoch, TemporalText.DaysFromCivil(date.Year, date.Month, date.Day));
        // MySQL allows year 0 (1 BC proleptic, a leap year): one leap year before 0001-01-01.
        Assert.Equal(new DateOnly(1, 1, 1).DayNumber - epoch - 366, TemporalText.DaysFromCivil(0, 1, 1));
    }

    [Theory]
    [InlineData("00:00:00", 0L)]
    [InlineData("838:59:59", 3020399000000L)]
    [InlineData("-838:59:59.000000", -3020399000000L)]
    [InlineData("-00:00:01.5", -1500000L)]
    [InlineData("01:02:03.000004", 3723000004L)]
    public void TemporalText_Time_ParsesToMicroseconds(string text, long micros)
    {
        Assert.True(TemporalText.TryParseTime(Encoding.ASCII.GetBytes(text), out var actual));
        Assert.Equal(micros, actual);
    }

    [Theory]
    [InlineData("12:00")]
    [InlineData("12:00:60")]
    [InlineData("1:2:3")]
    [InlineData("12:00:00.1234567")]
    [InlineData("12:00:00.")]
    public void TemporalText_BadTime_IsRejected(string text) =>
        Assert.False(TemporalText.TryParseTime(Encoding.ASCII.GetBytes(text), out _));

    [Theory]
    [InlineData("2024-02-29 23:59:59.999999")]
    [InlineData("1970-01-01 00:00:00")]
    [InlineData("1969-12-31 23:59:59.5")]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59.123")]
    public void TemporalText_DateTime_MatchesDateTimeOffset(string text)
    {
        var expected = DateTimeOffset.ParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        Assert.True(TemporalText.TryParseDateTime(Encoding.ASCII.GetBytes(text), out var micros, out var zero));

        Assert.False(zero);
        Assert.Equal((expected.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10, micros);
    }

    [Theory]
    [InlineData("0000-00-00 00:00:00")]
    [InlineData("2024-00-10 10:00:00")]
    [InlineData("2024-03-00 10:00:00")]
    public void TemporalText_ZeroDates_AreReportedAsZero(string text)
    {
        Assert.True(TemporalText.TryParseDateTime(Encoding.ASCII.GetBytes(text), out _, out var zero));
        Assert.True(zero);
    }

    [Theory]
    [InlineData("ALTER TABLE t ADD COLUMN c INT", "t")]
    [InlineData("alter table `db`.`my``table` add c int", "my`table")]
    [InlineData("CREATE TABLE IF NOT EXISTS db.t2 (id INT)", "t2")]
    [InlineData("CREATE OR REPLACE TEMPORARY TABLE x (id INT)", "x")]
    [InlineData("DROP TABLE IF EXISTS `gone`", "gone")]
    [InlineData("/* note */ RENAME TABLE a TO b", "a")]
    [InlineData("TRUNCATE t9", "t9")]
    [InlineData("TRUNCATE TABLE t9", "t9")]
    [InlineData("CREATE INDEX i ON t (c)", null)]
    [InlineData("CREATE DATABASE d", null)]
    [InlineData("GRANT ALL ON t TO u", null)]
    public void DdlText_TableName_FindsTheTableTheStatementIsAbout(string statement, string? table) =>
        Assert.Equal(table, DdlText.TableName(statement));

    [Theory]
    [InlineData("enum('a','b')", new[] { "a", "b" })]
    [InlineData("enum('it''s','x,y','')", new[] { "it's", "x,y", "" })]
    [InlineData("set('a')", new[] { "a" })]
    public void ColumnTypeText_Values_ReadsQuotedValues(string columnType, string[] values) =>
        Assert.Equal(values, ColumnTypeText.Values(columnType));

    [Theory]
    [InlineData("decimal(10,2)", 10)]
    [InlineData("decimal(65,30) unsigned", 65)]
    [InlineData("bit(7)", 7)]
    [InlineData("decimal", null)]
    public void ColumnTypeText_FirstNumber_ReadsPrecisionOrLength(string columnType, int? number) =>
        Assert.Equal(number, ColumnTypeText.FirstNumber(columnType));

    private static BigInteger Unscaled(string text, int scale)
    {
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        var dot = digits.IndexOf('.', StringComparison.Ordinal);
        var integer = dot < 0 ? digits : digits[..dot];
        var fraction = dot < 0 ? "" : digits[(dot + 1)..];
        var value = BigInteger.Parse(integer + fraction.PadRight(scale, '0'), CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }
}
