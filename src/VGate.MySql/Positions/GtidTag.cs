namespace VGate.MySql.Positions;

/// <summary>
/// Validation and normalisation of MySQL 8.4+ GTID tags (the <c>tag</c> in <c>uuid:tag:gno</c>).
/// A tag is 1 to 32 characters, <c>[a-z_][a-z0-9_]{0,31}</c> after lowercasing; MySQL compares tags
/// case-insensitively and prints them in lower case.
/// See https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
/// </summary>
internal static class GtidTag
{
    /// <summary>Longest tag MySQL accepts.</summary>
    public const int MaxLength = 32;

    /// <summary>The pattern quoted in error messages.</summary>
    public const string Pattern = "[a-z_][a-z0-9_]{0,31}";

    /// <summary>Lowercases <paramref name="text"/> and checks it against <see cref="Pattern"/>.</summary>
    public static bool TryNormalize(ReadOnlySpan<char> text, out string tag)
    {
        tag = "";
        if (text.IsEmpty || text.Length > MaxLength)
            return false;
        Span<char> lower = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = char.ToLowerInvariant(text[i]);
            var valid = c == '_' || char.IsAsciiLetterLower(c) || (i > 0 && char.IsAsciiDigit(c));
            if (!valid)
                return false;
            lower[i] = c;
        }

        tag = new string(lower);
        return true;
    }

    /// <summary>Normalises a tag given to a public constructor; <see langword="null"/> or empty means untagged.</summary>
    public static string NormalizeArgument(string? tag, string paramName)
    {
        if (string.IsNullOrEmpty(tag))
            return "";
        if (!TryNormalize(tag, out var normalized))
            throw new ArgumentException($"\"{tag}\" is not a valid GTID tag (expected {Pattern}).", paramName);
        return normalized;
    }

    /// <summary>Decodes a tag from the ASCII bytes of a binary encoding; empty means untagged.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> ascii, out string tag)
    {
        tag = "";
        if (ascii.IsEmpty)
            return true;
        if (ascii.Length > MaxLength)
            return false;
        Span<char> chars = stackalloc char[ascii.Length];
        for (var i = 0; i < ascii.Length; i++)
        {
            if (ascii[i] > 0x7F)
                return false;
            chars[i] = (char)ascii[i];
        }

        return TryNormalize(chars, out tag);
    }
}
