using System.Text;
using System.Text.RegularExpressions;

namespace VGate.Server.Execute;

/// <summary>The statements VGate answers on Execute: the ones CDC clients (Debezium's <c>VitessMetadata</c>) send.</summary>
internal enum ShowKind
{
    VitessShards,
    VitessTablets,
    Tables,
    Databases,

    /// <summary><c>SHOW TABLE STATUS</c>: MySQL's per-table statistics (estimated row count and sizes).</summary>
    TableStatus,
}

/// <summary>
/// A parsed SHOW statement. Leading comments (including Vitess directives such as <c>/*vt+ WORKLOAD_NAME=debezium */</c>)
/// and a trailing semicolon are ignored; keywords are case-insensitive. The LIKE pattern is a MySQL string literal, decoded
/// by MySQL's rules (<see cref="TryReadStringLiterals"/>), and matched by MySQL's LIKE rules (<see cref="Matches"/>).
/// </summary>
internal sealed partial record ShowStatement(ShowKind Kind, string? Like, string? FromKeyspace)
{
    /// <summary>The statement, or null when it is not one VGate answers.</summary>
    /// <exception cref="ExecuteException">INVALID_ARGUMENT for a LIKE whose string literal is malformed (unterminated).</exception>
    public static ShowStatement? Parse(string sql)
    {
        var text = StripComments(sql);
        var match = ShowPattern().Match(text);
        if (!match.Success)
            return null;
        string? like = null;
        var rest = match.Groups["rest"].Value;
        if (rest.Length > 0)
        {
            var likeMatch = LikePattern().Match(rest);
            if (!likeMatch.Success)
                return null;
            var position = likeMatch.Length;
            if (!TryReadStringLiterals(rest, ref position, out like))
                throw new ExecuteException(Vtrpc.Code.InvalidArgument, $"malformed string literal after LIKE (expected a terminated '…' or \"…\"):{rest}");
            if (rest.AsSpan(position).Trim().Length != 0)
                return null; // e.g. LIKE … ESCAPE '|': not a form vtgate accepts either
        }
        var what = WhitespacePattern().Replace(match.Groups["what"].Value, " ").ToUpperInvariant();
        if (what is "VITESS_SHARDS")
            return new ShowStatement(ShowKind.VitessShards, like, null);
        if (what is "VITESS_TABLETS")
            return new ShowStatement(ShowKind.VitessTablets, like, null);
        if (what is "DATABASES" or "SCHEMAS" or "VITESS_KEYSPACES" or "KEYSPACES")
            return new ShowStatement(ShowKind.Databases, like, null);
        if (what is "TABLES" or "TABLE STATUS")
        {
            var keyspace = match.Groups["from"].Success ? match.Groups["from"].Value : null;
            if (keyspace is { Length: > 1 } && keyspace[0] == '`' && keyspace[^1] == '`')
                keyspace = keyspace[1..^1].Replace("``", "`", StringComparison.Ordinal);
            return new ShowStatement(what is "TABLES" ? ShowKind.Tables : ShowKind.TableStatus, like, keyspace);
        }
        return null;
    }

    /// <summary>Removes leading <c>/* … */</c>, <c>-- …</c> and <c># …</c> comments, trailing semicolons and whitespace.</summary>
    public static string StripComments(string sql)
    {
        var text = sql.AsSpan().Trim();
        while (true)
        {
            if (text.StartsWith("/*"))
            {
                var end = text.IndexOf("*/");
                if (end < 0)
                    return "";
                text = text[(end + 2)..].TrimStart();
            }
            else if (text.StartsWith("-- ") || text.StartsWith("#"))
            {
                var end = text.IndexOf('\n');
                if (end < 0)
                    return "";
                text = text[(end + 1)..].TrimStart();
            }
            else
            {
                break;
            }
        }
        text = text.TrimEnd().TrimEnd(';').TrimEnd();
        return text.ToString();
    }

    /// <summary>
    /// Reads one or more adjacent string literals at <paramref name="position"/> (MySQL concatenates <c>'a' 'b'</c>) and
    /// decodes them by MySQL's rules: the quote character doubled stands for itself; a backslash escapes the next character,
    /// <c>\0 \' \" \b \n \r \t \Z \\</c> standing for NUL, quote, double quote, backspace, newline, carriage return, tab,
    /// Ctrl-Z and backslash, while <c>\%</c> and <c>\_</c> keep their backslash (so that LIKE sees an escaped wildcard)
    /// and any other <c>\x</c> is <c>x</c>.
    /// </summary>
    /// <returns>False when no literal starts at <paramref name="position"/> or one is not terminated.</returns>
    public static bool TryReadStringLiterals(string text, ref int position, out string? value)
    {
        value = null;
        var builder = new StringBuilder();
        var count = 0;
        var i = position;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            if (i >= text.Length || text[i] is not ('\'' or '"'))
                break;
            var quote = text[i++];
            var closed = false;
            while (i < text.Length)
            {
                var c = text[i++];
                if (c == quote)
                {
                    if (i < text.Length && text[i] == quote)
                    {
                        builder.Append(quote);
                        i++;
                        continue;
                    }
                    closed = true;
                    break;
                }
                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }
                if (i >= text.Length)
                    return false; // the backslash escapes the closing quote: unterminated
                var escaped = text[i++];
                switch (escaped)
                {
                    case '0': builder.Append('\0'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'Z': builder.Append('\x1A'); break;
                    case '%' or '_': builder.Append('\\').Append(escaped); break;
                    default: builder.Append(escaped); break;
                }
            }
            if (!closed)
                return false;
            count++;
        }
        if (count == 0)
            return false;
        position = i;
        value = builder.ToString();
        return true;
    }

    /// <summary>
    /// True when <paramref name="value"/> matches the SQL LIKE <paramref name="pattern"/> by MySQL's rules: <c>%</c> any
    /// run of characters, <c>_</c> exactly one, <c>\</c> (the default escape character) makes the next character literal,
    /// and a backslash at the end of the pattern is a literal backslash. Case-sensitive, as vtgate compares these names.
    /// </summary>
    public static bool Matches(string? pattern, string value)
    {
        if (pattern is null)
            return true;
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            else if (c == '%')
                regex.Append(".*");
            else if (c == '_')
                regex.Append('.');
            else
                regex.Append(Regex.Escape(c.ToString()));
        }
        regex.Append("\\z");
        return Regex.IsMatch(value, regex.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    [GeneratedRegex("""
        ^SHOW\s+(?<what>VITESS_SHARDS|VITESS_TABLETS|VITESS_KEYSPACES|KEYSPACES|DATABASES|SCHEMAS|TABLES|TABLE\s+STATUS)
        (?:\s+(?:FROM|IN)\s+(?<from>`(?:[^`]|``)+`|[A-Za-z0-9_$\-]+))?
        (?<rest>\s.*)?$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ShowPattern();

    [GeneratedRegex(@"^\s+LIKE(?=[\s'""])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LikePattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
