using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>A parenthesised list <c>(a, b, …)</c> of two or more expressions, or the right side of IN.</summary>
internal sealed record SqlTuple(IReadOnlyList<SqlExpression> Items) : SqlExpression
{
    public override void Render(StringBuilder builder)
    {
        builder.Append('(');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Items[i].Render(builder);
        }

        builder.Append(')');
    }
}
