using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// A filter rule applied to copied rows: which table columns go out (in output order) and which rows pass. Rows are
/// read whole and filtered here with the same plan semantics as the streaming phase, so both phases agree.
/// </summary>
/// <param name="Columns">Table column indexes sent, in order.</param>
/// <param name="Predicate">Row filter over the rows' text values, or null when every row passes.</param>
internal sealed record CopyRowPlan(int[] Columns, Func<IRowValues, bool>? Predicate);
