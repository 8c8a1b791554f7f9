using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>
/// A binary comparison: <c>= != &lt; &lt;= &gt; &gt;= &lt;=&gt;</c>, <c>[not] in</c>, <c>[not] like</c>, <c>[not] regexp</c>.
/// </summary>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand (a <see cref="SqlTuple"/> for IN).</param>
/// <param name="Operator">The operator in lower case; <c>&lt;&gt;</c> is normalised to <c>!=</c>.</param>
internal sealed record SqlComparison(string Operator, SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override int Precedence => SqlPrecedence.Predicate;

    public override void Render(StringBuilder builder)
    {
        RenderChild(builder, Left, Precedence + 1);
        builder.Append(' ').Append(Operator).Append(' ');
        RenderChild(builder, Right, Precedence + 1);
    }
}
