using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>A unary operator other than on a number literal (<c>-col</c>, <c>~x</c>, <c>!x</c>); never accepted by the plan builder.</summary>
internal sealed record SqlUnary(string Operator, SqlExpression Operand) : SqlExpression
{
    public override int Precedence => SqlPrecedence.Unary;

    public override void Render(StringBuilder builder)
    {
        builder.Append(Operator);
        RenderChild(builder, Operand, Precedence);
    }
}
