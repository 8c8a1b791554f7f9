using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>
/// Splits a filter statement into tokens: words, backtick identifiers, string literals ('' and backslash escapes),
/// numbers (integer, decimal, exponent), hex literals (0x… and x'…'), operators and punctuation.
/// Comments (<c>-- </c>, <c>#</c>, <c>/* */</c>) and whitespace are skipped.
/// </summary>
internal static class SqlTokenizer
{
    private static readonly string[] Symbols =
    [
        "<=>", "<>", "!=", "<=", ">=", "||", "&&", "<<", ">>", ":=",
        "(", ")", ",", ".", "*", "=", "<", ">", "+", "-", "/", "%", ";", "!", "~", "^", "&", "|", "@", "?",
    ];

    /// <summary>Tokenizes <paramref name="sql"/>; the list always ends with an <see cref="SqlTokenKind.EndOfInput"/> token.</summary>
    /// <exception cref="VStreamFilterException">An unterminated literal or an unknown character.</exception>
    public static List<SqlToken> Tokenize(string sql)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (true)
        {
            i = SkipWhitespaceAndComments(sql, i);
            if (i >= sql.Length)
            {
                tokens.Add(new SqlToken(SqlTokenKind.EndOfInput, "", sql.Length, sql.Length, []));
                return tokens;
            }

            tokens.Add(ReadToken(sql, i));
            i = tokens[^1].End;
        }
    }

    private static int SkipWhitespaceAndComments(string sql, int i)
    {
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#' || (c == '-' && Next(sql, i + 1) == '-' && (i + 2 >= sql.Length || char.IsWhiteSpace(sql[i + 2]))))
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && Next(sql, i + 1) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw SyntaxError(sql.Length + 1, null);
                }

                i = end + 2;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static SqlToken ReadToken(string sql, int start)
    {
        var c = sql[start];
        if ((c == 'x' || c == 'X') && Next(sql, start + 1) == '\'')
        {
            return ReadQuotedHex(sql, start);
        }

        if (c == '0' && (Next(sql, start + 1) == 'x' || Next(sql, start + 1) == 'X') && Uri.IsHexDigit(Next(sql, start + 2)))
        {
            var end = start + 2;
            while (end < sql.Length && Uri.IsHexDigit(sql[end]))
            {
                end++;
            }

            if (end < sql.Length && IsWordChar(sql[end]))
            {
                return ReadWord(sql, start);
            }

            var digits = sql[(start + 2)..end];
            return new SqlToken(SqlTokenKind.Hex, sql[start..end], start, end, HexToBytes(digits.Length % 2 == 0 ? digits : "0" + digits));
        }

        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Next(sql, start + 1))))
        {
            return ReadNumber(sql, start);
        }

        if (IsWordStart(c))
        {
            return ReadWord(sql, start);
        }

        switch (c)
        {
            case '`':
                return ReadQuoted(sql, start, '`', SqlTokenKind.QuotedIdentifier);
            case '\'':
            case '"':
                return ReadQuoted(sql, start, c, SqlTokenKind.String);
        }

        foreach (var symbol in Symbols)
        {
            if (string.CompareOrdinal(sql, start, symbol, 0, symbol.Length) == 0)
            {
                return new SqlToken(SqlTokenKind.Symbol, symbol, start, start + symbol.Length, []);
            }
        }

        throw SyntaxError(start + 1, c.ToString());
    }

    private static SqlToken ReadWord(string sql, int start)
    {
        var end = start;
        while (end < sql.Length && IsWordChar(sql[end]))
        {
            end++;
        }

        return new SqlToken(SqlTokenKind.Word, sql[start..end], start, end, []);
    }

    private static SqlToken ReadNumber(string sql, int start)
    {
        var end = start;
        var kind = SqlTokenKind.Integer;
        while (end < sql.Length && char.IsAsciiDigit(sql[end]))
        {
            end++;
        }

        if (end < sql.Length && sql[end] == '.')
        {
            kind = SqlTokenKind.Decimal;
            end++;
            while (end < sql.Length && char.IsAsciiDigit(sql[end]))
            {
                end++;
            }
        }

        if (end < sql.Length && (sql[end] == 'e' || sql[end] == 'E'))
        {
            var exponent = end + 1;
            if (exponent < sql.Length && (sql[exponent] == '+' || sql[exponent] == '-'))
            {
                exponent++;
            }

            if (exponent < sql.Length && char.IsAsciiDigit(sql[exponent]))
            {
                kind = SqlTokenKind.Float;
                end = exponent;
                while (end < sql.Length && char.IsAsciiDigit(sql[end]))
                {
                    end++;
                }
            }
        }

        if (end < sql.Length && IsWordStart(sql[end]))
        {
            // MySQL allows identifiers such as 1abc; we don't, and say so where the word starts.
            throw SyntaxError(end + 1, sql[start..(end + 1)]);
        }

        return new SqlToken(kind, sql[start..end], start, end, []);
    }

    private static SqlToken ReadQuotedHex(string sql, int start)
    {
        var close = sql.IndexOf('\'', start + 2);
        if (close < 0)
        {
            throw SyntaxError(sql.Length + 1, null);
        }

        var digits = sql[(start + 2)..close];
        if (digits.Length % 2 != 0 || !digits.All(Uri.IsHexDigit))
        {
            throw SyntaxError(close + 2, sql[start..(close + 1)]);
        }

        return new SqlToken(SqlTokenKind.Hex, sql[start..(close + 1)], start, close + 1, HexToBytes(digits));
    }

    private static SqlToken ReadQuoted(string sql, int start, char quote, SqlTokenKind kind)
    {
        var value = new StringBuilder();
        var i = start + 1;
        while (true)
        {
            if (i >= sql.Length)
            {
                throw SyntaxError(sql.Length + 1, null);
            }

            var c = sql[i];
            if (c == quote)
            {
                if (Next(sql, i + 1) == quote)
                {
                    value.Append(quote);
                    i += 2;
                    continue;
                }

                return new SqlToken(kind, value.ToString(), start, i + 1, []);
            }

            if (c == '\\' && kind == SqlTokenKind.String && i + 1 < sql.Length)
            {
                value.Append(Unescape(sql[i + 1]));
                i += 2;
                continue;
            }

            value.Append(c);
            i++;
        }
    }

    /// <summary>MySQL string escapes; <c>\%</c> and <c>\_</c> keep their backslash, any other <c>\c</c> is <c>c</c>.</summary>
    private static string Unescape(char c) => c switch
    {
        '0' => "\0",
        'b' => "\b",
        'n' => "\n",
        'r' => "\r",
        't' => "\t",
        'Z' => "\u001A",
        '%' => "\\%",
        '_' => "\\_",
        _ => c.ToString(),
    };

    private static byte[] HexToBytes(string digits) => Convert.FromHexString(digits);

    private static char Next(string sql, int i) => i < sql.Length ? sql[i] : '\0';

    private static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c == '_' || c == '$' || c > 127;

    private static bool IsWordChar(char c) => IsWordStart(c) || char.IsAsciiDigit(c);

    /// <summary>Vitess's wording: "syntax error at position N near 'tok'", N being one past the token's end.</summary>
    internal static VStreamFilterException SyntaxError(int position, string? near)
    {
        return near is null
            ? VStreamFilterException.Create($"syntax error at position {position}")
            : VStreamFilterException.Create($"syntax error at position {position} near '{near}'", near);
    }
}
