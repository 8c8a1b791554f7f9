using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>
/// Recursive-descent parser for the filter dialect: <c>select list from table [where condition] [;]</c>.
/// </summary>
/// <remarks>
/// The expression grammar is wider than what a table plan accepts (OR, arithmetic, any function call, LIKE, …) so
/// that <see cref="TablePlanBuilder"/> can reject the construct by name, as Vitess does. What the grammar itself
/// doesn't know is a syntax error ("syntax error at position N near 'x'"). Statements other than SELECT, and SELECT
/// features a filter can't have (joins, several tables, a qualified table, DISTINCT, GROUP BY, ORDER BY, LIMIT, …)
/// are reported as "unsupported: &lt;statement&gt;".
/// </remarks>
internal sealed class SqlParser
{
    private static readonly HashSet<string> OtherStatements = new(StringComparer.OrdinalIgnoreCase)
    {
        "insert", "update", "delete", "replace", "create", "alter", "drop", "truncate", "rename", "show", "set",
        "use", "explain", "describe", "desc", "with", "call", "load", "lock", "unlock", "grant", "revoke", "begin",
        "commit", "rollback", "start", "analyze", "optimize", "values", "table", "do", "handler",
    };

    private static readonly HashSet<string> SelectOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "distinct", "distinctrow", "all", "high_priority", "straight_join", "sql_small_result", "sql_big_result",
        "sql_buffer_result", "sql_no_cache", "sql_cache", "sql_calc_found_rows",
    };

    private static readonly HashSet<string> JoinWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "join", "inner", "left", "right", "cross", "natural", "straight_join", "outer", "full",
    };

    private static readonly HashSet<string> TrailingClauses = new(StringComparer.OrdinalIgnoreCase)
    {
        "group", "having", "order", "limit", "for", "lock", "union", "into", "window", "procedure", "partition", "use",
        "force", "ignore",
    };

    private readonly string _sql;
    private readonly List<SqlToken> _tokens;
    private int _position;

    private SqlParser(string sql)
    {
        _sql = sql;
        _tokens = SqlTokenizer.Tokenize(sql);
    }

    private SqlToken Current => _tokens[_position];

    private SqlToken Peek(int ahead = 1) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    /// <summary>Parses a filter statement.</summary>
    /// <exception cref="VStreamFilterException">Syntax error, empty query, or an unsupported statement shape.</exception>
    public static SqlSelect ParseSelect(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var parser = new SqlParser(sql);
        return parser.ParseStatement();
    }

    /// <summary>Parses a standalone expression (used by tests).</summary>
    public static SqlExpression ParseExpression(string sql)
    {
        var parser = new SqlParser(sql);
        var expression = parser.ParseOr();
        parser.ExpectEnd();
        return expression;
    }

    private SqlSelect ParseStatement()
    {
        var first = Current;
        if (first.Kind == SqlTokenKind.EndOfInput || (first.IsSymbol(";") && Peek().Kind == SqlTokenKind.EndOfInput))
        {
            throw VStreamFilterException.Create("Query was empty");
        }

        if (first.Kind == SqlTokenKind.Word && OtherStatements.Contains(first.Text))
        {
            throw VStreamFilterException.Unsupported(StatementText());
        }

        if (!first.IsKeyword("select"))
        {
            throw SyntaxErrorAtCurrent();
        }

        Advance();
        if (Current.Kind == SqlTokenKind.Word && SelectOptions.Contains(Current.Text))
        {
            throw VStreamFilterException.Unsupported(StatementText());
        }

        var items = new List<SqlSelectItem> { ParseSelectItem() };
        while (Accept(","))
        {
            items.Add(ParseSelectItem());
        }

        if (!Current.IsKeyword("from"))
        {
            if (Current.Kind == SqlTokenKind.EndOfInput || Current.IsSymbol(";"))
            {
                throw VStreamFilterException.Unsupported(StatementText());
            }

            throw SyntaxErrorAtCurrent();
        }

        Advance();
        if (Current.IsSymbol("("))
        {
            throw VStreamFilterException.Unsupported(StatementText());
        }

        var table = ParseIdentifier();
        if (Current.IsSymbol("."))
        {
            // A qualified table name (db.t) is not supported, like in Vitess.
            throw VStreamFilterException.Unsupported(StatementText());
        }

        ParseOptionalAlias(isTableAlias: true);
        if (Current.IsSymbol(",") || (Current.Kind == SqlTokenKind.Word && JoinWords.Contains(Current.Text)))
        {
            throw VStreamFilterException.Unsupported(StatementText());
        }

        SqlExpression? where = null;
        if (Current.IsKeyword("where"))
        {
            Advance();
            where = ParseOr();
        }

        if (Current.Kind == SqlTokenKind.Word && TrailingClauses.Contains(Current.Text))
        {
            throw VStreamFilterException.Unsupported(StatementText());
        }

        ExpectEnd();
        return new SqlSelect(items, table, where);
    }

    private void ExpectEnd()
    {
        Accept(";");
        if (Current.Kind != SqlTokenKind.EndOfInput)
        {
            throw SyntaxErrorAtCurrent();
        }
    }

    private SqlSelectItem ParseSelectItem()
    {
        if (Accept("*"))
        {
            return new SqlSelectItem(null, null);
        }

        if (IsIdentifierToken(Current) && Peek().IsSymbol(".") && Peek(2).IsSymbol("*"))
        {
            var qualifier = Current.Text;
            _position += 3;
            return new SqlSelectItem(null, null, qualifier);
        }

        var expression = ParseOr();
        var alias = ParseOptionalAlias(isTableAlias: false);
        return new SqlSelectItem(expression, alias);
    }

    private string? ParseOptionalAlias(bool isTableAlias)
    {
        if (Current.IsKeyword("as"))
        {
            Advance();
            if (!isTableAlias && Current.Kind == SqlTokenKind.String)
            {
                var text = Current.Text;
                Advance();
                return text;
            }

            return ParseIdentifier();
        }

        if (IsIdentifierToken(Current))
        {
            return ParseIdentifier();
        }

        return null;
    }

    // condition := xor { OR xor }
    private SqlExpression ParseOr()
    {
        var left = ParseXor();
        while (Current.IsKeyword("or") || Current.IsSymbol("||"))
        {
            Advance();
            left = new SqlLogical("or", left, ParseXor());
        }

        return left;
    }

    private SqlExpression ParseXor()
    {
        var left = ParseAnd();
        while (Current.IsKeyword("xor"))
        {
            Advance();
            left = new SqlLogical("xor", left, ParseAnd());
        }

        return left;
    }

    private SqlExpression ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsKeyword("and") || Current.IsSymbol("&&"))
        {
            Advance();
            left = new SqlLogical("and", left, ParseNot());
        }

        return left;
    }

    private SqlExpression ParseNot()
    {
        if (Current.IsKeyword("not"))
        {
            Advance();
            return new SqlNot(ParseNot());
        }

        return ParsePredicate();
    }

    private SqlExpression ParsePredicate()
    {
        var left = ParseAdditive();
        if (Current.IsKeyword("is"))
        {
            Advance();
            var negated = AcceptKeyword("not");
            string test;
            if (Current.IsKeyword("null") || Current.IsKeyword("true") || Current.IsKeyword("false") || Current.IsKeyword("unknown"))
            {
                test = Current.Text.ToLowerInvariant();
                Advance();
            }
            else
            {
                throw SyntaxErrorAtCurrent();
            }

            return new SqlIs(left, negated ? "not " + test : test);
        }

        var not = false;
        if (Current.IsKeyword("not") && (Peek().IsKeyword("in") || Peek().IsKeyword("between") || Peek().IsKeyword("like") || Peek().IsKeyword("regexp") || Peek().IsKeyword("rlike")))
        {
            not = true;
            Advance();
        }

        if (AcceptKeyword("in"))
        {
            Expect("(");
            if (Current.IsKeyword("select"))
            {
                throw VStreamFilterException.UnsupportedConstraint(SkipParenthesised(left, not ? "not in" : "in"));
            }

            var items = new List<SqlExpression> { ParseOr() };
            while (Accept(","))
            {
                items.Add(ParseOr());
            }

            Expect(")");
            return new SqlComparison(not ? "not in" : "in", left, new SqlTuple(items));
        }

        if (AcceptKeyword("between"))
        {
            var low = ParseAdditive();
            if (!AcceptKeyword("and"))
            {
                throw SyntaxErrorAtCurrent();
            }

            var high = ParseAdditive();
            return new SqlBetween(left, low, high, not);
        }

        if (AcceptKeyword("like"))
        {
            var pattern = ParseAdditive();
            if (AcceptKeyword("escape"))
            {
                pattern = new SqlRaw(pattern + " escape " + ParseAdditive());
            }

            return new SqlComparison(not ? "not like" : "like", left, pattern);
        }

        if (Current.IsKeyword("regexp") || Current.IsKeyword("rlike"))
        {
            Advance();
            return new SqlComparison(not ? "not regexp" : "regexp", left, ParseAdditive());
        }

        if (not)
        {
            throw SyntaxErrorAtCurrent();
        }

        if (Current.Kind == SqlTokenKind.Symbol && Current.Text is "=" or "!=" or "<>" or "<" or "<=" or ">" or ">=" or "<=>")
        {
            var op = Current.Text == "<>" ? "!=" : Current.Text;
            Advance();
            return new SqlComparison(op, left, ParseAdditive());
        }

        return left;
    }

    private SqlExpression ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind == SqlTokenKind.Symbol && Current.Text is "+" or "-" or "|" or "&" or "^" or "<<" or ">>")
        {
            var op = Current.Text;
            Advance();
            left = new SqlArithmetic(op, left, ParseMultiplicative());
        }

        return left;
    }

    private SqlExpression ParseMultiplicative()
    {
        var left = ParseUnary();
        while ((Current.Kind == SqlTokenKind.Symbol && Current.Text is "*" or "/" or "%") || Current.IsKeyword("div") || Current.IsKeyword("mod"))
        {
            var op = Current.Text.ToLowerInvariant();
            Advance();
            left = new SqlArithmetic(op, left, ParseUnary());
        }

        return left;
    }

    private SqlExpression ParseUnary()
    {
        if (Current.Kind == SqlTokenKind.Symbol && Current.Text is "-" or "+" or "~" or "!")
        {
            var op = Current.Text;
            var next = Peek();
            if (op is "-" or "+" && next.Kind is SqlTokenKind.Integer or SqlTokenKind.Decimal or SqlTokenKind.Float)
            {
                Advance();
                Advance();
                var kind = next.Kind switch
                {
                    SqlTokenKind.Integer => SqlLiteralKind.Integer,
                    SqlTokenKind.Decimal => SqlLiteralKind.Decimal,
                    _ => SqlLiteralKind.Float,
                };
                return new SqlLiteral(kind, op == "-" ? "-" + next.Text : next.Text, []);
            }

            Advance();
            return new SqlUnary(op, ParseUnary());
        }

        return ParsePrimary();
    }

    private SqlExpression ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case SqlTokenKind.Integer:
                Advance();
                return new SqlLiteral(SqlLiteralKind.Integer, token.Text, []);
            case SqlTokenKind.Decimal:
                Advance();
                return new SqlLiteral(SqlLiteralKind.Decimal, token.Text, []);
            case SqlTokenKind.Float:
                Advance();
                return new SqlLiteral(SqlLiteralKind.Float, token.Text, []);
            case SqlTokenKind.String:
                Advance();
                return new SqlLiteral(SqlLiteralKind.String, token.Text, []);
            case SqlTokenKind.Hex:
                Advance();
                return new SqlLiteral(SqlLiteralKind.Hex, token.Text, token.Bytes);
        }

        if (token.IsSymbol("("))
        {
            Advance();
            if (Current.IsKeyword("select"))
            {
                throw VStreamFilterException.Unsupported(SkipParenthesised(null, null));
            }

            var first = ParseOr();
            if (Accept(")"))
            {
                return first;
            }

            var items = new List<SqlExpression> { first };
            while (Accept(","))
            {
                items.Add(ParseOr());
            }

            Expect(")");
            return new SqlTuple(items);
        }

        if (token.IsKeyword("null"))
        {
            Advance();
            return new SqlLiteral(SqlLiteralKind.Null, "null", []);
        }

        if (token.IsKeyword("true") || token.IsKeyword("false"))
        {
            Advance();
            return new SqlLiteral(token.IsKeyword("true") ? SqlLiteralKind.True : SqlLiteralKind.False, token.Text.ToLowerInvariant(), []);
        }

        if (token.Kind == SqlTokenKind.Word && Peek().IsSymbol("("))
        {
            return ParseFunctionCall();
        }

        if (IsIdentifierToken(token))
        {
            var parts = new List<string> { ParseIdentifier() };
            while (Current.IsSymbol(".") && IsIdentifierToken(Peek()))
            {
                Advance();
                parts.Add(ParseIdentifier());
            }

            if (parts.Count > 3)
            {
                throw SyntaxErrorAtCurrent();
            }

            return new SqlColumn(parts.Take(parts.Count - 1).ToArray(), parts[^1]);
        }

        throw SyntaxErrorAtCurrent();
    }

    private SqlExpression ParseFunctionCall()
    {
        var name = Current.Text;
        Advance();
        Expect("(");
        if (string.Equals(name, "convert", StringComparison.OrdinalIgnoreCase))
        {
            var operand = ParseOr();
            if (AcceptKeyword("using"))
            {
                if (Current.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.String))
                {
                    throw SyntaxErrorAtCurrent();
                }

                var charset = Current.Text;
                Advance();
                Expect(")");
                return new SqlConvertUsing(operand, charset);
            }

            // convert(expr, type): keep the type as written; the plan builder rejects it anyway.
            Expect(",");
            var start = Current.Start;
            var depth = 0;
            while (Current.Kind != SqlTokenKind.EndOfInput && (depth > 0 || !Current.IsSymbol(")")))
            {
                depth += Current.IsSymbol("(") ? 1 : Current.IsSymbol(")") ? -1 : 0;
                Advance();
            }

            var type = _sql[start..Current.Start].Trim().ToLowerInvariant();
            Expect(")");
            return new SqlFunctionCall(name, [operand, new SqlRaw(type)]);
        }

        if (Accept(")"))
        {
            return new SqlFunctionCall(name, []);
        }

        if (Current.IsSymbol("*") && Peek().IsSymbol(")"))
        {
            Advance();
            Advance();
            return new SqlFunctionCall(name, [], Star: true);
        }

        if (Current.IsKeyword("distinct"))
        {
            Advance();
        }

        var arguments = new List<SqlExpression> { ParseOr() };
        while (Accept(","))
        {
            arguments.Add(ParseOr());
        }

        Expect(")");
        return new SqlFunctionCall(name, arguments);
    }

    private string ParseIdentifier()
    {
        var token = Current;
        if (!IsIdentifierToken(token))
        {
            throw SyntaxErrorAtCurrent();
        }

        Advance();
        return token.Text;
    }

    private static bool IsIdentifierToken(SqlToken token) =>
        token.Kind == SqlTokenKind.QuotedIdentifier || (token.Kind == SqlTokenKind.Word && !SqlKeywords.IsReserved(token.Text));

    /// <summary>Skips to the matching ')' and returns the construct as written, for an "unsupported" message.</summary>
    private string SkipParenthesised(SqlExpression? left, string? op)
    {
        var openIndex = _position - 1;
        while (_tokens[openIndex].Kind != SqlTokenKind.Symbol || _tokens[openIndex].Text != "(")
        {
            openIndex--;
        }

        var start = _tokens[openIndex].Start;
        var depth = 1;
        while (depth > 0)
        {
            if (Current.Kind == SqlTokenKind.EndOfInput)
            {
                throw SyntaxErrorAtCurrent();
            }

            depth += Current.IsSymbol("(") ? 1 : Current.IsSymbol(")") ? -1 : 0;
            Advance();
        }

        var text = CollapseWhitespace(_sql[start.._tokens[_position - 1].End]);
        return left is null ? text : $"{left} {op} {text}";
    }

    private bool Accept(string symbol)
    {
        if (Current.IsSymbol(symbol))
        {
            Advance();
            return true;
        }

        return false;
    }

    private bool AcceptKeyword(string keyword)
    {
        if (Current.IsKeyword(keyword))
        {
            Advance();
            return true;
        }

        return false;
    }

    private void Expect(string symbol)
    {
        if (!Accept(symbol))
        {
            throw SyntaxErrorAtCurrent();
        }
    }

    private void Advance()
    {
        if (_position < _tokens.Count - 1)
        {
            _position++;
        }
    }

    private VStreamFilterException SyntaxErrorAtCurrent()
    {
        var token = Current;
        return token.Kind == SqlTokenKind.EndOfInput
            ? SqlTokenizer.SyntaxError(_sql.Length + 1, null)
            : SqlTokenizer.SyntaxError(token.End + 1, _sql[token.Start..token.End]);
    }

    /// <summary>The statement as written, whitespace collapsed and a trailing ';' removed.</summary>
    private string StatementText() => CollapseWhitespace(_sql).TrimEnd(';', ' ');

    private static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
