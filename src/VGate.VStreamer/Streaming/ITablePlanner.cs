using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.Rows;

namespace VGate.VStreamer.Streaming;

/// <summary>Resolves the filter rules for a table of the streamed database.</summary>
internal interface ITablePlanner
{
    /// <summary>
    /// The plan for <paramref name="table"/> as described by <paramref name="tableMap"/>, or null when no rule
    /// matches (its rows are not streamed). Throws <see cref="VStreamException"/> for a rule that cannot apply.
    /// </summary>
    StreamTablePlan? Plan(string table, TableMapEvent tableMap);

    /// <summary>
    /// The plan for copying <paramref name="table"/> (columns and rows to send), or null when no rule matches.
    /// Copy-phase rules also accept an exact rule with an empty or key-range filter (vstream-spec §2.7).
    /// </summary>
    CopyRowPlan? PlanCopy(string table, IReadOnlyList<ColumnInfo> columns, IReadOnlyList<int> primaryKey);

    /// <summary>True when a DDL on <paramref name="table"/> should be streamed as DDL (some rule matches its name).</summary>
    bool Matches(string table);
}
