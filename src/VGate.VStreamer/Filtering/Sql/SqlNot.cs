using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary><c>not expr</c>.</summary>
internal sealed record SqlNot(SqlExpression Operand) : SqlExpression
{
    public override int Precedence => SqlPrecedence.Not;

    public override void Render(StringBuilder builder)
    {
        builder.Append("not ");
        RenderChild(builder, Operand, Precedence);
    }
}
