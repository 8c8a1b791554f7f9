using System.Collections.Immutable;
using System.Text;

namespace VGate.MySql.Positions;

/// <summary>
/// The part of a <see cref="MySqlGtidSet"/> for one source UUID and one tag (the empty tag for untagged GTIDs):
/// a non-empty list of sorted, disjoint, non-adjacent intervals.
/// </summary>
public sealed class MySqlGtidSetEntry
{
    internal MySqlGtidSetEntry(Guid sourceId, string tag, ImmutableArray<MySqlGtidInterval> intervals)
    {
        SourceId = sourceId;
        Tag = tag;
        Intervals = intervals;
    }

    /// <summary>The source server's UUID.</summary>
    public Guid SourceId { get; }

    /// <summary>The lowercase tag, or the empty string for untagged GTIDs.</summary>
    public string Tag { get; }

    /// <summary>True when <see cref="Tag"/> is not empty.</summary>
    public bool IsTagged => Tag.Length != 0;

    /// <summary>The intervals, sorted, with overlapping and adjacent ones merged.</summary>
    public ImmutableArray<MySqlGtidInterval> Intervals { get; }

    /// <summary>This entry alone in MySQL text form, e.g. <c>uuid:1-5:7</c> or <c>uuid:tag:1-3</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(SourceId.ToString("D"));
        AppendTagAndIntervals(builder);
        return builder.ToString();
    }

    internal void AppendTagAndIntervals(StringBuilder builder)
    {
        if (IsTagged)
            builder.Append(':').Append(Tag);
        foreach (var interval in Intervals)
            builder.Append(':').Append(interval.ToString());
    }
}
