using VGate.VStreamer.Filtering;
using VGate.VStreamer.Filtering.Sql;

namespace VGate.VStreamer.Tests.Filtering;

/// <summary>The tokenizer and parser, checked through the Vitess-style rendering of what they produce.</summary>
public sealed class SqlParserTests
{
    [Theory]
    [InlineData("a=1 AND b<>2", "a = 1 and b != 2")]
    [InlineData("(a = 1 or b = 2) and c = 3", "(a = 1 or b = 2) and c = 3")]
    [InlineData("a = 1 or b = 2 and c = 3", "a = 1 or b = 2 and c = 3")]
    [InlineData("NOT a IN (1,2)", "not a in (1, 2)")]
    [InlineData("a not in (1)", "a not in (1)")]
    [InlineData("a IS NOT NULL", "a is not null")]
    [InlineData("a is Null", "a is null")]
    [InlineData("x BETWEEN 1 AND 2", "x between 1 and 2")]
    [InlineData("x NOT BETWEEN -1 AND 2.5", "x not between -1 and 2.5")]
    [InlineData("-5", "-5")]
    [InlineData("+5", "5")]
    [InlineData("- col", "-col")]
    [InlineData("0x1F", "0x1F")]
    [InlineData("X'1f'", "X'1f'")]
    [InlineData("'a''b'", "'a\\'b'")]
    [InlineData("'a\\nb\\%'", "'a\\nb\\\\%'")]
    [InlineData("`weird``name`", "`weird``name`")]
    [InlineData("`select`", "`select`")]
    [InlineData("`plain`", "plain")]
    [InlineData("1.5e-3", "1.5e-3")]
    [InlineData(".5", ".5")]
    [InlineData("f(a, b)", "f(a, b)")]
    [InlineData("COUNT(*)", "count(*)")]
    [InlineData("convert(a USING utf8mb4)", "convert(a using utf8mb4)")]
    [InlineData("a - -1", "a - -1")]
    [InlineData("a * (b + c)", "a * (b + c)")]
    [InlineData("db.t.c", "db.t.c")]
    [InlineData("a like 'x%'", "a like 'x%'")]
    [InlineData("a <=> null", "a <=> null")]
    [InlineData("a = TRUE", "a = true")]
    public void ParseExpression_RendersLikeVitess(string sql, string expected)
    {
        Assert.Equal(expected, SqlParser.ParseExpression(sql).ToString());
    }

    [Fact]
    public void ParseSelect_DebeziumFilter()
    {
        var select = SqlParser.ParseSelect("select * from `my table`");

        Assert.Equal("my table", select.Table);
        Assert.True(select.Items.Single().IsStar);
        Assert.Null(select.Where);
    }

    [Fact]
    public void ParseSelect_StringEscapes()
    {
        var select = SqlParser.ParseSelect("select * from t where a = 'x\\'y''z\\\\\\0'");
        var literal = Assert.IsType<SqlLiteral>(Assert.IsType<SqlComparison>(select.Where).Right);

        Assert.Equal("x'y'z\\\0", literal.Text);
    }

    [Fact]
    public void ParseSelect_HexLiterals_DecodeBytes()
    {
        var select = SqlParser.ParseSelect("select * from t where a = 0x0aFF and b = x'00ff' and c = 0xabc");
        var literals = Flatten(select.Where!).OfType<SqlComparison>().Select(c => Assert.IsType<SqlLiteral>(c.Right).HexBytes).ToArray();

        Assert.Equal([new byte[] { 0x0a, 0xff }, [0x00, 0xff], [0x0a, 0xbc]], literals);
    }

    [Theory]
    [InlineData("select * from t where a = x'1'", "syntax error at position")]
    [InlineData("select * from t where a = 1abc", "syntax error at position")]
    [InlineData("select * from t where a = 'open", "syntax error at position")]
    [InlineData("select * from t where a = `open", "syntax error at position")]
    [InlineData("select * from t /* open", "syntax error at position")]
    [InlineData("select * from t where a = {1}", "syntax error at position 27 near '{'")]
    [InlineData("select * from t where a is", "syntax error at position 27")]
    [InlineData("select * from t where a not 1", "syntax error at position 28 near 'not'")]
    [InlineData("select * from t where a between 1", "syntax error at position 34")]
    [InlineData("select * from t where a in 1", "syntax error at position 29 near '1'")]
    [InlineData("select * from t t2 t3", "syntax error at position 22 near 't3'")]
    public void Parse_Malformed_ThrowsSyntaxError(string sql, string expectedPrefix)
    {
        var error = Assert.Throws<VStreamFilterException>(() => SqlParser.ParseSelect(sql));

        Assert.StartsWith(expectedPrefix, error.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<SqlExpression> Flatten(SqlExpression expression) => expression is SqlLogical logical
        ? Flatten(logical.Left).Concat(Flatten(logical.Right))
        : [expression];
}
