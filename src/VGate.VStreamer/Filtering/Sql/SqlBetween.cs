using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary><c>expr [not] between low and high</c>.</summary>
internal sealed record SqlBetween(SqlExpression Operand, SqlExpression Low, SqlExpression High, bool Negated) : SqlExpression
{
    public override int Precedence => SqlPrecedence.Predicate;

    public override void Render(StringBuilder builder)
    {
        RenderChild(builder, Operand, Precedence + 1);
        builder.Append(Negated ? " not between " : " between ");
        RenderChild(builder, Low, Precedence + 1);
        builder.Append(" and ");
        RenderChild(builder, High, Precedence + 1);
    }
}
