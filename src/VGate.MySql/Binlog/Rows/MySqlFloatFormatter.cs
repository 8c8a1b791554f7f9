using System.Globalization;

namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// Formats FLOAT and DOUBLE values the way the server's text protocol does (<c>my_gcvt</c> in strings/dtoa.cc).
/// <list type="bullet">
/// <item>DOUBLE: the shortest digit string that round-trips (dtoa mode 0).</item>
/// <item>FLOAT: at most 6 significant digits (FLT_DIG), rounded half-even from the exact binary value, trailing zeros dropped;
/// so a FLOAT holding 1234567 prints <c>1234570</c>.</item>
/// <item>Fixed notation when the decimal exponent <c>decpt</c> (digits before the point) satisfies -15 &lt; decpt &lt;= 15,
/// otherwise <c>d[.ddd]e[-]x</c> with no <c>+</c> and no exponent padding: <c>1e15</c>, <c>100000000000000</c>,
/// <c>0.000000000000001</c>, <c>1e-16</c>, <c>1.2345678901234568e-16</c>.</item>
/// </list>
/// The thresholds were measured against MariaDB 10.11 (SELECT of FLOAT/DOUBLE columns); MySQL 8 shares the
/// <c>my_gcvt</c> code. Negative zero prints <c>-0</c>; NaN/infinity (which the server cannot store) print
/// <c>nan</c>, <c>inf</c>, <c>-inf</c>.
/// </summary>
internal static class MySqlFloatFormatter
{
    /// <summary>Large enough for any output: sign, 17 digits, 14 leading zeros, point, exponent.</summary>
    public const int MaxLength = 40;

