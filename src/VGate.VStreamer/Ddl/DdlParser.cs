using System.Text;

namespace VGate.VStreamer.Ddl;

/// <summary>
/// Recognises the table-level DDL statements that appear in a binlog and extracts the table names they touch, so
/// the streamer can tell a DDL on a streamed table (sent as DDL, schema reloaded) from any other statement (sent as
/// OTHER). It reads only the statement's head; anything it does not recognise is <see cref="DdlStatement.NotDdl"/>.
/// Recognised: CREATE [OR REPLACE] [TEMPORARY] TABLE [IF NOT EXISTS] t; ALTER [ONLINE] [IGNORE] TABLE t;
/// DROP [TEMPORARY] TABLE [IF EXISTS] t[, …]; RENAME TABLE a TO b[, …]; TRUNCATE [TABLE] t;
/// CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX i ON t; DROP INDEX i ON t. Names may be qualified and back-quoted.
/// </summary>
internal static class DdlParser
{
    public static DdlStatement Parse(string sql)
    {
        var tokens = new Tokenizer(sql);
        var first = tokens.NextWord();
        switch (first)
        {
            case "CREATE":
                {
                    var word = tokens.NextWord();
                    if (word == "OR" && tokens.NextWord() == "REPLACE")
                        word = tokens.NextWord();
                    if (word == "TEMPORARY")
                        word = tokens.NextWord();
                    if (word == "TABLE")
                    {
                        tokens.SkipWords("IF", "NOT", "EXISTS");
                        return One(DdlKind.CreateTable, tokens.NextName());
                    }
                    if (word is "UNIQUE" or "FULLTEXT" or "SPATIAL")
                        word = tokens.NextWord();
                    if (word == "INDEX")
                        return IndexOn(DdlKind.CreateIndex, tokens);
                    return DdlStatement.NotDdl;
                }
            case "ALTER":
                {
                    var word = tokens.NextWord();
                    if (word == "ONLINE")
                        word = tokens.NextWord();
                    if (word == "IGNORE")
                        word = tokens.NextWord();
                    return word == "TABLE" ? One(DdlKind.AlterTable, tokens.NextName()) : DdlStatement.NotDdl;
                }
            case "DROP":
                {
                    var word = tokens.NextWord();
                    if (word == "TEMPORARY")
                        word = tokens.NextWord();
                    if (word == "INDEX")
                        return IndexOn(DdlKind.DropIndex, tokens);
                    if (word != "TABLE")
                        return DdlStatement.NotDdl;
                    tokens.SkipWords("IF", "EXISTS");
                    var tables = new List<(string?, string)>();
                    do
                    {
                        if (tokens.NextName() is { } name)
                            tables.Add(name);
                    }
                    while (tokens.TryConsume(','));
                    return tables.Count > 0 ? new DdlStatement(DdlKind.DropTable, tables) : DdlStatement.NotDdl;
                }
            case "RENAME":
                {
                    if (tokens.NextWord() != "TABLE")
                        return DdlStatement.NotDdl;
                    var tables = new List<(string?, string)>();
                    do
                    {
                        var from = tokens.NextName();
                        if (tokens.NextWord() != "TO")
                            return DdlStatement.NotDdl;
                        var to = tokens.NextName();
                        if (from is null || to is null)
                            return DdlStatement.NotDdl;
                        tables.Add(from.Value);
                        tables.Add(to.Value);
                    }
                    while (tokens.TryConsume(','));
                    return new DdlStatement(DdlKind.RenameTable, tables);
                }
            case "TRUNCATE":
                {
                    var mark = tokens.Position;
                    if (tokens.NextWord() != "TABLE")
                        tokens.Position = mark;
                    return One(DdlKind.TruncateTable, tokens.NextName());
                }
            default:
                return DdlStatement.NotDdl;
        }
    }

    /// <summary>True for CREATE [OR REPLACE] TEMPORARY TABLE.</summary>
    public static bool IsCreateTemporary(string sql)
    {
        var tokens = new Tokenizer(sql);
        if (tokens.NextWord() != "CREATE")
            return false;
        var word = tokens.NextWord();
        if (word == "OR" && tokens.NextWord() == "REPLACE")
            word = tokens.NextWord();
        return word == "TEMPORARY";
    }

    /// <summary>
    /// True for CREATE [OR REPLACE] TEMPORARY TABLE and DROP TEMPORARY TABLE, also written as the server writes the
    /// latter when a session with temporary tables ends (<c>DROP /*!40005 TEMPORARY */ TABLE IF EXISTS t</c>): a
    /// temporary table is never a streamed table.
    /// </summary>
    public static bool IsTemporaryTable(string sql)
    {
        if (IsCreateTemporary(sql))
            return true;
        var tokens = new Tokenizer(sql);
        return tokens.NextWord() == "DROP" && tokens.NextWord() == "TEMPORARY";
    }

