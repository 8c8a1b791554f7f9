using System.Text;
using VGate.MySql.Binlog.Rows;

namespace VGate.MySql.Tests.Binlog.Rows;

/// <summary>
/// Expected strings are what MariaDB 10.11.19 returned for <c>SELECT d, f</c> after inserting the literal into a DOUBLE
/// and a FLOAT column (the server rounds the literal to the nearest double, then to float for FLOAT, as the casts here do).
/// </summary>
public sealed class MySqlFloatFormatterTests
{
    [Theory]
    [InlineData(1e-14, "0.00000000000001")]
    [InlineData(1e-15, "0.000000000000001")]
    [InlineData(1e-16, "1e-16")]
    [InlineData(1.5e-15, "0.0000000000000015")]
    [InlineData(1.2345678901234567e-14, "0.000000000000012345678901234567")]
    [InlineData(1.2345678901234567e-15, "0.0000000000000012345678901234568")]
    [InlineData(1.2345678901234567e-16, "1.2345678901234568e-16")]
    [InlineData(1e-20, "1e-20")]
    [InlineData(1.2345678901234567e-20, "1.2345678901234567e-20")]
    [InlineData(1e-100, "1e-100")]
    [InlineData(1.5e-5, "0.000015")]
    [InlineData(-1e-15, "-0.000000000000001")]
    [InlineData(-1e15, "-1e15")]
    [InlineData(-1e14, "-100000000000000")]
    [InlineData(123456789012345.0, "123456789012345")]
    [InlineData(1234567890123456.0, "1.234567890123456e15")]
    [InlineData(12345678901234.5, "12345678901234.5")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(1.25e-30, "1.25e-30")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(1e100, "1e100")]
    [InlineData(2.5e-308, "2.5e-308")]
    [InlineData(1e-17, "1e-17")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e308")]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    public void FormatDouble_Value_MatchesMariaDbSelect(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[MySqlFloatFormatter.MaxLength];
        var written = MySqlFloatFormatter.FormatDouble(value, buffer);
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..written]));
    }

    [Theory]
    [InlineData(1e-14, "0.00000000000001")]
    [InlineData(1.2345e-14, "0.000000000000012345")]
    [InlineData(1.234567e-20, "1.23457e-20")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(-1.234567e-6, "-0.00000123457")]
    [InlineData(-1e15, "-1e15")]
    [InlineData(-1234567.0, "-1234570")]
    [InlineData(123456.0, "123456")]
    [InlineData(1234567.0, "1234570")]
    [InlineData(12345678.0, "12345700")]
    [InlineData(1e-7, "0.0000001")]
    [InlineData(1.25e30, "1.25e30")]
    [InlineData(1e38, "1e38")]
    [InlineData(1e-37, "1e-37")]
    [InlineData(1.5e-9, "0.0000000015")]
    [InlineData(16777216.0, "16777200")]
    [InlineData(999999.5, "1000000")] // exact tie rounds half-even: 999999|5 -> 1000000 (last kept digit 9 is odd)
    [InlineData(1234565.0, "1234560")] // exact tie, last kept digit 6 even: stays
    [InlineData(1234575.0, "1234580")] // exact tie, last kept digit 7 odd: rounds up
    public void FormatFloat_Value_MatchesMariaDbSelect(double literal, string expected)
    {
        Span<byte> buffer = stackalloc byte[MySqlFloatFormatter.MaxLength];
        var written = MySqlFloatFormatter.FormatFloat((float)literal, buffer);
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..written]));
    }

    /// <summary>
    /// The fast FLOAT path (rounded to 10 digits, then to 6) against the exact expansion rounded once, on random bit
    /// patterns of every exponent and on values near 6-digit ties (integers and fractions ending in 5 after the 6th digit,
    /// and their neighbouring floats), where rounding twice could go wrong.
    /// </summary>
    [Fact]
    public void FormatFloat_RandomAndNearTieValues_MatchTheExactExpansionRoundedOnce()
    {
        var random = new Random(20261208);
        var values = new List<float>();
        for (var i = 0; i < 200_000; i++)
        {
            var value = BitConverter.Int32BitsToSingle(random.Next() | (random.Next(2) << 31));
            if (float.IsFinite(value))
                values.Add(value);
        }
        for (var i = 0; i < 100_000; i++)
        {
            // d.ddddd5 × 10^k: the 7th significant digit is a 5, the rest of the exact value decides.
            var tie = (random.Next(100_000, 1_000_000) * 10.0 + 5) * Math.Pow(10, random.Next(-45, 33));
            var nearest = (float)tie;
            values.Add(nearest);
            values.Add(MathF.BitIncrement(nearest));
            values.Add(MathF.BitDecrement(nearest));
            values.Add(-nearest);
        }
        Span<byte> fast = stackalloc byte[MySqlFloatFormatter.MaxLength];
        Span<byte> exact = stackalloc byte[MySqlFloatFormatter.MaxLength];
        var mismatches = new List<string>();
        foreach (var value in values)
        {
            var fastLength = MySqlFloatFormatter.FormatFloat(value, fast);
            var exactLength = MySqlFloatFormatter.FormatFloatExact(value, exact);
            if (!fast[..fastLength].SequenceEqual(exact[..exactLength]) && mismatches.Count < 10)
                mismatches.Add($"{value:R} (bits {BitConverter.SingleToInt32Bits(value):X8}): {Encoding.ASCII.GetString(fast[..fastLength])} vs {Encoding.ASCII.GetString(exact[..exactLength])}");
        }
        Assert.True(values.Count > 500_000, $"only {values.Count} values");
        Assert.Empty(mismatches);
    }
}