    private const int FloatDigits = 6;

    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
            return WriteNonFinite(value, destination);
        // Formatted straight to UTF-8 (no char buffer to narrow): .NET's "R" is the shortest round-trip string.
        Span<byte> text = stackalloc byte[32];
        if (!value.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture))
            throw new InvalidOperationException("Double did not fit its format buffer.");
        Span<byte> digits = stackalloc byte[24];
        var negative = ParseDigits(text[..written], digits, out var count, out var decpt);
        return Compose(negative, digits[..count], decpt, destination);
    }

    public static int FormatFloat(float value, Span<byte> destination)
    {
        if (!float.IsFinite(value))
            return WriteNonFinite(value, destination);

        // Fast path: the value correctly rounded to 10 significant digits (Grisu, no big-number arithmetic), then
        // rounded half-even to 6. Rounding twice gives the same 6 digits as rounding the exact value once unless
        // digits 7-10 are exactly 5000: the exact value lies within half a unit of the 10th digit of the 10-digit
        // result, so a tail below (above) 5000 keeps the exact value strictly below (above) the midpoint between the
        // two 6-digit candidates. Only that tie needs the exact expansion below.
        Span<byte> text = stackalloc byte[32];
        if (!((double)value).TryFormat(text, out var written, "E9", CultureInfo.InvariantCulture))
            throw new InvalidOperationException("Float did not fit its format buffer.");
        Span<byte> rounded = stackalloc byte[16];
        var negative = ParseDigits(text[..written], rounded, out var count, out var decpt);
        if (count <= FloatDigits)
            return Compose(negative, rounded[..count], decpt, destination);
        return IsTie(rounded[FloatDigits..count])
            ? FormatFloatExact(value, destination)
            : RoundHalfEven(negative, rounded, count, decpt, destination);
    }

    /// <summary>
    /// <see cref="FormatFloat"/> the slow way: the exact decimal expansion of the value (a float has at most 112
    /// significant digits, and .NET prints them exactly), then rounded half-even to 6 digits like dtoa mode 2.
    /// </summary>
    internal static int FormatFloatExact(float value, Span<byte> destination)
    {
        if (!float.IsFinite(value))
            return WriteNonFinite(value, destination);
        Span<byte> text = stackalloc byte[136];
        if (!((double)value).TryFormat(text, out var written, "E120", CultureInfo.InvariantCulture))
            throw new InvalidOperationException("Float did not fit its format buffer.");
        Span<byte> exact = stackalloc byte[128];
        var negative = ParseDigits(text[..written], exact, out var count, out var decpt);
        if (count <= FloatDigits)
            return Compose(negative, exact[..count], decpt, destination);
        return RoundHalfEven(negative, exact, count, decpt, destination);
    }

    // Digits 7.. of a rounded significand (trailing zeros already dropped) are exactly "5": the one ambiguous case.
    private static bool IsTie(ReadOnlySpan<byte> tail) => tail.Length == 1 && tail[0] == (byte)'5';

    // Rounds the significant digits (more than 6, no trailing zeros) half-even to 6 and composes the text.
    private static int RoundHalfEven(bool negative, Span<byte> exact, int count, int decpt, Span<byte> destination)
    {
        Span<byte> digits = stackalloc byte[FloatDigits + 1];
        exact[..FloatDigits].CopyTo(digits);
        var first = exact[FloatDigits];
        var roundUp = first > (byte)'5' || (first == (byte)'5' &&
            (exact[(FloatDigits + 1)..count].IndexOfAnyExcept((byte)'0') >= 0 || (digits[FloatDigits - 1] & 1) == 1));
        var length = FloatDigits;
        if (roundUp)
        {
            var i = FloatDigits - 1;
            while (i >= 0 && digits[i] == (byte)'9')
                digits[i--] = (byte)'0';
            if (i < 0)
            {
                digits[0] = (byte)'1';
                digits[1..].Fill((byte)'0');
                decpt++;
            }
            else
            {
                digits[i]++;
            }
        }
        while (length > 1 && digits[length - 1] == (byte)'0')
            length--;
        return Compose(negative, digits[..length], decpt, destination);
    }

    /// <summary>
    /// Extracts the significant digits (no leading or trailing zeros) and the position of the decimal point
    /// relative to them from .NET's invariant UTF-8 output ("1.5", "1E+20", "-0.001", "1.25E-030").
    /// </summary>
    private static bool ParseDigits(ReadOnlySpan<byte> text, Span<byte> digits, out int count, out int decpt)
    {
        var negative = text.Length > 0 && text[0] == (byte)'-';
        if (negative)
            text = text[1..];
        var exponentAt = text.IndexOfAny((byte)'E', (byte)'e');
        var exponent = 0;
        if (exponentAt >= 0)
        {
            exponent = ParseExponent(text[(exponentAt + 1)..]);
            text = text[..exponentAt];
        }
        count = 0;
        var pointAt = -1;
        var leadingZeros = 0;
        foreach (var c in text)
        {
            if (c == (byte)'.')
            {
                pointAt = count + leadingZeros;
                continue;
            }
            if (c == (byte)'0' && count == 0)
            {
                leadingZeros++;
                continue;
            }
            digits[count++] = c;
        }
        var integerDigits = pointAt < 0 ? count + leadingZeros : pointAt;
        decpt = integerDigits - leadingZeros + exponent;
        while (count > 0 && digits[count - 1] == (byte)'0')
            count--;
        if (count == 0)
        {
            digits[0] = (byte)'0';
            count = 1;
            decpt = 1;
        }
        return negative;
    }

    // "+020", "-5", "308": .NET's exponent (sign optional, at most 3 digits for a double).
    private static int ParseExponent(ReadOnlySpan<byte> text)
    {
        var negative = false;
        if (text.Length > 0 && text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == (byte)'-';
            text = text[1..];
        }
        if (text.IsEmpty || text.Length > 4)
            throw new InvalidOperationException("Unexpected exponent in .NET's float format.");
        var value = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
                throw new InvalidOperationException("Unexpected exponent in .NET's float format.");
            value = (value * 10) + (c - '0');
        }
        return negative ? -value : value;
    }

    private static int Compose(bool negative, ReadOnlySpan<byte> digits, int decpt, Span<byte> destination)
    {
        var pos = 0;
        if (negative)
            destination[pos++] = (byte)'-';
        var n = digits.Length;
        if (decpt is > -15 and <= 15)
        {
            if (decpt <= 0)
            {
                destination[pos++] = (byte)'0';
                destination[pos++] = (byte)'.';
                destination.Slice(pos, -decpt).Fill((byte)'0');
                pos += -decpt;
                digits.CopyTo(destination[pos..]);
                pos += n;
            }
            else if (decpt < n)
            {
                digits[..decpt].CopyTo(destination[pos..]);
                pos += decpt;
                destination[pos++] = (byte)'.';
                digits[decpt..].CopyTo(destination[pos..]);
                pos += n - decpt;
            }
            else
            {
                digits.CopyTo(destination[pos..]);
                pos += n;
                destination.Slice(pos, decpt - n).Fill((byte)'0');
                pos += decpt - n;
            }
            return pos;
        }

        destination[pos++] = digits[0];
        if (n > 1)
        {
            destination[pos++] = (byte)'.';
            digits[1..].CopyTo(destination[pos..]);
            pos += n - 1;
        }
        destination[pos++] = (byte)'e';
        var exponent = decpt - 1;
        if (exponent < 0)
        {
            destination[pos++] = (byte)'-';
            exponent = -exponent;
        }
        exponent.TryFormat(destination[pos..], out var written, default, CultureInfo.InvariantCulture);
        return pos + written;
    }

    private static int WriteNonFinite(double value, Span<byte> destination)
    {
        ReadOnlySpan<byte> text = double.IsNaN(value) ? "nan"u8 : value > 0 ? "inf"u8 : "-inf"u8;
        text.CopyTo(destination);
        return text.Length;
    }
}
