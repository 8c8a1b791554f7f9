using Binlogdata;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.Streaming;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// Which tables the copy phase copies, in which order, and where each resumes (vstream-spec §2.6):
/// <list type="table">
/// <item><term>no position, no table_p_ks</term><description>every matching table, from scratch</description></item>
/// <item><term>no position, table_p_ks</term><description>every matching table; listed ones resume after their lastpk</description></item>
/// <item><term>position, table_p_ks</term><description>the listed tables, each after its lastpk (without one: from scratch),
/// and, from scratch, every table that sorts after the last listed one: tables are copied in name order, so those had
/// not started (Vitess's uvstreamer copies every table it does not find listed; VTGate drops a table from the list once
/// it is completed, so the tables before the last listed one are done)</description></item>
/// </list>
/// Matching: the table is not a Vitess internal table (<see cref="InternalTableNames"/>), a filter rule matches it (never
/// <c>dual</c>) and, when <c>tables_to_copy</c> is set, it names the
/// table. Tables are sorted by name (ordinal).
/// </summary>
internal static class CopyTableSelection
{
    /// <param name="tables">Base tables of the database, sorted.</param>
    /// <param name="filter">The request's filter (checked: a non-regex rule must name an existing table).</param>
    /// <param name="planner">Decides which tables the rules match.</param>
    /// <param name="tablesToCopy">The tables_to_copy flag, or empty.</param>
    /// <param name="tablePKs">The table_p_ks of the request.</param>
    /// <param name="hasPosition">True when the request carries a position (resume).</param>
    public static IReadOnlyList<CopyTableRequest> Select(
        IReadOnlyList<string> tables,
        Filter? filter,
        ITablePlanner planner,
        IReadOnlyList<string> tablesToCopy,
        IReadOnlyList<TableLastPK> tablePKs,
        bool hasPosition)
    {
        var existing = new HashSet<string>(tables, StringComparer.Ordinal);
        foreach (var rule in filter?.Rules ?? [])
        {
            if (!rule.Match.StartsWith('/') && !existing.Contains(rule.Match))
                throw VStreamException.InvalidArgument($"table {rule.Match} is not present in the database");
        }
        var lastPks = new Dictionary<string, Query.QueryResult?>(StringComparer.Ordinal);
        foreach (var tablePk in tablePKs)
        {
            if (!existing.Contains(tablePk.TableName))
                throw VStreamException.InvalidArgument($"table {tablePk.TableName} of table_p_ks is not present in the database");
            lastPks[tablePk.TableName] = tablePk.Lastpk;
        }

        var lastListed = lastPks.Keys.Max(StringComparer.Ordinal);
        var selected = new List<CopyTableRequest>();
        foreach (var table in tables)
        {
            // Online DDL and table GC tables are not streamed (InternalTableNames), so they are not copied either.
            if (InternalTableNames.IsInternalOperationTable(table) || !planner.Matches(table))
                continue;
            if (tablesToCopy.Count > 0 && !tablesToCopy.Contains(table, StringComparer.Ordinal))
                continue;
            var listed = lastPks.TryGetValue(table, out var lastpk);
            if (hasPosition && !listed && (lastListed is null || StringComparer.Ordinal.Compare(table, lastListed) < 0))
                continue;
            selected.Add(new CopyTableRequest(table, lastpk));
        }
        return selected;
    }
}
