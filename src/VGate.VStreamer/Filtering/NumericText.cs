using System.Globalization;
using System.Text;

namespace VGate.VStreamer.Filtering;

/// <summary>Exact and approximate comparison of numbers held as ASCII text.</summary>
internal static class NumericText
{
    /// <summary>
    /// Compares two plain decimal numbers (<c>[+-]digits[.digits]</c>) exactly, whatever their size: integers past
    /// 2^64 and DECIMAL(65,30) compare correctly. Returns false when either isn't in that form.
    /// </summary>
    public static bool TryCompareExact(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, out int result)
    {
        result = 0;
        if (!TrySplit(left, out var leftNegative, out var leftInteger, out var leftFraction)
            || !TrySplit(right, out var rightNegative, out var rightInteger, out var rightFraction))
        {
            return false;
        }

        if (leftNegative != rightNegative)
        {
            result = leftNegative ? -1 : 1;
            return true;
        }

        var magnitude = CompareMagnitude(leftInteger, leftFraction, rightInteger, rightFraction);
        result = leftNegative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>True when <paramref name="text"/> is a plain decimal number.</summary>
    public static bool IsExact(ReadOnlySpan<byte> text) => TrySplit(text, out _, out _, out _);

    /// <summary>
    /// Reads a double the way MySQL converts a string in numeric context: leading spaces skipped, then the longest
    /// numeric prefix; no prefix is 0.
    /// </summary>
    public static double ParseDoublePrefix(ReadOnlySpan<byte> text)
    {
        var i = 0;
        while (i < text.Length && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        {
            i++;
        }

        var start = i;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
        {
            i++;
        }

        var digits = 0;
        while (i < text.Length && IsDigit(text[i]))
        {
            i++;
            digits++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return 0;
        }

        var end = i;
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            var j = i + 1;
            if (j < text.Length && (text[j] == '+' || text[j] == '-'))
            {
                j++;
            }

            if (j < text.Length && IsDigit(text[j]))
            {
                while (j < text.Length && IsDigit(text[j]))
                {
                    j++;
                }

                end = j;
            }
        }

        return double.Parse(text[start..end], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>The unsigned big-endian integer in <paramref name="bytes"/> as decimal text (hex literals, BIT values).</summary>
    public static byte[] UnsignedBigEndianToDecimal(ReadOnlySpan<byte> bytes)
    {
        var value = System.Numerics.BigInteger.Zero;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
    }

    private static bool TrySplit(ReadOnlySpan<byte> text, out bool negative, out ReadOnlySpan<byte> integer, out ReadOnlySpan<byte> fraction)
    {
        negative = false;
        integer = default;
        fraction = default;
        var i = 0;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
        {
            negative = text[i] == '-';
            i++;
        }

        var integerStart = i;
        while (i < text.Length && IsDigit(text[i]))
        {
            i++;
        }

        integer = text[integerStart..i];
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var fractionStart = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            fraction = text[fractionStart..i];
        }

        if (i != text.Length || (integer.IsEmpty && fraction.IsEmpty))
        {
            return false;
        }

        integer = integer.TrimStart((byte)'0');
        fraction = fraction.TrimEnd((byte)'0');
        if (integer.IsEmpty && fraction.IsEmpty)
        {
            negative = false; // -0 == 0
        }

        return true;
    }

    private static int CompareMagnitude(ReadOnlySpan<byte> leftInteger, ReadOnlySpan<byte> leftFraction, ReadOnlySpan<byte> rightInteger, ReadOnlySpan<byte> rightFraction)
    {
        if (leftInteger.Length != rightInteger.Length)
        {
            return leftInteger.Length < rightInteger.Length ? -1 : 1;
        }

        var integer = leftInteger.SequenceCompareTo(rightInteger);
        if (integer != 0)
        {
            return Math.Sign(integer);
        }

        // Trailing zeros are trimmed, so a longer fraction with an equal prefix is larger.
        return Math.Sign(leftFraction.SequenceCompareTo(rightFraction));
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
