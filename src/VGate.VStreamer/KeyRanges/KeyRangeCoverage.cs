namespace VGate.VStreamer.KeyRanges;

/// <summary>Checks that a keyspace's shard key ranges cover every keyspace id exactly once.</summary>
public static class KeyRangeCoverage
{
    /// <summary>
    /// Returns the first gap or overlap, in keyspace order, among <paramref name="shards"/> (given in any order),
    /// or null when they tile the keyspace from the minimum to the maximum with no gap and no overlap.
    /// </summary>
    /// <remarks>Bounds compare without trailing zero bytes, so <c>-80</c> and <c>8000-</c> meet exactly.</remarks>
    public static KeyRangeCoverageIssue? FindFirstIssue(IEnumerable<KeyRange> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var sorted = shards.ToArray();
        Array.Sort(sorted);

        KeyRange? previous = null;
        foreach (var shard in sorted)
        {
            if (previous is not { } before)
            {
                if (!shard.IsStartUnbounded)
                    return Gap(new KeyRange([], shard.Start), null, shard);
            }
            else if (before.IsEndUnbounded)
            {
                return Overlap(before, shard);
            }
            else
            {
                var order = KeyspaceIds.Compare(shard.Start, before.End);
                if (order > 0)
                    return Gap(new KeyRange(before.End, shard.Start), before, shard);
                if (order < 0)
                    return Overlap(before, shard);
            }

            previous = shard;
        }

        if (previous is not { } last)
            return Gap(KeyRange.Full, null, null);
        return last.IsEndUnbounded ? null : Gap(new KeyRange(last.End, []), last, null);
    }

    /// <summary>True when <paramref name="shards"/> cover every keyspace id exactly once.</summary>
    public static bool IsComplete(IEnumerable<KeyRange> shards) => FindFirstIssue(shards) is null;

    private static KeyRangeCoverageIssue Gap(KeyRange range, KeyRange? before, KeyRange? after) =>
        new(KeyRangeCoverageIssueKind.Gap, range, before, after);

    // Sorted by start, so the later shard starts inside the earlier one; they share [later.Start, min(ends)).
    private static KeyRangeCoverageIssue Overlap(KeyRange earlier, KeyRange later)
    {
        var end = KeyRange.CompareEnds(earlier, later) < 0 ? earlier.End : later.End;
        return new(KeyRangeCoverageIssueKind.Overlap, new KeyRange(later.Start, end), earlier, later);
    }
}