    private static DdlStatement IndexOn(DdlKind kind, Tokenizer tokens)
    {
        tokens.SkipWords("IF", "NOT", "EXISTS");
        _ = tokens.NextName();
        while (tokens.NextWord() is { } word)
        {
            if (word == "ON")
                return One(kind, tokens.NextName());
        }
        return DdlStatement.NotDdl;
    }

    private static DdlStatement One(DdlKind kind, (string? Database, string Table)? name) =>
        name is { } table ? new DdlStatement(kind, [table]) : DdlStatement.NotDdl;

    /// <summary>Reads words, names and punctuation, skipping white space and comments.</summary>
    internal sealed class Tokenizer(string text)
    {
        private int _openExecutableComments;

        public int Position { get; set; }

        /// <summary>Where the body of an executable comment opened just before <paramref name="index"/> starts (after its version), or null.</summary>
        private int? ExecutableCommentBodyAt(int index)
        {
            if (index < text.Length && text[index] == 'M')
                index++;
            if (index >= text.Length || text[index] != '!')
                return null;
            index++;
            while (index < text.Length && char.IsAsciiDigit(text[index]))
                index++;
            return index;
        }

        /// <summary>The next bare word in upper case, or null at the end or when the next token is not a word.</summary>
        public string? NextWord()
        {
            SkipSpace();
            var start = Position;
            while (Position < text.Length && (char.IsAsciiLetterOrDigit(text[Position]) || text[Position] is '_' or '$'))
                Position++;
            return Position > start ? text[start..Position].ToUpperInvariant() : null;
        }

        /// <summary>Consumes the given optional words in order, stopping at the first that is absent.</summary>
        public void SkipWords(params string[] words)
        {
            foreach (var word in words)
            {
                var mark = Position;
                if (NextWord() != word)
                {
                    Position = mark;
                    return;
                }
            }
        }

        public bool TryConsume(char c)
        {
            SkipSpace();
            if (Position < text.Length && text[Position] == c)
            {
                Position++;
                return true;
            }
            return false;
        }

        /// <summary>Reads <c>name</c> or <c>db.name</c>, each part bare or back-quoted.</summary>
        public (string? Database, string Table)? NextName()
        {
            var first = NextIdentifier();
            if (first is null)
                return null;
            if (Position < text.Length && text[Position] == '.')
            {
                Position++;
                var second = NextIdentifier();
                return second is null ? null : (first, second);
            }
            return (null, first);
        }

        private string? NextIdentifier()
        {
            SkipSpace();
            if (Position >= text.Length)
                return null;
            if (text[Position] == '`')
            {
                var builder = new StringBuilder();
                Position++;
                while (Position < text.Length)
                {
                    if (text[Position] == '`')
                    {
                        if (Position + 1 < text.Length && text[Position + 1] == '`')
                        {
                            builder.Append('`');
                            Position += 2;
                            continue;
                        }
                        Position++;
                        return builder.ToString();
                    }
                    builder.Append(text[Position++]);
                }
                return null;
            }
            var start = Position;
            while (Position < text.Length && (char.IsLetterOrDigit(text[Position]) || text[Position] is '_' or '$'))
                Position++;
            return Position > start ? text[start..Position] : null;
        }

        private void SkipSpace()
        {
            while (Position < text.Length)
            {
                var c = text[Position];
                if (char.IsWhiteSpace(c))
                {
                    Position++;
                }
                else if (c == '/' && Position + 1 < text.Length && text[Position + 1] == '*' && ExecutableCommentBodyAt(Position + 2) is { } body)
                {
                    // An executable comment (/*!40005 TEMPORARY */, /*M!100000 … */) holds statement text the server runs:
                    // read its body as part of the statement and drop its closing */ when it comes.
                    Position = body;
                    _openExecutableComments++;
                }
                else if (c == '/' && Position + 1 < text.Length && text[Position + 1] == '*')
                {
                    var end = text.IndexOf("*/", Position + 2, StringComparison.Ordinal);
                    Position = end < 0 ? text.Length : end + 2;
                }
                else if (c == '*' && _openExecutableComments > 0 && Position + 1 < text.Length && text[Position + 1] == '/')
                {
                    Position += 2;
                    _openExecutableComments--;
                }
                else if ((c == '-' && Position + 2 < text.Length && text[Position + 1] == '-' && char.IsWhiteSpace(text[Position + 2])) || c == '#')
                {
                    var end = text.IndexOf('\n', Position);
                    Position = end < 0 ? text.Length : end + 1;
                }
                else
                {
                    return;
                }
            }
        }
    }
}
