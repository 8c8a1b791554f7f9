using System.Collections.Immutable;

namespace VGate.MySql.Positions;

/// <summary>
/// Operations on normalised interval lists: sorted by start, disjoint and non-adjacent
/// (the form every <see cref="MySqlGtidSetEntry"/> keeps).
/// </summary>
internal static class GtidIntervals
{
    /// <summary>Sorts and merges overlapping or adjacent intervals.</summary>
    public static ImmutableArray<MySqlGtidInterval> Normalize(List<MySqlGtidInterval> intervals)
    {
        if (intervals.Count == 0)
            return [];
        intervals.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var result = ImmutableArray.CreateBuilder<MySqlGtidInterval>(intervals.Count);
        var current = intervals[0];
        for (var i = 1; i < intervals.Count; i++)
        {
            var next = intervals[i];
            // End <= MaxSequence < long.MaxValue, so End + 1 cannot overflow.
            if (next.Start <= current.End + 1)
            {
                if (next.End > current.End)
                    current = new MySqlGtidInterval(current.Start, next.End);
            }
            else
            {
                result.Add(current);
                current = next;
            }
        }

        result.Add(current);
        return result.DrainToImmutable();
    }

    public static ImmutableArray<MySqlGtidInterval> Union(ImmutableArray<MySqlGtidInterval> a, ImmutableArray<MySqlGtidInterval> b)
    {
        if (a.IsEmpty)
            return b;
        if (b.IsEmpty)
            return a;
        var all = new List<MySqlGtidInterval>(a.Length + b.Length);
        all.AddRange(a);
        all.AddRange(b);
        return Normalize(all);
    }

    /// <summary>The sequence numbers of <paramref name="a"/> that are not in <paramref name="b"/>.</summary>
    public static ImmutableArray<MySqlGtidInterval> Subtract(ImmutableArray<MySqlGtidInterval> a, ImmutableArray<MySqlGtidInterval> b)
    {
        if (a.IsEmpty || b.IsEmpty)
            return a;
        var result = ImmutableArray.CreateBuilder<MySqlGtidInterval>();
        var j = 0;
        foreach (var interval in a)
        {
            var start = interval.Start;
            var end = interval.End;
            while (j < b.Length && b[j].End < start)
                j++;
            for (var k = j; k < b.Length && b[k].Start <= end; k++)
            {
                if (b[k].Start > start)
                    result.Add(new MySqlGtidInterval(start, b[k].Start - 1));
                if (b[k].End >= end)
                {
                    start = end + 1;
                    break;
                }

                start = b[k].End + 1;
            }

            if (start <= end)
                result.Add(new MySqlGtidInterval(start, end));
        }

        return result.DrainToImmutable();
    }

    /// <summary>True when every sequence number of <paramref name="b"/> is in <paramref name="a"/>.</summary>
    public static bool ContainsAll(ImmutableArray<MySqlGtidInterval> a, ImmutableArray<MySqlGtidInterval> b)
    {
        var i = 0;
        foreach (var interval in b)
        {
            while (i < a.Length && a[i].End < interval.Start)
                i++;
            if (i == a.Length || a[i].Start > interval.Start || a[i].End < interval.End)
                return false;
        }

        return true;
    }

    public static bool Contains(ImmutableArray<MySqlGtidInterval> intervals, long sequence)
    {
        int low = 0, high = intervals.Length - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var interval = intervals[mid];
            if (sequence < interval.Start)
                high = mid - 1;
            else if (sequence > interval.End)
                low = mid + 1;
            else
                return true;
        }

        return false;
    }
}
