namespace VGate.Kafka.Events;

/// <summary>
/// Finds the table a DDL statement is about (as the Debezium Vitess connector's <c>DdlMetadataExtractor</c> does):
/// <c>CREATE|ALTER|DROP|RENAME|TRUNCATE … TABLE [IF [NOT] EXISTS] [db.]name</c>. Null for anything else (views,
/// indexes on their own, databases), in which case the schema-change record has an empty table.
/// </summary>
internal static class DdlText
{
    private static readonly string[] Verbs = ["CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"];

    public static string? TableName(string statement)
    {
        var at = 0;
        var first = Word(statement, ref at);
        if (first is null || !Verbs.Contains(first, StringComparer.OrdinalIgnoreCase))
            return null;
        var truncate = string.Equals(first, "TRUNCATE", StringComparison.OrdinalIgnoreCase);
        // Modifiers between the verb and TABLE: OR REPLACE, TEMPORARY, ONLINE, IGNORE, … (at most a few words).
        for (var words = 0; words < 4; words++)
        {
            var save = at;
            var word = Word(statement, ref at);
            if (word is null)
                return null;
            if (string.Equals(word, "TABLE", StringComparison.OrdinalIgnoreCase))
                return Name(statement, ref at);
            if (truncate)
            {
                at = save;
                return Name(statement, ref at);
            }
        }
        return null;
    }

    private static string? Name(string text, ref int at)
    {
        var save = at;
        if (string.Equals(Word(text, ref at), "IF", StringComparison.OrdinalIgnoreCase))
        {
            var next = Word(text, ref at);
            if (string.Equals(next, "NOT", StringComparison.OrdinalIgnoreCase))
                Word(text, ref at);
        }
        else
        {
            at = save;
        }
        var name = Identifier(text, ref at);
        while (name is not null && at < text.Length && text[at] == '.')
        {
            at++;
            name = Identifier(text, ref at);
        }
        return name;
    }

    private static string? Identifier(string text, ref int at)
    {
        SkipSpace(text, ref at);
        if (at >= text.Length)
            return null;
        if (text[at] is '`' or '"')
        {
            var quote = text[at];
            var builder = new System.Text.StringBuilder();
            for (at++; at < text.Length; at++)
            {
                if (text[at] != quote)
                {
                    builder.Append(text[at]);
                    continue;
                }
                if (at + 1 < text.Length && text[at + 1] == quote)
                {
                    builder.Append(quote);
                    at++;
                    continue;
                }
                at++;
                return builder.ToString();
            }
            return null;
        }
        var start = at;
        while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] is '_' or '$'))
            at++;
        return at > start ? text[start..at] : null;
    }

    private static string? Word(string text, ref int at)
    {
        SkipSpace(text, ref at);
        var start = at;
        while (at < text.Length && char.IsAsciiLetter(text[at]))
            at++;
        return at > start ? text[start..at] : null;
    }

    private static void SkipSpace(string text, ref int at)
    {
        while (at < text.Length)
        {
            if (char.IsWhiteSpace(text[at]))
            {
                at++;
            }
            else if (text[at] == '/' && at + 1 < text.Length && text[at + 1] == '*')
            {
                var end = text.IndexOf("*/", at + 2, StringComparison.Ordinal);
                at = end < 0 ? text.Length : end + 2;
            }
            else if (text[at] == '#' || (text[at] == '-' && at + 2 < text.Length && text[at + 1] == '-' && char.IsWhiteSpace(text[at + 2])))
            {
                var end = text.IndexOf('\n', at);
                at = end < 0 ? text.Length : end + 1;
            }
            else
            {
                return;
            }
        }
    }
}
