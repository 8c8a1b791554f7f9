using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>A function call <c>name(args)</c>; <c>count(*)</c> has <see cref="Star"/> set and no arguments.</summary>
internal sealed record SqlFunctionCall(string Name, IReadOnlyList<SqlExpression> Arguments, bool Star = false) : SqlExpression
{
    public override void Render(StringBuilder builder)
    {
        builder.Append(Name.ToLowerInvariant()).Append('(');
        if (Star)
        {
            builder.Append('*');
        }

        for (var i = 0; i < Arguments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Arguments[i].Render(builder);
        }

        builder.Append(')');
    }

    public bool IsNamed(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
}
