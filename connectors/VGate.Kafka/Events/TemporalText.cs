namespace VGate.Kafka.Events;

/// <summary>
/// Parses the temporal text VStream sends (vstream-spec §2.9): DATE <c>YYYY-MM-DD</c>, DATETIME/TIMESTAMP
/// <c>YYYY-MM-DD HH:MM:SS[.f…]</c> (up to 6 fraction digits), TIME <c>[-]H…H:MM:SS[.f…]</c>. Dates are proleptic
/// Gregorian and may have year 0 (MySQL allows it); month or day 0 is MySQL's "zero date" and is reported as such.
/// </summary>
internal static class TemporalText
{
    public const long MicrosPerSecond = 1_000_000;
    public const long MicrosPerDay = 86_400 * MicrosPerSecond;

    /// <summary>Parses <c>YYYY-MM-DD</c>; <paramref name="zero"/> is true when month or day is 0.</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> text, out long days, out bool zero)
    {
        days = 0;
        zero = false;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
            return false;
        if (!TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day))
            return false;
        if (month == 0 || day == 0)
        {
            zero = true;
            return true;
        }
        if (month > 12 || day > 31)
            return false;
        days = DaysFromCivil(year, month, day);
        return true;
    }

    /// <summary>Parses <c>YYYY-MM-DD HH:MM:SS[.f…]</c> into microseconds since the epoch (the text read as UTC).</summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> text, out long micros, out bool zero)
    {
        micros = 0;
        zero = false;
        if (text.Length < 19 || text[10] != ' ')
            return false;
        if (!TryParseDate(text[..10], out var days, out zero))
            return false;
        var time = text[11..];
        if (time.Length < 8 || time[2] != ':' || time[5] != ':')
            return false;
        if (!TryDigits(time[..2], out var hours) || !TryDigits(time.Slice(3, 2), out var minutes) || !TryDigits(time.Slice(6, 2), out var seconds))
            return false;
        if (hours > 23 || minutes > 59 || seconds > 59)
            return false;
        if (!TryFraction(time[8..], out var fraction))
            return false;
        if (zero)
            return true;
        micros = days * MicrosPerDay + ((hours * 60L + minutes) * 60L + seconds) * MicrosPerSecond + fraction;
        return true;
    }

    /// <summary>Parses <c>[-]H…H:MM:SS[.f…]</c> into signed microseconds.</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, out long micros)
    {
        micros = 0;
        var negative = text.Length > 0 && text[0] == '-';
        if (negative)
            text = text[1..];
        var colon = text.IndexOf((byte)':');
        if (colon < 1 || colon > 4 || text.Length < colon + 6 || text[colon + 3] != ':')
            return false;
        if (!TryDigits(text[..colon], out var hours) || !TryDigits(text.Slice(colon + 1, 2), out var minutes) || !TryDigits(text.Slice(colon + 4, 2), out var seconds))
            return false;
        if (minutes > 59 || seconds > 59)
            return false;
        if (!TryFraction(text[(colon + 6)..], out var fraction))
            return false;
        micros = ((hours * 60L + minutes) * 60L + seconds) * MicrosPerSecond + fraction;
        if (negative)
            micros = -micros;
        return true;
    }

    /// <summary>Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's days_from_civil).</summary>
    public static long DaysFromCivil(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yearOfEra = y - era * 400;
        var dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        var dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097 + dayOfEra - 719468;
    }

    /// <summary>Floor division, for converting negative microsecond values to milliseconds as Java's Instant does.</summary>
    public static long FloorDiv(long value, long divisor)
    {
        var quotient = value / divisor;
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
    }

    private static bool TryFraction(ReadOnlySpan<byte> text, out long micros)
    {
        micros = 0;
        if (text.IsEmpty)
            return true;
        if (text[0] != '.' || text.Length < 2 || text.Length > 7)
            return false;
        var digits = text[1..];
        if (!TryDigits(digits, out var value))
            return false;
        for (var i = digits.Length; i < 6; i++)
            value *= 10;
        micros = value;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.IsEmpty)
            return false;
        foreach (var b in text)
        {
            var digit = b - '0';
            if ((uint)digit > 9)
                return false;
            value = value * 10 + digit;
        }
        return true;
    }
}
