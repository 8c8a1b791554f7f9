using System.Globalization;

namespace VGate.VStreamer.Values;

/// <summary>
/// Formats FLOAT and DOUBLE values the way Vitess's binlog-phase streamer does: the shortest digits that round-trip
/// at the column's precision, in exponent form with at least two exponent digits — Go's
/// <c>strconv.FormatFloat(v, 'E', -1, bits)</c>: <c>1.5E+00</c>, <c>1E+20</c>, <c>-2.5E-05</c>, <c>0E+00</c>.
/// (The copy phase sends MySQL's own text form instead; clients accept both.)
/// </summary>
/// <remarks>
/// .NET's round-trip format (<c>"R"</c>, shortest digits) is written as UTF-8 into a stack buffer and rewritten in
/// Go's form, so formatting a value allocates nothing.
/// </remarks>
internal static class VitessFloatFormatter
{
    /// <summary>Longest output: sign, 17 digits, point, 'E', sign, 3 exponent digits.</summary>
    public const int MaxLength = 32;

    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
            return FormatNonFinite(double.IsNaN(value), value < 0, destination);
        Span<byte> shortest = stackalloc byte[MaxLength];
        return value.TryFormat(shortest, out var length, "R", CultureInfo.InvariantCulture)
            ? Rewrite(shortest[..length], destination)
            : throw new InvalidOperationException($"Could not format {value} in {MaxLength} bytes");
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
        destination[written++] = (byte)'E';
        destination[written++] = scientific < 0 ? (byte)'-' : (byte)'+';
        var magnitude = Math.Abs(scientific);
        if (magnitude >= 100)
            destination[written++] = (byte)('0' + (magnitude / 100));
        destination[written++] = (byte)('0' + (magnitude / 10 % 10));
        destination[written++] = (byte)('0' + (magnitude % 10));
        return written;
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
