namespace VGate.VStreamer.Filtering.Sql;

/// <summary>One entry of the select list.</summary>
/// <param name="Expression">The expression; null for a star.</param>
/// <param name="Alias">The alias after [AS], unquoted; null when absent.</param>
/// <param name="StarQualifier">For <c>t.*</c>, the qualifier; null otherwise.</param>
internal sealed record SqlSelectItem(SqlExpression? Expression, string? Alias, string? StarQualifier = null)
{
    public bool IsStar => Expression is null;

    public override string ToString()
    {
        if (Expression is null)
        {
            return StarQualifier is null ? "*" : SqlKeywords.RenderIdentifier(StarQualifier) + ".*";
        }

        var text = Expression.ToString();
        return Alias is null ? text : text + " as " + SqlKeywords.RenderIdentifier(Alias);
    }
}
