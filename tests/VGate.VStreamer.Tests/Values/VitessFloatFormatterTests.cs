using System.Text;
using VGate.VStreamer.Values;

namespace VGate.VStreamer.Tests.Values;

/// <summary>
/// Expected strings are what Go's <c>strconv.FormatFloat(v, 'E', -1, 64|32)</c> prints (Vitess rbr.go uses it for
/// FLOAT/DOUBLE cells): shortest round-trip digits, exponent with sign and at least two digits.
/// </summary>
public sealed class VitessFloatFormatterTests
{
    [Theory]
    [InlineData(1.5, "1.5E+00")]
    [InlineData(0.0, "0E+00")]
    [InlineData(-0.0, "-0E+00")]
    [InlineData(100.0, "1E+02")]
    [InlineData(123.45, "1.2345E+02")]
    [InlineData(-0.001, "-1E-03")]
    [InlineData(1e20, "1E+20")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157E+308")]
    [InlineData(2.2250738585072014e-308, "2.2250738585072014E-308")]
    [InlineData(5e-324, "5E-324")]
    [InlineData(0.1, "1E-01")]
    [InlineData(1234567890123456789.0, "1.2345678901234568E+18")]
    [InlineData(3.0000000000000004, "3.0000000000000004E+00")]
    public void FormatDouble_MatchesGoShortestExponentForm(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[VitessFloatFormatter.MaxLength];

        var length = VitessFloatFormatter.FormatDouble(value, buffer);

        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..length]));
    }

    [Theory]
    [InlineData(1.5f, "1.5E+00")]
    [InlineData(0.1f, "1E-01")]
    [InlineData(3.14159f, "3.14159E+00")]
    [InlineData(-3.40282347e38f, "-3.4028235E+38")]
    [InlineData(1234567f, "1.234567E+06")]
    [InlineData(1.17549435e-38f, "1.1754944E-38")]
    public void FormatSingle_UsesFloat32ShortestDigits(float value, string expected)
    {
        Span<byte> buffer = stackalloc byte[VitessFloatFormatter.MaxLength];

        var length = VitessFloatFormatter.FormatSingle(value, buffer);

        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..length]));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void FormatDouble_NonFinite_GoNames(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[VitessFloatFormatter.MaxLength];
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..VitessFloatFormatter.FormatDouble(value, buffer)]));
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..VitessFloatFormatter.FormatSingle((float)value, buffer)]));
    }

    [Fact]
    public void FormatDouble_RandomBitPatterns_ShortestRoundTripInExponentForm()
    {
        var random = new Random(4242);
        Span<byte> buffer = stackalloc byte[VitessFloatFormatter.MaxLength];
        for (var i = 0; i < 20_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            if (!double.IsFinite(value))
                continue;
            var text = Encoding.ASCII.GetString(buffer[..VitessFloatFormatter.FormatDouble(value, buffer)]);

            Assert.Matches(@"^-?[0-9](\.[0-9]*[1-9])?E[+-][0-9]{2,3}$", text);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(SignificantDigits(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), SignificantDigits(text));
        }
    }

    [Fact]
    public void FormatSingle_RandomBitPatterns_RoundTripsAtFloat32()
    {
        var random = new Random(2424);
        Span<byte> buffer = stackalloc byte[VitessFloatFormatter.MaxLength];
        for (var i = 0; i < 20_000; i++)
        {
            var value = BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
            if (!float.IsFinite(value))
                continue;
            var text = Encoding.ASCII.GetString(buffer[..VitessFloatFormatter.FormatSingle(value, buffer)]);

            Assert.Matches(@"^-?[0-9](\.[0-9]*[1-9])?E[+-][0-9]{2}$", text);
            Assert.Equal(value, float.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    // The digits of the mantissa without sign, point, exponent and leading/trailing zeros ("0" for zero).
    private static string SignificantDigits(string text)
    {
        var mantissa = text.Split('E', 'e')[0].TrimStart('-').Replace(".", "", StringComparison.Ordinal).Trim('0');
        return mantissa.Length == 0 ? "0" : mantissa;
    }
}
