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

    [Fact]
    public void FormatDouble_ManyValues_SameAsRuntimeShortestRoundTrip()
    {
        // FormatDouble computes the digits itself (Ryū); .NET's "R" is the independent reference for the shortest
        // round-trip digits, and Reference() puts them in Go's exponent form.
        var random = new Random(20261205);
        Span<byte> buffer = stackalloc byte[VitessFloatFormatter.MaxLength];
        var checkedValues = 0;
        var runtimeMisses = 0;

        void Check(double value, Span<byte> buffer)
        {
            if (!double.IsFinite(value))
                return;
            var text = Encoding.ASCII.GetString(buffer[..VitessFloatFormatter.FormatDouble(value, buffer)]);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            var reference = Reference(value);
            if (double.Parse(reference, System.Globalization.CultureInfo.InvariantCulture) == value)
            {
                Assert.Equal(reference, text);
            }
            else
            {
                // .NET's "R" misses the value for some powers of two (e.g. 2^-958 gives 4.104536801298376E-289, which
                // reads back as a different double; 4.1045368012983762E-289 is right): then check that no decimal
                // with one digit fewer reads back as the value, i.e. the digits are the shortest.
                AssertNoShorterDecimal(value, text);
                runtimeMisses++;
            }
            checkedValues++;
        }

        // Random bit patterns: every exponent, subnormals included.
        for (var i = 0; i < 300_000; i++)
            Check(BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)), buffer);
        // Every power of two, and its neighbours (the asymmetric interval at the bottom of a binade).
        for (var e = -1074; e <= 1023; e++)
        {
            var power = Math.ScaleB(1.0, e);
            Check(power, buffer);
            Check(Math.BitIncrement(power), buffer);
            Check(Math.BitDecrement(power), buffer);
            Check(-power, buffer);
        }
        // Powers of ten and their neighbours (where digit removal and rounding ties happen).
        for (var e = -323; e <= 308; e++)
        {
            var power = double.Parse($"1e{e}", System.Globalization.CultureInfo.InvariantCulture);
            Check(power, buffer);
            Check(Math.BitIncrement(power), buffer);
            Check(Math.BitDecrement(power), buffer);
        }
        // Values as applications store them: integers, money, quotients, small decimals.
        for (var i = 1; i <= 100_000; i++)
        {
            Check(i, buffer);
            Check(i / 7.0, buffer);
            Check(i / 100.0 + 0.25, buffer);
            Check(i * 0.1, buffer);
            Check(i * 1e-5, buffer);
            Check(i * 1e15, buffer);
            Check(1.0 / i, buffer);
        }
        // Random subnormals and values near the edges.
        for (var i = 0; i < 20_000; i++)
            Check(BitConverter.Int64BitsToDouble(random.NextInt64(1, 1L << 52)), buffer);
        foreach (var edge in new[]
        {
            double.MaxValue, -double.MaxValue, double.Epsilon, -double.Epsilon, double.MinValue, 2.2250738585072014e-308,
            2.2250738585072009e-308, 9007199254740992.0, 9007199254740993.0, 18446744073709551616.0, 0.3, 2.5, 1e23,
            8.41e21, 5.0e-324, 9.5e-5, 4.35e-322,
        })
        {
            Check(edge, buffer);
        }

        Assert.True(checkedValues > 900_000);
        Assert.True(runtimeMisses < 100, $"{runtimeMisses} values where .NET's reference does not round-trip");
    }

    [Fact]
    public void FormatDouble_PowerOfTwoWhereRuntimeRoundTripMisses_ShortestThatReadsBack()
    {
        // 2^-958: the interval below a power of two is half as wide as above it.
        Span<byte> buffer = stackalloc byte[VitessFloatFormatter.MaxLength];
        var value = Math.ScaleB(1.0, -958);

        var text = Encoding.ASCII.GetString(buffer[..VitessFloatFormatter.FormatDouble(value, buffer)]);

        Assert.Equal("4.1045368012983762E-289", text);
        Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }

    // Rounds the mantissa of a Go E-form text to one digit fewer, both down and up, and checks neither reads back.
    private static void AssertNoShorterDecimal(double value, string text)
    {
        var negative = text.StartsWith('-');
        var parts = text.TrimStart('-').Split('E');
        var digits = parts[0].Replace(".", "", StringComparison.Ordinal);
        var exponent = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) - (digits.Length - 1);
        if (digits.Length == 1)
            return;
        var shorter = System.Numerics.BigInteger.Parse(digits[..^1], System.Globalization.CultureInfo.InvariantCulture);
        foreach (var candidate in new[] { shorter, shorter + 1 })
        {
            var candidateText = (negative ? "-" : "") + candidate.ToString(System.Globalization.CultureInfo.InvariantCulture) + "E" +
                (exponent + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(value, double.Parse(candidateText, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    // Go's FormatFloat(v, 'E', -1, 64) built from .NET's shortest round-trip text ("R").
    private static string Reference(double value)
    {
        var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative)
            text = text[1..];
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? text : text.Remove(point, 1);
        var integerDigits = point < 0 ? text.Length : point;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        string mantissa;
        int scientific;
        if (digits.Length == 0)
        {
            mantissa = "0";
            scientific = 0;
        }
        else
        {
            mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            scientific = integerDigits - leading - 1 + exponent;
        }
        var sign = scientific < 0 ? "-" : "+";
        return (negative ? "-" : "") + mantissa + "E" + sign + Math.Abs(scientific).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
    }

    // The digits of the mantissa without sign, point, exponent and leading/trailing zeros ("0" for zero).
    private static string SignificantDigits(string text)
    {
        var mantissa = text.Split('E', 'e')[0].TrimStart('-').Replace(".", "", StringComparison.Ordinal).Trim('0');
        return mantissa.Length == 0 ? "0" : mantissa;
    }
}
