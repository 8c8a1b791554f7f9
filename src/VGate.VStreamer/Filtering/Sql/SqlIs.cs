using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary><c>expr is [not] null|true|false|unknown</c>.</summary>
/// <param name="Operand">The tested expression.</param>
/// <param name="Test">The test in lower case, e.g. "null" or "not null".</param>
internal sealed record SqlIs(SqlExpression Operand, string Test) : SqlExpression
{
    public override int Precedence => SqlPrecedence.Predicate;

    public override void Render(StringBuilder builder)
    {
        RenderChild(builder, Operand, Precedence + 1);
        builder.Append(" is ").Append(Test);
    }
}
