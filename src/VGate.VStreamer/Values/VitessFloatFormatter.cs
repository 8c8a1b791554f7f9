using System.Globalization;

namespace VGate.VStreamer.Values;

/// <summary>
/// Formats FLOAT and DOUBLE values the way Vitess's binlog-phase streamer does: the shortest digits that round-trip
/// at the column's precision, in exponent form with at least two exponent digits — Go's
/// <c>strconv.FormatFloat(v, 'E', -1, bits)</c>: <c>1.5E+00</c>, <c>1E+20</c>, <c>-2.5E-05</c>, <c>0E+00</c>.
/// (The copy phase sends MySQL's own text form instead; clients accept both.)
/// </summary>
internal static class VitessFloatFormatter
{
    /// <summary>Longest output: sign, 17 digits, point, 'E', sign, 3 exponent digits.</summary>
    public const int MaxLength = 32;

    public static int FormatDouble(double value, Span<byte> destination) =>
        Format(value.ToString("R", CultureInfo.InvariantCulture), destination);

    public static int FormatSingle(float value, Span<byte> destination) =>
        Format(value.ToString("R", CultureInfo.InvariantCulture), destination);

    /// <summary>Rewrites .NET's shortest round-trip text (<c>123.45</c>, <c>1E+20</c>, <c>-5E-324</c>) in Go's E form.</summary>
    private static int Format(string shortest, Span<byte> destination)
    {
        var written = 0;
        var text = shortest.AsSpan();
        if (text is "NaN" or "∞" or "-∞" || text.Contains("Infinity", StringComparison.Ordinal))
            return Append(destination, ref written, text.StartsWith("-") ? "-Inf" : text is "NaN" ? "NaN" : "+Inf");
        if (text[0] == '-')
        {
            destination[written++] = (byte)'-';
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        // Collect the significant digits and where the decimal point sits among them.
        Span<char> digits = stackalloc char[40];
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
        destination[written++] = (byte)digits[first];
        if (last > first)
        {
            destination[written++] = (byte)'.';
            for (var i = first + 1; i <= last; i++)
                destination[written++] = (byte)digits[i];
        }

        var scientific = isZero ? 0 : point - 1 + exponent;
        destination[written++] = (byte)'E';
        destination[written++] = scientific < 0 ? (byte)'-' : (byte)'+';
        var magnitude = Math.Abs(scientific);
        if (magnitude < 10)
            destination[written++] = (byte)'0';
        written += magnitude.TryFormat(destination[written..], out var n, default, CultureInfo.InvariantCulture) ? n : 0;
        return written;
    }

    private static int Append(Span<byte> destination, ref int written, string text)
    {
        foreach (var c in text)
            destination[written++] = (byte)c;
        return written;
    }
}
