using System.Text;

namespace VGate.MySql.Protocol;

/// <summary>
/// How VGate writes the SQL it sends to a source, so that no server setting and no client input can change what a
/// statement means: every session pins its own <c>sql_mode</c> right after login (<see cref="SetSqlModeStatement"/>),
/// identifiers are backquoted with inner backquotes doubled, and string values that are not plainly safe go as hex
/// literals with a character-set introducer (<c>_utf8mb4 X'…'</c>), which no mode reinterprets.
/// </summary>
/// <remarks>
/// A source may run with any global <c>sql_mode</c>. <c>NO_BACKSLASH_ESCAPES</c> makes <c>\'</c> end a string,
/// <c>ANSI_QUOTES</c> makes <c>"…"</c> an identifier, <c>PIPES_AS_CONCAT</c> changes <c>||</c>,
/// <c>PAD_CHAR_TO_FULL_LENGTH</c> changes the CHAR values a copy reads and MariaDB's <c>EMPTY_STRING_IS_NULL</c> and
/// <c>ORACLE</c> change literals: VGate's sessions therefore run with <see cref="SqlMode"/>, a mode MySQL 5.7+ and
/// MariaDB 10.x+ both accept and in which backquotes, single-quoted strings and backslash escapes mean what the code
/// assumes. Hex literals are used anyway so that even a session whose mode could not be set cannot be broken out of.
/// </remarks>
public static class SqlSession
{
    /// <summary>The <c>sql_mode</c> of every session VGate opens to a source.</summary>
    public const string SqlMode = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

    /// <summary>The statement that pins <see cref="SqlMode"/> for the session.</summary>
    public const string SetSqlModeStatement = "SET SESSION sql_mode = '" + SqlMode + "'";

    /// <summary>A backquoted identifier, inner backquotes doubled: <c>a`b</c> → <c>`a``b`</c>.</summary>
    public static string QuoteIdentifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
    }

    /// <summary>
    /// A string literal that means <paramref name="value"/> in every <c>sql_mode</c>: <c>'…'</c> when every character is
    /// an ASCII letter, digit, space or one of <c>+-:._/,@</c> (readable in logs, e.g. time zones and GTID lists), else
    /// the UTF-8 bytes as <c>_utf8mb4 X'…'</c> (the empty string is <c>''</c>).
    /// </summary>
    public static string QuoteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IsPlain(value) ? "'" + value + "'" : "_utf8mb4 X'" + Convert.ToHexString(Encoding.UTF8.GetBytes(value)) + "'";
    }

    /// <summary>Appends <see cref="QuoteString"/> of <paramref name="value"/>.</summary>
    public static void AppendString(StringBuilder builder, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append(QuoteString(value));
    }

    /// <summary>A binary string literal <c>X'…'</c> of <paramref name="value"/>.</summary>
    public static string QuoteBytes(ReadOnlySpan<byte> value) => "X'" + Convert.ToHexString(value) + "'";

    private static bool IsPlain(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not (' ' or '+' or '-' or ':' or '.' or '_' or '/' or ',' or '@'))
                return false;
        }
        return true;
    }
}
