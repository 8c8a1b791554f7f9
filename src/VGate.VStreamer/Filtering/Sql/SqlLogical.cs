using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary><c>a and b</c>, <c>a or b</c>, <c>a xor b</c>.</summary>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
/// <param name="Operator">"and", "or" or "xor".</param>
internal sealed record SqlLogical(string Operator, SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override int Precedence => Operator switch
    {
        "or" => SqlPrecedence.Or,
        "xor" => SqlPrecedence.Xor,
        _ => SqlPrecedence.And,
    };

    public override void Render(StringBuilder builder)
    {
        RenderChild(builder, Left, Precedence);
        builder.Append(' ').Append(Operator).Append(' ');
        RenderChild(builder, Right, Precedence + 1);
    }
}
