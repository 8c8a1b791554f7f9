namespace VGate.VStreamer.Filtering.Sql;

/// <summary>A parsed <c>select items from table [where condition]</c>.</summary>
/// <param name="Items">The select list, in order.</param>
/// <param name="Table">The FROM table name, unquoted.</param>
/// <param name="Where">The WHERE condition, or null.</param>
internal sealed record SqlSelect(IReadOnlyList<SqlSelectItem> Items, string Table, SqlExpression? Where)
{
    /// <summary>The select list rendered as Vitess does (<c>*, id</c>).</summary>
    public string RenderItems() => string.Join(", ", Items.Select(item => item.ToString()));
}
