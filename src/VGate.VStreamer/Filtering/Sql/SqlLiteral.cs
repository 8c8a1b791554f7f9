using System.Text;
using VGate.MySql.Protocol;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>A literal value.</summary>
/// <param name="Kind">The literal kind.</param>
/// <param name="Text">Numbers: the digits as written, with a leading '-' when negative. Strings: the unescaped value. Hex: as written.</param>
/// <param name="HexBytes">The value of a hex literal; empty otherwise.</param>
internal sealed record SqlLiteral(SqlLiteralKind Kind, string Text, byte[] HexBytes) : SqlExpression
{
    public bool IsNumeric => Kind is SqlLiteralKind.Integer or SqlLiteralKind.Decimal or SqlLiteralKind.Float;

    /// <summary>The value's bytes as MySQL would compare them as a string: UTF-8 text, or the hex bytes.</summary>
    public byte[] ValueBytes => Kind == SqlLiteralKind.Hex ? HexBytes : Encoding.UTF8.GetBytes(Text);

    public override void Render(StringBuilder builder)
    {
        switch (Kind)
        {
            case SqlLiteralKind.String:
                AppendQuoted(builder, Text);
                break;
            case SqlLiteralKind.Null:
                builder.Append("null");
                break;
            case SqlLiteralKind.True:
                builder.Append("true");
                break;
            case SqlLiteralKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append(Text);
                break;
        }
    }

    /// <summary>
    /// The literal as SQL for the source: strings through <see cref="SqlSession.QuoteString"/> (hex with a
    /// <c>_utf8mb4</c> introducer unless plainly safe), hex literals as <c>X'…'</c> of their bytes, numbers and keywords as
    /// the tokenizer checked them. <see cref="Render"/>'s backslash-escaped form is for messages and for this parser
    /// only: a source running with <c>NO_BACKSLASH_ESCAPES</c> would read <c>\'</c> as the end of the string.
    /// </summary>
    public string ToServerSql() => Kind switch
    {
        SqlLiteralKind.String => SqlSession.QuoteString(Text),
        SqlLiteralKind.Hex => SqlSession.QuoteBytes(HexBytes),
        _ => ToString(),
    };

    /// <summary>
    /// Quotes a string with MySQL backslash escapes, as Vitess renders it: for messages and for text this parser reads
    /// back, never for SQL sent to a source (see <see cref="ToServerSql"/>).
    /// </summary>
    public static void AppendQuoted(StringBuilder builder, string value)
    {
        builder.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\0':
                    builder.Append("\\0");
                    break;
                case '\'':
                    builder.Append("\\'");
                    break;
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\u001A':
                    builder.Append("\\Z");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('\'');
    }
}
