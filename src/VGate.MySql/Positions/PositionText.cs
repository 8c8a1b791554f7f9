namespace VGate.MySql.Positions;

/// <summary>Shared pieces of the text parsers for positions: strict decimal numbers and UUIDs.</summary>
internal static class PositionText
{
    /// <summary>Parses a non-empty run of ASCII digits (no sign, no spaces) into a <see cref="ulong"/>.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty)
            return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
            var digit = (ulong)(c - '0');
            if (value > (ulong.MaxValue - digit) / 10)
                return false;
            value = (value * 10) + digit;
        }

        return true;
    }

    /// <summary>True when <paramref name="text"/> is all ASCII digits (used to tell "too large" from "not a number").</summary>
    public static bool IsAllDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');

    /// <summary>
    /// Parses a server UUID as MySQL accepts it: <c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>, the same
    /// without hyphens, or the hyphenated form in braces. Case-insensitive.
    /// </summary>
    public static bool TryParseUuid(ReadOnlySpan<char> text, out Guid uuid)
    {
        uuid = default;
        return text.Length switch
        {
            36 => Guid.TryParseExact(text, "D", out uuid),
            32 => Guid.TryParseExact(text, "N", out uuid),
            38 => Guid.TryParseExact(text, "B", out uuid),
            _ => false,
        };
    }

    /// <summary>Parses a GTID sequence number (GNO): 1 to <see cref="MySqlGtid.MaxSequence"/>.</summary>
    public static bool TryParseSequence(ReadOnlySpan<char> text, out long sequence, out string? error)
    {
        sequence = 0;
        if (!TryParseDecimal(text, out var value))
        {
            error = IsAllDigits(text)
                ? $"sequence number \"{text}\" is larger than {MySqlGtid.MaxSequence}"
                : $"\"{text}\" is not a sequence number";
            return false;
        }

        if (value == 0)
        {
            error = "sequence number 0 is not allowed (GTID sequence numbers start at 1)";
            return false;
        }

        if (value > MySqlGtid.MaxSequence)
        {
            error = $"sequence number \"{text}\" is larger than {MySqlGtid.MaxSequence}";
            return false;
        }

        sequence = (long)value;
        error = null;
        return true;
    }
}
