namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Integer reading as Vitess's numeric vindexes do it: Go's <c>strconv.ParseInt</c>/<c>ParseUint</c> in base 10
/// (an optional sign only for the signed form, at least one digit, nothing else) and <c>sqltypes.ToUint64</c>.
/// </summary>
internal static class VindexIntegers
{
    /// <summary>Go <c>strconv.ParseInt(s, 10, 64)</c>: optional <c>+</c>/<c>-</c>, then decimal digits, within range.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        var negative = false;
        if (!text.IsEmpty && (text[0] == (byte)'+' || text[0] == (byte)'-'))
        {
            negative = text[0] == (byte)'-';
            text = text[1..];
        }

        if (!TryParseUInt64(text, out var magnitude))
            return false;
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
                return false;
            value = unchecked(-(long)magnitude);
            return true;
        }

        if (magnitude > long.MaxValue)
            return false;
        value = (long)magnitude;
        return true;
    }

    /// <summary>Go <c>strconv.ParseUint(s, 10, 64)</c>: decimal digits only (no sign), within range.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty)
            return false;
        foreach (var b in text)
        {
            var digit = (uint)(b - (byte)'0');
            if (digit > 9)
                return false;
            if (value > (ulong.MaxValue - digit) / 10)
                return false;
            value = (value * 10) + digit;
        }

        return true;
    }

    /// <summary>
    /// Vitess <c>sqltypes.ToUint64</c>: signed values must parse as int64 and not be negative, unsigned values must
    /// parse as uint64, and any other kind is tried as int64 (not negative) and then as uint64. NULL fails.
    /// </summary>
    public static bool TryToUInt64(VindexValue value, out ulong result)
    {
        result = 0;
        switch (value.Kind)
        {
            case VindexValueKind.Unsigned:
                return TryParseUInt64(value.Text, out result);
            case VindexValueKind.Signed:
                return TryParseNonNegative(value.Text, out result);
            case VindexValueKind.Bytes:
                if (TryParseInt64(value.Text, out var signed))
                    return TryNonNegative(signed, out result);
                return TryParseUInt64(value.Text, out result);
            default:
                return false;
        }
    }

    private static bool TryParseNonNegative(ReadOnlySpan<byte> text, out ulong result)
    {
        result = 0;
        return TryParseInt64(text, out var signed) && TryNonNegative(signed, out result);
    }

    private static bool TryNonNegative(long signed, out ulong result)
    {
        result = (ulong)Math.Max(signed, 0);
        return signed >= 0;
    }
}
