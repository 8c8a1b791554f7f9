using System.Text;
using VGate.VStreamer.Filtering.Sql;

namespace VGate.VStreamer.Filtering;

/// <summary>
/// What to stream for one table: which columns, which rows (WHERE terms and key ranges), and the copy-phase query.
/// Immutable and thread-safe; build it with <see cref="TablePlanBuilder"/>.
/// </summary>
/// <remarks>
/// Row images are given in table column order as MySQL text (<see cref="IRowValues"/>). Comparison rules are in
/// <see cref="ColumnKind"/>: numbers exactly, DATE/DATETIME/TIMESTAMP chronologically (equivalent to comparing
/// their canonical fixed-width text, a literal such as '2024-1-2' normalised first), TIME as a duration, text with an
/// ASCII case fold standing in for MySQL's default <c>_ci</c> collations, binary as raw bytes. NULL satisfies only
/// <c>is null</c>.
/// </remarks>
public sealed class TablePlan
{
    private readonly ColumnKind[] _vindexKinds;

    internal TablePlan(
        TableSchema table,
        FilterRule rule,
        IReadOnlyList<PlanColumn> columns,
        IReadOnlyList<RowPredicate> predicates,
        IReadOnlyList<KeyRangeFilter> keyRanges,
        IKeyspaceIdFunction? primaryVindex,
        IReadOnlyList<int> primaryVindexColumns)
    {
        Table = table;
        Rule = rule;
        Columns = columns;
        Predicates = predicates;
        KeyRanges = keyRanges;
        PrimaryVindex = primaryVindex;
        PrimaryVindexColumns = primaryVindexColumns;
        _vindexKinds = primaryVindexColumns.Select(c => table.Columns[c].Kind).ToArray();
        ColumnIndexes = columns.Select(c => c.ColumnIndex).ToArray();
        PushdownCondition = predicates.Count == 0 ? null : string.Join(" and ", predicates.Select(p => p.Sql));
    }

    /// <summary>The table.</summary>
    public TableSchema Table { get; }

    /// <summary>The rule that matched (the first that did).</summary>
    public FilterRule Rule { get; }

    /// <summary>The streamed columns in select order; for <c>*</c> every table column in table order.</summary>
    public IReadOnlyList<PlanColumn> Columns { get; }

    /// <summary><see cref="PlanColumn.ColumnIndex"/> of each streamed column (-1 for <c>keyspace_id()</c> and <c>1</c>).</summary>
    public IReadOnlyList<int> ColumnIndexes { get; }

    /// <summary>The WHERE terms other than <c>in_keyrange</c>, ANDed, in the order written.</summary>
    public IReadOnlyList<RowPredicate> Predicates { get; }

    /// <summary>The key-range tests (<c>in_keyrange</c> terms, or a regex rule's key-range filter), ANDed.</summary>
    public IReadOnlyList<KeyRangeFilter> KeyRanges { get; }

    /// <summary>
    /// True when the plan tests key ranges: then only the row images that pass are sent (an UPDATE moving a row out of
    /// the range arrives as a delete); otherwise both images are sent when either passes.
    /// </summary>
    public bool HasKeyRangeFilter => KeyRanges.Count > 0;

    /// <summary>The primary vindex, when the plan streams <c>keyspace_id()</c>; null otherwise.</summary>
    public IKeyspaceIdFunction? PrimaryVindex { get; }

    /// <summary>The primary vindex's input columns (indexes into the table's columns); empty when <see cref="PrimaryVindex"/> is null.</summary>
    public IReadOnlyList<int> PrimaryVindexColumns { get; }

    /// <summary>The WHERE terms as SQL (<c>`a` = 1 and `b` in ('x', 'y')</c>), or null when there are none.</summary>
    public string? PushdownCondition { get; }

    /// <summary>The copy-phase query: every table column, the pushed-down terms, ordered by primary key.</summary>
    public string CopyQuery => BuildCopyQuery(null);

