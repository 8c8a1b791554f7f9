using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>Arithmetic and bit operators (<c>+ - * / % div mod &amp; | ^ &lt;&lt; &gt;&gt;</c>); never accepted by the plan builder.</summary>
internal sealed record SqlArithmetic(string Operator, SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override int Precedence => Operator is "+" or "-" ? SqlPrecedence.Additive : SqlPrecedence.Multiplicative;

    public override void Render(StringBuilder builder)
    {
        RenderChild(builder, Left, Precedence);
        builder.Append(' ').Append(Operator).Append(' ');
        RenderChild(builder, Right, Precedence + 1);
    }
}
