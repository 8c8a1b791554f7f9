using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// A filter rule applied to copied rows: which columns go out (in output order) and which rows pass. Rows are read
/// whole and filtered here with the same plan semantics as the streaming phase, so both phases agree.
/// </summary>
/// <param name="Columns">
/// The output columns in order: table column indexes, or <see cref="OutputColumns.KeyspaceId"/> /
/// <see cref="OutputColumns.LiteralOne"/>.
/// </param>
/// <param name="Predicate">Row filter over the rows' text values (as selected), or null when every row passes.</param>
/// <param name="KeyspaceId">Computes a row's keyspace id when <paramref name="Columns"/> has a <c>keyspace_id()</c> column; else null.</param>
/// <param name="SelectExpressions">
/// Table column index → the SQL the copy query selects instead of the plain column (<c>convert(`c` using utf8mb4)</c>,
/// <c>convert_tz(`c`, 'UTC', '+01:00')</c>), as Vitess's row streamer does; empty when none.
/// </param>
internal sealed record CopyRowPlan(
    int[] Columns,
    Func<IRowValues, bool>? Predicate,
    Func<IRowValues, byte[]>? KeyspaceId = null,
    IReadOnlyDictionary<int, string>? SelectExpressions = null);
