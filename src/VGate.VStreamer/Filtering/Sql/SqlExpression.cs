using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>
/// An expression of a filter statement. The parser accepts more than the plan builder supports so that the
/// plan builder can name the unsupported part; <see cref="ToString"/> renders it the way Vitess's
/// <c>sqlparser.String</c> does (lower-case keywords, single spaces, <c>&lt;&gt;</c> as <c>!=</c>).
/// </summary>
internal abstract record SqlExpression
{
    /// <summary>Binding strength, used to decide where the rendering needs parentheses.</summary>
    public virtual int Precedence => 100;

    public abstract void Render(StringBuilder builder);

    public sealed override string ToString()
    {
        var builder = new StringBuilder();
        Render(builder);
        return builder.ToString();
    }

    /// <summary>Renders <paramref name="child"/>, in parentheses when it binds less tightly than <paramref name="parentPrecedence"/>.</summary>
    protected static void RenderChild(StringBuilder builder, SqlExpression child, int parentPrecedence)
    {
        if (child.Precedence < parentPrecedence)
        {
            builder.Append('(');
            child.Render(builder);
            builder.Append(')');
        }
        else
        {
            child.Render(builder);
        }
    }
}
