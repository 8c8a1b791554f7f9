using Binlogdata;

namespace VGate.VStreamer.Ddl;

/// <summary>
/// Recognises statement-format DML (what a session with <c>binlog_format=STATEMENT</c> writes as QUERY events inside a
/// group) and the table it writes, from the statement's head. Recognised: INSERT [LOW_PRIORITY|DELAYED|HIGH_PRIORITY]
/// [IGNORE] [INTO] t; REPLACE [LOW_PRIORITY|DELAYED] [INTO] t; UPDATE [LOW_PRIORITY] [IGNORE] t; DELETE
/// [LOW_PRIORITY] [QUICK] [IGNORE] FROM t. Multi-table UPDATE/DELETE are recognised with no table.
/// </summary>
internal static class DmlParser
{
    /// <summary>The statement's kind and table, or null when it is not DML.</summary>
    public static DmlStatement? Parse(string sql)
    {
        var tokens = new DdlParser.Tokenizer(sql);
        switch (tokens.NextWord())
        {
            case "INSERT":
                SkipModifiers(tokens, "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO");
                return Single(VEventType.Insert, tokens);
            case "REPLACE":
                SkipModifiers(tokens, "LOW_PRIORITY", "DELAYED", "INTO");
                return Single(VEventType.Replace, tokens);
            case "UPDATE":
                {
                    SkipModifiers(tokens, "LOW_PRIORITY", "IGNORE");
                    var name = tokens.NextName();
                    var mark = tokens.Position;
                    var next = tokens.NextWord();
                    tokens.Position = mark;
                    // "UPDATE a, b SET …" and "UPDATE a JOIN b …" write several tables.
                    if (name is null || tokens.TryConsume(',') || next is "JOIN" or "INNER" or "LEFT" or "RIGHT" or "STRAIGHT_JOIN" or "CROSS" or "NATURAL")
                        return new DmlStatement(VEventType.Update, null, null);
                    return new DmlStatement(VEventType.Update, name.Value.Database, name.Value.Table);
                }
            case "DELETE":
                {
                    SkipModifiers(tokens, "LOW_PRIORITY", "QUICK", "IGNORE");
                    if (tokens.NextWord() != "FROM")
                        return new DmlStatement(VEventType.Delete, null, null);
                    var name = tokens.NextName();
                    var mark = tokens.Position;
                    var next = tokens.NextWord();
                    tokens.Position = mark;
                    if (name is null || tokens.TryConsume(',') || next == "USING")
                        return new DmlStatement(VEventType.Delete, null, null);
                    return new DmlStatement(VEventType.Delete, name.Value.Database, name.Value.Table);
                }
            default:
                return null;
        }
    }

    private static void SkipModifiers(DdlParser.Tokenizer tokens, params string[] words)
    {
        while (true)
        {
            var mark = tokens.Position;
            var word = tokens.NextWord();
            if (word is null || Array.IndexOf(words, word) < 0)
            {
                tokens.Position = mark;
                return;
            }
        }
    }

    private static DmlStatement Single(VEventType kind, DdlParser.Tokenizer tokens) =>
        tokens.NextName() is { } name ? new DmlStatement(kind, name.Database, name.Table) : new DmlStatement(kind, null, null);
}

/// <summary>A statement-format DML statement.</summary>
/// <param name="Kind">INSERT, REPLACE, UPDATE or DELETE (the VEvent type it is sent as).</param>
/// <param name="Database">The table's database when the statement qualifies it (else null).</param>
/// <param name="Table">The table written, or null when the head does not name exactly one.</param>
internal sealed record DmlStatement(VEventType Kind, string? Database, string? Table);
