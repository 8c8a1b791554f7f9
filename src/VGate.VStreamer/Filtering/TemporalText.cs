namespace VGate.VStreamer.Filtering;

/// <summary>
/// Reads DATE/DATETIME/TIMESTAMP and TIME text into ordered 64-bit keys, so that comparing keys is comparing
/// the canonical fixed-width text (<c>YYYY-MM-DD HH:MM:SS.ffffff</c>) lexically, whatever the literal's padding.
/// </summary>
internal static class TemporalText
{
    /// <summary>
    /// Parses <c>YYYY-MM-DD[( |T)HH:MM:SS[.f…]]</c> (any punctuation as separator, unpadded parts allowed) or the
    /// all-digit forms <c>YYYYMMDD[HHMMSS]</c>. A DATE compares as midnight, as MySQL does against a DATETIME.
    /// </summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> text, out long key)
    {
        key = 0;
        text = text.Trim((byte)' ');
        Span<long> parts = stackalloc long[6];
        long micros = 0;
        int count;
        if (IsAllDigits(text) && (text.Length == 8 || text.Length == 14))
        {
            count = text.Length == 8 ? 3 : 6;
            int[] widths = [4, 2, 2, 2, 2, 2];
            var offset = 0;
            for (var i = 0; i < count; i++)
            {
                parts[i] = ReadNumber(text.Slice(offset, widths[i]));
                offset += widths[i];
            }
        }
        else
        {
            count = 0;
            var i = 0;
            while (i < text.Length && count < 6)
            {
                var start = i;
                while (i < text.Length && IsDigit(text[i]))
                {
                    i++;
                }

                if (i == start || i - start > 6)
                {
                    return false;
                }

                parts[count++] = ReadNumber(text[start..i]);
                if (i >= text.Length)
                {
                    break;
                }

                if (count == 6)
                {
                    if (text[i] != '.')
                    {
                        return false;
                    }

                    if (!TryReadFraction(text[(i + 1)..], out micros))
                    {
                        return false;
                    }

                    i = text.Length;
                    break;
                }

                if (text[i] >= 128 || (char.IsAsciiLetter((char)text[i]) && text[i] != 'T'))
                {
                    return false;
                }

                i++;
            }

            if (i < text.Length || (count != 3 && count != 6))
            {
                return false;
            }
        }

        if (parts[1] > 12 || parts[2] > 31 || parts[3] > 23 || parts[4] > 59 || parts[5] > 59 || parts[0] > 9999)
        {
            return false;
        }

        key = (((((((parts[0] * 13) + parts[1]) * 32) + parts[2]) * 24 + parts[3]) * 60 + parts[4]) * 60 + parts[5]) * 1_000_000 + micros;
        return true;
    }

    /// <summary>Parses <c>[-]H…H:MM:SS[.f…]</c> into signed microseconds.</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, out long micros)
    {
        micros = 0;
        text = text.Trim((byte)' ');
        var negative = !text.IsEmpty && text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        Span<long> parts = stackalloc long[3];
        var count = 0;
        var i = 0;
        long fraction = 0;
        while (count < 3)
        {
            var start = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            if (i == start || i - start > 10)
            {
                return false;
            }

            parts[count++] = ReadNumber(text[start..i]);
            if (i >= text.Length)
            {
                break;
            }

            if (count < 3 && text[i] == ':')
            {
                i++;
                continue;
            }

            if (count == 3 && text[i] == '.' && TryReadFraction(text[(i + 1)..], out fraction))
            {
                i = text.Length;
                break;
            }

            return false;
        }

        if (i < text.Length || count < 2 || parts[1] > 59 || parts[2] > 59)
        {
            return false;
        }

        micros = (((parts[0] * 60) + parts[1]) * 60 + parts[2]) * 1_000_000 + fraction;
        if (negative)
        {
            micros = -micros;
        }

        return true;
    }

    private static bool TryReadFraction(ReadOnlySpan<byte> digits, out long micros)
    {
        micros = 0;
        if (digits.IsEmpty || !IsAllDigits(digits))
        {
            return false;
        }

        for (var i = 0; i < 6; i++)
        {
            micros = (micros * 10) + (i < digits.Length ? digits[i] - '0' : 0);
        }

        return true;
    }

    private static long ReadNumber(ReadOnlySpan<byte> digits)
    {
        long value = 0;
        foreach (var d in digits)
        {
            value = (value * 10) + (d - '0');
        }

        return value;
    }

    private static bool IsAllDigits(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (!IsDigit(b))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
