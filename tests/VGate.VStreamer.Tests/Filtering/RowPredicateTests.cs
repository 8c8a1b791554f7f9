using VGate.VStreamer.Filtering;
using static VGate.VStreamer.Tests.Filtering.FilterTestTables;

namespace VGate.VStreamer.Tests.Filtering;

/// <summary>
/// Predicate evaluation over one column of the <c>items</c> table: each case is a WHERE clause, the column's text
/// value (null = SQL NULL) and whether the row passes.
/// </summary>
public sealed class RowPredicateTests
{
    public static TheoryData<string, string?, bool> SignedIntegers => new()
    {
        { "i = 1", "1", true },
        { "i = 1", "2", false },
        { "i = 1", null, false },
        { "i != 1", "1", false },
        { "i != 1", "2", true },
        { "i != 1", null, false },
        { "i <> 1", "0", true },
        { "i < 2", "1", true },
        { "i < 2", "2", false },
        { "i <= 2", "2", true },
        { "i > 2", "3", true },
        { "i > 2", "2", false },
        { "i >= 2", "2", true },
        { "i >= 2", "1", false },
        { "i > -5", "-4", true },
        { "i > -5", "-6", false },
        { "i = -9223372036854775808", "-9223372036854775808", true },
        { "i < -9223372036854775807", "-9223372036854775808", true },
        { "i > 9", "10", true },
        { "i < 10", "9", true },
        { "i = 1.0", "1", true },
        { "i < 1.5", "1", true },
        { "i > 1.5", "2", true },
        { "i = '5'", "5", true },
        { "i = ' 5'", "5", true },
        { "i = true", "1", true },
        { "i = false", "0", true },
        { "i > 1e3", "1001", true },
        { "i = 0x10", "16", true },
        { "i in (1, 2, 3)", "2", true },
        { "i in (1, 2, 3)", "4", false },
        { "i in (1, null)", "1", true },
        { "i in (1, null)", "2", false },
        { "i in (1, null)", null, false },
        { "i between 1 and 3", "1", true },
        { "i between 1 and 3", "3", true },
        { "i between 1 and 3", "2", true },
        { "i between 1 and 3", "0", false },
        { "i between 1 and 3", "4", false },
        { "i between 1 and 3", null, false },
        { "i between 3 and 1", "2", false },
        { "i not between 1 and 3", "1", false },
        { "i not between 1 and 3", "3", false },
        { "i not between 1 and 3", "0", true },
        { "i not between 1 and 3", "4", true },
        { "i not between 1 and 3", null, false },
        { "i is null", null, true },
        { "i is null", "0", false },
        { "i is not null", null, false },
        { "i is not null", "0", true },
    };

    public static TheoryData<string, string?, bool> UnsignedAndDecimals => new()
    {
        { "u = 18446744073709551615", "18446744073709551615", true },
        { "u > 18446744073709551614", "18446744073709551615", true },
        { "u > 9223372036854775807", "9223372036854775808", true },
        { "u < 9223372036854775808", "9223372036854775807", true },
        { "u > -1", "0", true },
        { "u = 0xFFFFFFFFFFFFFFFF", "18446744073709551615", true },
        { "u in (18446744073709551615)", "18446744073709551615", true },
        { "u >= 100000000000000000000", "18446744073709551615", false },
        { "d = 1.5", "1.50", true },
        { "d = 1.5", "1.5000000000000000000000000000001", false },
        { "d > 1.5", "1.5000000000000000000000000000001", true },
        { "d = 0", "-0.00", true },
        { "d < 0", "-0.01", true },
        { "d > -0.02", "-0.01", true },
        { "d < -0.02", "-0.1", true },
        { "d between 1.10 and 1.2", "1.2", true },
        { "d between 1.10 and 1.2", "1.21", false },
        { "d = 12345678901234567890123456789012345.123456789", "12345678901234567890123456789012345.123456789", true },
        { "d < 12345678901234567890123456789012345.123456789", "12345678901234567890123456789012345.123456788", true },
        { "d != 00010", "10", false },
        { "f = 1.5", "1.5E+00", true },
        { "f = 1.5", "1.5", true },
        { "f > 1e2", "1.01E+02", true },
        { "f < -1", "-1.5", true },
        { "f between 0 and 1", "0.5", true },
    };

    public static TheoryData<string, string?, bool> Strings => new()
    {
        { "s = 'abc'", "abc", true },
        { "s = 'abc'", "ABC", true },
        { "s = 'ABC'", "aBc", true },
        { "s = 'abc'", "abd", false },
        { "s = 'abc'", "abc ", false },
        { "s != 'abc'", "ABC", false },
        { "s != 'abc'", "abd", true },
        { "s != 'abc'", null, false },
        { "s < 'b'", "A", true },
        { "s < 'b'", "a", true },
        { "s < 'B'", "c", false },
        { "s > 'a'", "ab", true },
        { "s in ('x', 'Y')", "y", true },
        { "s in ('x', 'Y')", "z", false },
        { "s between 'a' and 'c'", "B", true },
        { "s between 'a' and 'c'", "d", false },
        { "s not between 'a' and 'c'", "D", true },
        { "s = 'caf\u00e9'", "caf\u00e9", true },
        { "s = x'616263'", "abc", true },
        { "s = x'616263'", "ABC", false },
        { "s = 5", "5", true },
        { "s = 5", "5abc", true },
        { "s = 0", "abc", true },
        { "s is null", null, true },
        { "b = 'abc'", "abc", true },
        { "b = 'abc'", "ABC", false },
        { "b > 'ABC'", "abc", true },
        { "b = 0x00ff", "\u0000\u00ff", true },
        { "b = 0x00ff", "\u0000\u00fe", false },
        { "bits = 5", "\u0005", true },
        { "bits = 0x0105", "\u0001\u0005", true },
        { "bits > 4", "\u0005", true },
    };

