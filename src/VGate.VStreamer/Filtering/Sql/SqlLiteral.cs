using System.Text;

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
    /// Quotes a string with MySQL backslash escapes (as Vitess does; the receiving session must not run with
    /// NO_BACKSLASH_ESCAPES).
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
