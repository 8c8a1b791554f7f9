using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary><c>convert(expr using charset)</c>.</summary>
internal sealed record SqlConvertUsing(SqlExpression Operand, string Charset) : SqlExpression
{
    public override void Render(StringBuilder builder)
    {
        builder.Append("convert(");
        Operand.Render(builder);
        builder.Append(" using ").Append(Charset.ToLowerInvariant()).Append(')');
    }
}