    public static TheoryData<string, string?, bool> Temporal => new()
    {
        { "dt = '2024-01-02'", "2024-01-02", true },
        { "dt = '2024-01-02'", "2024-01-02 00:00:00", true },
        { "dt = '2024-01-02 00:00:00'", "2024-01-02", true },
        { "dt > '2024-01-02'", "2024-01-02 00:00:01", true },
        { "dt >= '2024-1-2'", "2024-01-02 00:00:00", true },
        { "dt < '2024-01-02 10:00:00.5'", "2024-01-02 10:00:00.499999", true },
        { "dt = '2024-01-02 10:00:00.5'", "2024-01-02 10:00:00.500", true },
        { "dt between '2024-01-01' and '2024-12-31 23:59:59'", "2024-06-30 12:00:00", true },
        { "dt between '2024-01-01' and '2024-12-31 23:59:59'", "2025-01-01 00:00:00", false },
        { "dt > '2024-01-02T03:04:05'", "2024-01-02 03:04:06", true },
        { "dt = '20240102'", "2024-01-02", true },
        { "dt = '0000-00-00 00:00:00'", "0000-00-00 00:00:00", true },
        { "dt is not null", "2024-01-02", true },
        { "tm < '10:00:00'", "9:59:59", true },
        { "tm < '10:00:00'", "-01:00:00", true },
        { "tm > '99:00:00'", "100:00:00", true },
        { "tm = '01:02:03.5'", "01:02:03.500000", true },
        { "tm between '-1:00:00' and '1:00:00'", "00:00:00", true },
    };

    [Theory]
    [MemberData(nameof(SignedIntegers))]
    [MemberData(nameof(UnsignedAndDecimals))]
    [MemberData(nameof(Strings))]
    [MemberData(nameof(Temporal))]
    public void Matches_SampleValue(string where, string? value, bool expected)
    {
        var plan = Plan(Items, "select * from items where " + where);
        var column = plan.Predicates[0].ColumnIndex;
        var values = new byte[]?[Items.Columns.Count];
        values[column] = value is null ? null : Latin1OrUtf8(value, Items.Columns[column].Kind);

        Assert.Equal(expected, plan.Matches(new RowValues(values)));
    }

    [Fact]
    public void Matches_AllTermsMustPass()
    {
        var plan = Plan(Items, "select * from items where i > 1 and s = 'x' and dt is not null");

        Assert.True(plan.Matches(RowValues.FromText("2", null, null, null, "X", null, "2024-01-01", null, null)));
        Assert.False(plan.Matches(RowValues.FromText("1", null, null, null, "X", null, "2024-01-01", null, null)));
        Assert.False(plan.Matches(RowValues.FromText("2", null, null, null, "y", null, "2024-01-01", null, null)));
        Assert.False(plan.Matches(RowValues.FromText("2", null, null, null, "X", null, null, null, null)));
    }

    [Fact]
    public void Matches_QueryRowLayout()
    {
        var plan = Plan(T1, "select * from t1 where id = 12 and val is null");
        var row = RowValues.FromQueryRow([2, -1], "12"u8.ToArray());

        Assert.True(plan.Matches(row));
        Assert.False(plan.Matches(RowValues.FromQueryRow([2, 1], "12x"u8.ToArray())));
    }

    [Fact]
    public void Predicate_ExposesOperatorAndLiterals()
    {
        var plan = Plan(Items, "select * from items where i between -1 and 2 and s in ('a', 'b') and u is null");

        Assert.Collection(
            plan.Predicates,
            p =>
            {
                Assert.Equal(PredicateOperator.Between, p.Operator);
                Assert.Equal(0, p.ColumnIndex);
                Assert.Equal(["-1", "2"], p.Literals);
            },
            p =>
            {
                Assert.Equal(PredicateOperator.In, p.Operator);
                Assert.Equal(["'a'", "'b'"], p.Literals);
            },
            p =>
            {
                Assert.Equal(PredicateOperator.IsNull, p.Operator);
                Assert.Empty(p.Literals);
            });
    }

    /// <summary>BIT and binary samples are written as chars 0-255 standing for bytes; text as UTF-8.</summary>
    private static byte[] Latin1OrUtf8(string value, ColumnKind kind) =>
        kind is ColumnKind.Bit or ColumnKind.Binary
            ? value.Select(c => (byte)c).ToArray()
            : System.Text.Encoding.UTF8.GetBytes(value);
}
