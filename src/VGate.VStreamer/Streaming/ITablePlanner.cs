using VGate.MySql.Binlog.Events;

namespace VGate.VStreamer.Streaming;

/// <summary>Resolves the filter rules for a table of the streamed database.</summary>
internal interface ITablePlanner
{
    /// <summary>
    /// The plan for <paramref name="table"/> as described by <paramref name="tableMap"/>, or null when no rule
    /// matches (its rows are not streamed). Throws <see cref="VStreamException"/> for a rule that cannot apply.
    /// </summary>
    StreamTablePlan? Plan(string table, TableMapEvent tableMap);

    /// <summary>True when a DDL on <paramref name="table"/> should be streamed as DDL (some rule matches its name).</summary>
    bool Matches(string table);
}
