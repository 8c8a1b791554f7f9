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
}
