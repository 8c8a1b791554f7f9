using System.Text.RegularExpressions;

namespace VGate.Server.Execute;

/// <summary>The statements VGate answers on Execute: the ones CDC clients (Debezium's <c>VitessMetadata</c>) send.</summary>
internal enum ShowKind
{
    VitessShards,
    VitessTablets,
    Tables,
    Databases,
}

/// <summary>
/// A parsed SHOW statement. Leading comments (including Vitess directives such as <c>/*vt+ WORKLOAD_NAME=debezium */</c>)
/// and a trailing semicolon are ignored; keywords are case-insensitive.
/// </summary>
internal sealed partial record ShowStatement(ShowKind Kind, string? Like, string? FromKeyspace)
{
    public static ShowStatement? Parse(string sql)
    {
        var text = StripComments(sql);
        var match = ShowPattern().Match(text);
        if (!match.Success)
            return null;
        var like = match.Groups["like"].Success ? UnquoteString(match.Groups["like"].Value) : null;
        var what = WhitespacePattern().Replace(match.Groups["what"].Value, " ").ToUpperInvariant();
        if (what is "VITESS_SHARDS")
            return new ShowStatement(ShowKind.VitessShards, like, null);
        if (what is "VITESS_TABLETS")
            return new ShowStatement(ShowKind.VitessTablets, like, null);
        if (what is "DATABASES" or "SCHEMAS" or "VITESS_KEYSPACES" or "KEYSPACES")
            return new ShowStatement(ShowKind.Databases, like, null);
        if (what is "TABLES")
        {
            var keyspace = match.Groups["from"].Success ? match.Groups["from"].Value : null;
            if (keyspace is { Length: > 1 } && keyspace[0] == '`' && keyspace[^1] == '`')
                keyspace = keyspace[1..^1].Replace("``", "`", StringComparison.Ordinal);
            return new ShowStatement(ShowKind.Tables, like, keyspace);
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

    /// <summary>True when <paramref name="value"/> matches the SQL LIKE <paramref name="pattern"/> (% _ and \ escapes; case-sensitive, as vtgate).</summary>
    public static bool Matches(string? pattern, string value)
    {
        if (pattern is null)
            return true;
        var regex = new System.Text.StringBuilder("^");
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
        regex.Append('$');
        return Regex.IsMatch(value, regex.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static string UnquoteString(string quoted)
    {
        var quote = quoted[0];
        var body = quoted[1..^1];
        return body.Replace(new string(quote, 2), quote.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("""
        ^SHOW\s+(?<what>VITESS_SHARDS|VITESS_TABLETS|VITESS_KEYSPACES|KEYSPACES|DATABASES|SCHEMAS|TABLES)
        (?:\s+(?:FROM|IN)\s+(?<from>`(?:[^`]|``)+`|[A-Za-z0-9_$\-]+))?
        (?:\s+LIKE\s+(?<like>'(?:[^']|'')*'|"(?:[^"]|"")*"))?$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex ShowPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
