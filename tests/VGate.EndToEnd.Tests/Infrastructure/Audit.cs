using System.Globalization;
using System.Text;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>Compares what the client received with what the writers committed and with the tables themselves.</summary>
internal static class Audit
{
    /// <summary>
    /// Asserts that the streamed units of <paramref name="shard"/> are exactly the shard's transactions after
    /// <paramref name="fromSequence"/> up to <paramref name="toSequence"/>: one each, in GTID order, and each with
    /// exactly the row changes its writer made (before and after images), in statement order.
    /// </summary>
    public static void StreamMatchesCommitted(IEnumerable<StreamedTransaction> streamed, IReadOnlyList<CommittedTransaction> committed, string shard, long fromSequence, long toSequence)
    {
        var received = streamed.Where(t => t.Shard == shard && !t.Copy).ToList();
        var sequences = received.Select(t => t.Sequence ?? -1).ToList();
        var expected = Enumerable.Range(0, checked((int)(toSequence - fromSequence))).Select(i => fromSequence + 1 + i).ToList();
        if (!sequences.SequenceEqual(expected))
        {
            throw new Xunit.Sdk.XunitException(
                $"{shard}: received GTID sequence numbers {Ranges(sequences)} but the shard's binlog holds {Ranges(expected)} after {fromSequence}" +
                $" (missing: {Ranges(expected.Except(sequences).ToList())}; duplicated: {Ranges(sequences.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList())})");
        }

        var bySequence = committed.Where(c => c.Shard == shard).ToDictionary(c => c.Sequence);
        foreach (var unit in received)
        {
            if (!bySequence.TryGetValue(unit.Sequence!.Value, out var transaction))
                throw new Xunit.Sdk.XunitException($"{shard}: transaction {unit.Position} was not written by the test's writers");
            var want = transaction.Ops.Select(op => Show(op.Before?.Cells, op.After?.Cells)).ToList();
            var got = unit.Changes.Select(c => Show(c.Before, c.After)).ToList();
            if (!want.SequenceEqual(got))
            {
                throw new Xunit.Sdk.XunitException(
                    $"{shard}: transaction {unit.Position} (writer {transaction.Writer}) should have changed\n  {string.Join("\n  ", want)}\nbut the stream carried\n  {string.Join("\n  ", got)}");
            }
        }
    }

    /// <summary>Applies row changes to a per-shard copy of table <c>t</c> (an upsert for an after image, a delete for a before-only change).</summary>
    public static void Apply(SortedDictionary<long, string?[]> table, IEnumerable<RowChangeText> changes)
    {
        foreach (var change in changes)
        {
            if (change.After is { } after)
                table[long.Parse(after[0]!, CultureInfo.InvariantCulture)] = after;
            else if (change.Before is { } before)
                table.Remove(long.Parse(before[0]!, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Asserts that <paramref name="replayed"/> has exactly the rows <paramref name="actual"/> has, cell for cell.</summary>
    public static void TablesEqual(string shard, SortedDictionary<long, string?[]> actual, SortedDictionary<long, string?[]> replayed)
    {
        var problems = new StringBuilder();
        foreach (var (id, row) in actual)
        {
            if (!replayed.TryGetValue(id, out var mine))
                problems.AppendLine(CultureInfo.InvariantCulture, $"  id {id}: in the table {Rows.Show(row)}, missing from the replay");
            else if (!row.SequenceEqual(mine))
                problems.AppendLine(CultureInfo.InvariantCulture, $"  id {id}: table {Rows.Show(row)}, replay {Rows.Show(mine)}");
        }
        foreach (var id in replayed.Keys.Where(id => !actual.ContainsKey(id)))
            problems.AppendLine(CultureInfo.InvariantCulture, $"  id {id}: in the replay {Rows.Show(replayed[id])}, not in the table");
        if (problems.Length > 0)
            throw new Xunit.Sdk.XunitException($"{shard}: replaying the streamed row events does not give the table's contents ({actual.Count} rows in the table, {replayed.Count} replayed):\n{problems}");
    }

    private static string Show(string?[]? before, string?[]? after) => $"{Rows.Show(before)} -> {Rows.Show(after)}";

    /// <summary>Numbers as compact ranges: 1-5,7,9-10.</summary>
    public static string Ranges(IReadOnlyList<long> numbers)
    {
        if (numbers.Count == 0)
            return "(none)";
        var parts = new List<string>();
        var start = numbers[0];
        var previous = start;
        foreach (var n in numbers.Skip(1).Append(long.MinValue))
        {
            if (n == previous + 1)
            {
                previous = n;
                continue;
            }
            parts.Add(start == previous ? start.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{start}-{previous}"));
            start = previous = n;
        }
        return string.Join(",", parts);
    }
}
