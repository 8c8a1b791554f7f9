using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace VGate.Kafka.Events;

/// <summary>
/// Turns decimal text (<c>-123.45</c>) into Kafka Connect's <c>Decimal</c> encoding: the unscaled value (here 12345 at
/// scale 2) as big-endian two's-complement bytes of minimal length, which is what Java's
/// <c>BigInteger.toByteArray()</c> returns. Values of up to 18 digits take an allocation-free path.
/// </summary>
internal static class DecimalText
{
    /// <summary>The most bytes the allocation-free path writes.</summary>
    public const int MaxSmallBytes = 8;

    /// <summary>
    /// Writes the unscaled value of <paramref name="text"/> at <paramref name="scale"/> into <paramref name="destination"/>
    /// (at least <see cref="MaxSmallBytes"/> long) and returns the byte count, or returns -1 for a value of more than 18
    /// digits (use <see cref="ToBytesLarge"/>), or -2 when the text is not a decimal of at most that scale.
    /// </summary>
    public static int TryWriteSmall(ReadOnlySpan<byte> text, int scale, Span<byte> destination)
    {
        if (!Split(text, scale, out var negative, out var integer, out var fraction))
            return -2;
        var digits = integer.Length + scale;
        if (digits > 18)
            return -1;
        long value = 0;
        foreach (var b in integer)
            value = value * 10 + (b - '0');
        for (var i = 0; i < scale; i++)
            value = value * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
        if (negative)
            value = -value;
        return WriteMinimal(value, destination);
    }

    /// <summary>The slow path for values of more than 18 digits; null when the text is not a decimal of at most that scale.</summary>
    public static byte[]? ToBytesLarge(ReadOnlySpan<byte> text, int scale)
    {
        if (!Split(text, scale, out var negative, out var integer, out var fraction))
            return null;
        Span<char> chars = stackalloc char[integer.Length + scale + 1];
        var at = 0;
        if (negative)
            chars[at++] = '-';
        foreach (var b in integer)
            chars[at++] = (char)b;
        for (var i = 0; i < scale; i++)
            chars[at++] = i < fraction.Length ? (char)fraction[i] : '0';
        var value = BigInteger.Parse(chars[..at], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return value.ToByteArray(isUnsigned: false, isBigEndian: true);
    }

    /// <summary>Writes a long as minimal big-endian two's complement (0 is one zero byte).</summary>
    public static int WriteMinimal(long value, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(full, value);
        var start = 0;
        // Drop a leading 0x00 (0xFF) while the next byte still carries the right sign bit.
        while (start < 7 && ((full[start] == 0x00 && (full[start + 1] & 0x80) == 0) || (full[start] == 0xFF && (full[start + 1] & 0x80) != 0)))
            start++;
        full[start..].CopyTo(destination);
        return 8 - start;
    }

    private static bool Split(ReadOnlySpan<byte> text, int scale, out bool negative, out ReadOnlySpan<byte> integer, out ReadOnlySpan<byte> fraction)
    {
        negative = false;
        integer = default;
        fraction = default;
        if (text.IsEmpty || text.Length > 100)
            return false;
        if (text[0] is (byte)'-' or (byte)'+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }
        var dot = text.IndexOf((byte)'.');
        integer = dot < 0 ? text : text[..dot];
        fraction = dot < 0 ? default : text[(dot + 1)..];
        if ((integer.IsEmpty && fraction.IsEmpty) || fraction.Length > scale || (dot >= 0 && fraction.IsEmpty))
            return false;
        if (integer.ContainsAnyExceptInRange((byte)'0', (byte)'9') || fraction.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
            return false;
        // Leading zeros do not count towards the digit limit.
        while (integer.Length > 1 && integer[0] == '0')
            integer = integer[1..];
        if (integer.Length == 1 && integer[0] == '0')
            integer = default;
        return true;
    }
}
