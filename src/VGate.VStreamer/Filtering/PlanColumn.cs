namespace VGate.VStreamer.Filtering;

/// <summary>One column of the stream for a table, in select order.</summary>
/// <param name="Kind">What the column holds.</param>
/// <param name="ColumnIndex">For <see cref="PlanColumnKind.Column"/>, the index into the table's columns; otherwise -1.</param>
/// <param name="Name">
/// The Field name: the table column's own name (aliases are not applied, as in Vitess), <c>keyspace_id</c> or <c>1</c>.
/// </param>
/// <param name="ConvertCharset">
/// Set for <c>convert(col using cs)</c> to the character set written; the copy query converts the column to utf8mb4
/// whatever it is, as Vitess does (see <see cref="TablePlan.CopySelectExpression"/>).
/// </param>
/// <param name="ConvertTimeZone">
/// Set for <c>convert_tz(…) as col</c>: the call as SQL (columns quoted), which the copy query selects as the column.
/// </param>
public sealed record PlanColumn(
    PlanColumnKind Kind,
    int ColumnIndex,
    string Name,
    string? ConvertCharset = null,
    string? ConvertTimeZone = null);
