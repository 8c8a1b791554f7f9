namespace VGate.VStreamer.Filtering.Sql;

/// <summary>Reserved words of the filter dialect and identifier rendering.</summary>
internal static class SqlKeywords
{
    /// <summary>
    /// Words that cannot be used unquoted as a column or table name (a subset of MySQL's reserved words: the ones
    /// that matter to a <c>select … from … where …</c> statement, plus the other statement verbs).
    /// </summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "alter", "and", "as", "asc", "between", "binary", "by", "call", "case", "collate", "convert", "create",
        "cross", "default", "delete", "desc", "distinct", "div", "drop", "else", "end", "escape", "exists", "false",
        "for", "from", "group", "having", "in", "index", "inner", "insert", "interval", "into", "is", "join", "key",
        "keys", "left", "like", "limit", "lock", "mod", "natural", "not", "null", "on", "or", "order", "outer",
        "regexp", "rename", "replace", "right", "rlike", "select", "set", "show", "straight_join", "table", "then",
        "true", "union", "unlock", "update", "use", "using", "values", "when", "where", "window", "with", "xor",
    };

    /// <summary>Words Vitess backquotes when it prints an identifier although MySQL doesn't reserve them.</summary>
    private static readonly HashSet<string> QuotedWhenRendered = new(StringComparer.OrdinalIgnoreCase)
    {
        "none", "status", "type", "unknown", "value", "time", "timestamp", "date", "datetime", "year",
    };

    public static bool IsReserved(string word) => Reserved.Contains(word);

    /// <summary>
    /// Renders an identifier the way Vitess's <c>sqlparser.String</c> does: bare when it is a plain word,
    /// backquoted (with inner backquotes doubled) when it is a keyword or has other characters.
    /// </summary>
    public static string RenderIdentifier(string name)
    {
        if (name.Length > 0 && IsPlain(name) && !Reserved.Contains(name) && !QuotedWhenRendered.Contains(name))
        {
            return name;
        }

        return Quote(name);
    }

    /// <summary>Always backquotes (used for the SQL we send to MySQL).</summary>
    public static string Quote(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    private static bool IsPlain(string name)
    {
        if (char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '$')
            {
                return false;
            }
        }

        return true;
    }
}