    /// <summary>True when the row image passes every WHERE term and key range.</summary>
    /// <exception cref="VStreamFilterException">A vindex can't map the row.</exception>
    public bool Matches(IRowValues row)
    {
        ArgumentNullException.ThrowIfNull(row);
        foreach (var predicate in Predicates)
        {
            if (!predicate.Matches(row))
            {
                return false;
            }
        }

        foreach (var keyRange in KeyRanges)
        {
            if (!keyRange.Matches(row))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The row's keyspace id for a <c>keyspace_id()</c> column.</summary>
    /// <exception cref="InvalidOperationException">The plan has no <c>keyspace_id()</c> column.</exception>
    /// <exception cref="VStreamFilterException">The vindex can't map the row.</exception>
    public byte[] ComputeKeyspaceId(IRowValues row)
    {
        if (PrimaryVindex is null)
        {
            throw new InvalidOperationException("The plan does not select keyspace_id().");
        }

        return KeyRangeFilter.MapRow(PrimaryVindex, PrimaryVindexColumns, _vindexKinds, row);
    }

    /// <summary>
    /// The expression the copy query selects for table column <paramref name="columnIndex"/> instead of the plain
    /// column, or null: <c>convert_tz(`c`, from, to)</c> as written for a <c>convert_tz(…) as c</c> item, and
    /// <c>convert(`c` using utf8mb4)</c> for a <c>convert(c using …)</c> item — always utf8mb4, whatever character set
    /// the rule names, as Vitess's row streamer does. The binlog phase sends the column's value as stored (Vitess
    /// applies neither function to binlog rows).
    /// </summary>
    public string? CopySelectExpression(int columnIndex)
    {
        string? convertTz = null;
        var convert = false;
        foreach (var column in Columns)
        {
            if (column.ColumnIndex != columnIndex)
            {
                continue;
            }

            convertTz ??= column.ConvertTimeZone;
            convert |= column.ConvertCharset is not null;
        }

        return convertTz ?? (convert ? "convert(" + SqlKeywords.Quote(Table.Columns[columnIndex].Name) + " using utf8mb4)" : null);
    }

    /// <summary>
    /// Builds the copy-phase SELECT: <c>select `a`, `b` from `t` where &lt;pushdown&gt; and (&lt;extra&gt;) order by `pk`</c>.
    /// Every table column is selected, in table order, so rows can be filtered and projected like binlog rows;
    /// <c>convert(… using cs)</c> and <c>convert_tz(…)</c> columns are selected through their function.
    /// </summary>
    /// <param name="additionalCondition">A further condition ANDed in parentheses, e.g. the lastpk bound; null for none.</param>
    public string BuildCopyQuery(string? additionalCondition)
    {
        var builder = new StringBuilder("select ");
        for (var i = 0; i < Table.Columns.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            var name = SqlKeywords.Quote(Table.Columns[i].Name);
            if (CopySelectExpression(i) is { } expression)
            {
                builder.Append(expression).Append(" as ").Append(name);
            }
            else
            {
                builder.Append(name);
            }
        }

        builder.Append(" from ").Append(SqlKeywords.Quote(Table.Name));
        var conditions = new List<string>();
        if (PushdownCondition is not null)
        {
            conditions.Add(PushdownCondition);
        }

        if (!string.IsNullOrWhiteSpace(additionalCondition))
        {
            conditions.Add("(" + additionalCondition + ")");
        }

        if (conditions.Count > 0)
        {
            builder.Append(" where ").Append(string.Join(" and ", conditions));
        }

        var orderBy = Table.PrimaryKey.Count > 0 ? Table.PrimaryKey : Table.Columns.Select(c => c.Name).ToArray();
        builder.Append(" order by ").Append(string.Join(", ", orderBy.Select(SqlKeywords.Quote)));
        return builder.ToString();
    }
}
