using System.Globalization;

namespace VGate.VStreamer.Values;

/// <summary>
/// Formats FLOAT and DOUBLE values the way Vitess's binlog-phase streamer does: the shortest digits that round-trip
/// at the column's precision, in exponent form with at least two exponent digits — Go's
/// <c>strconv.FormatFloat(v, 'E', -1, bits)</c>: <c>1.5E+00</c>, <c>1E+20</c>, <c>-2.5E-05</c>, <c>0E+00</c>.
/// (The copy phase sends MySQL's own text form instead; clients accept both.)
/// </summary>
/// <remarks>
/// DOUBLE digits come from <see cref="ShortestDouble"/> (Ryū) and are written in Go's form directly. FLOAT, rarer,
/// still goes through .NET's round-trip format (<c>"R"</c>, shortest digits at float32 precision) written as UTF-8
/// into a stack buffer and rewritten in Go's form. Neither allocates.
/// </remarks>
internal static class VitessFloatFormatter
{
    /// <summary>Longest output: sign, 17 digits, point, 'E', sign, 3 exponent digits.</summary>
    public const int MaxLength = 32;

    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
            return FormatNonFinite(double.IsNaN(value), value < 0, destination);
        var written = 0;
        if (double.IsNegative(value))
        {
            destination[written++] = (byte)'-';
            value = -value;
        }
        if (value == 0)
        {
            "0E+00"u8.CopyTo(destination[written..]);
            return written + 5;
        }

        // Ryū's shortest digits as an integer, written straight into Go's form d[.ddd]E±XX.
        ShortestDouble.Decompose(value, out var digits, out var exponent);
        while (digits % 10 == 0)
        {
            digits /= 10;
            exponent++;
        }
        var count = CountDigits(digits);
        var i = written + count; // index of the last digit once the point is inserted after the first
        var firstFraction = written + 2;
        while (i > firstFraction)
        {
            // Two digits per division.
            var pair = TwoDigits.Slice((int)(digits % 100) * 2, 2);
            destination[i] = pair[1];
            destination[i - 1] = pair[0];
            digits /= 100;
            i -= 2;
        }
        if (i == firstFraction)
        {
            destination[i] = (byte)('0' + (int)(digits % 10));
            digits /= 10;
        }
        destination[written] = (byte)('0' + (int)digits);
        if (count > 1)
        {
            destination[written + 1] = (byte)'.';
            written += count + 1;
        }
        else
        {
            written++;
        }
        return written + WriteExponent(exponent + count - 1, destination[written..]);
    }

    public static int FormatSingle(float value, Span<byte> destination)
    {
        if (!float.IsFinite(value))
            return FormatNonFinite(float.IsNaN(value), value < 0, destination);
        Span<byte> shortest = stackalloc byte[MaxLength];
        return value.TryFormat(shortest, out var length, "R", CultureInfo.InvariantCulture)
            ? Rewrite(shortest[..length], destination)
            : throw new InvalidOperationException($"Could not format {value} in {MaxLength} bytes");
    }

    // Go prints NaN, +Inf and -Inf.
    private static int FormatNonFinite(bool isNaN, bool isNegative, Span<byte> destination)
    {
        ReadOnlySpan<byte> text = isNaN ? "NaN"u8 : isNegative ? "-Inf"u8 : "+Inf"u8;
        text.CopyTo(destination);
        return text.Length;
    }

    /// <summary>Rewrites .NET's shortest round-trip text (<c>123.45</c>, <c>1E+20</c>, <c>-5E-324</c>) in Go's E form.</summary>
    private static int Rewrite(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        var written = 0;
        if (text[0] == '-')
        {
            destination[written++] = (byte)'-';
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny((byte)'E', (byte)'e');
        if (e >= 0)
        {
            exponent = ParseExponent(text[(e + 1)..]);
            text = text[..e];
        }

        // The significant digits and where the decimal point sits among them.
        Span<byte> digits = stackalloc byte[MaxLength];
        var count = 0;
        var point = -1;
        foreach (var c in text)
        {
            if (c == '.')
                point = count;
            else
                digits[count++] = c;
        }
        if (point < 0)
            point = count;
        var first = 0;
        while (first < count - 1 && digits[first] == '0')
        {
            first++;
            point--;
        }
        var last = count - 1;
        while (last > first && digits[last] == '0')
            last--;

        var isZero = digits[first] == '0';
        destination[written++] = digits[first];
        if (last > first)
        {
            destination[written++] = (byte)'.';
            digits[(first + 1)..(last + 1)].CopyTo(destination[written..]);
            written += last - first;
        }

        var scientific = isZero ? 0 : point - 1 + exponent;
        return written + WriteExponent(scientific, destination[written..]);
    }

    // 'E', the sign, then two or three digits: Go writes at least two exponent digits (1E+05, 1E-300).
    private static int WriteExponent(int exponent, Span<byte> destination)
    {
        var written = 0;
        destination[written++] = (byte)'E';
        destination[written++] = exponent < 0 ? (byte)'-' : (byte)'+';
        var magnitude = Math.Abs(exponent);
        if (magnitude >= 100)
            destination[written++] = (byte)('0' + (magnitude / 100));
        destination[written++] = (byte)('0' + (magnitude / 10 % 10));
        destination[written++] = (byte)('0' + (magnitude % 10));
        return written;
    }

    private static ReadOnlySpan<byte> TwoDigits =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    private static int CountDigits(ulong value)
    {
        var count = 1;
        while (value >= 10)
        {
            value /= 10;
            count++;
        }
        return count;
    }

    // "+20", "-324", "20": .NET's exponent text.
    private static int ParseExponent(ReadOnlySpan<byte> text)
    {
        var negative = text.Length > 0 && text[0] == '-';
        if (text.Length > 0 && text[0] is (byte)'-' or (byte)'+')
            text = text[1..];
        var value = 0;
        foreach (var c in text)
            value = (value * 10) + (c - '0');
        return negative ? -value : value;
    }
}
