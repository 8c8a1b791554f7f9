using System.Globalization;

namespace VGate.Protocol.Tests;

/// <summary>
/// Turns hand-written hex (spaces and '|' separators allowed, for readability) into bytes,
/// and bytes back into spaced hex for readable assertion failures.
/// </summary>
internal static class Hex
{
    public static byte[] Parse(string text)
    {
        var digits = new string(text.Where(Uri.IsHexDigit).ToArray());
        if (digits.Length % 2 != 0)
        {
            throw new ArgumentException("odd number of hex digits", nameof(text));
        }

        var bytes = new byte[digits.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = byte.Parse(digits.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return bytes;
    }

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
