namespace VGate.VStreamer.KeyRanges;

/// <summary>The first place where a set of shard key ranges fails to cover the keyspace exactly once.</summary>
public sealed class KeyRangeCoverageIssue
{
    internal KeyRangeCoverageIssue(KeyRangeCoverageIssueKind kind, KeyRange range, KeyRange? first, KeyRange? second)
    {
        Kind = kind;
        Range = range;
        First = first;
        Second = second;
    }

    /// <summary>Gap or overlap.</summary>
    public KeyRangeCoverageIssueKind Kind { get; }

    /// <summary>The keyspace ids that no shard covers (gap) or that two shards cover (overlap).</summary>
    public KeyRange Range { get; }

    /// <summary>
    /// Gap: the shard that ends where the gap starts (null when the gap starts at the minimum).
    /// Overlap: the shard that starts first (on a tie, the one that ends first).
    /// </summary>
    public KeyRange? First { get; }

    /// <summary>
    /// Gap: the shard that starts where the gap ends (null when the gap runs to the maximum).
    /// Overlap: the shard that starts inside <see cref="First"/>.
    /// </summary>
    public KeyRange? Second { get; }

    /// <summary>A sentence naming the shards and the key range, e.g. <c>key range 80-c0 is covered by no shard (between shards 40-80 and c0-)</c>.</summary>
    public string Message => Kind switch
    {
        KeyRangeCoverageIssueKind.Overlap => $"shards {First} and {Second} overlap on key range {Range}",
        _ => (First, Second) switch
        {
            (null, null) => $"key range {Range} is covered by no shard (there are no shards)",
            (null, { } after) => $"key range {Range} is covered by no shard (before shard {after})",
            ({ } before, null) => $"key range {Range} is covered by no shard (after shard {before})",
            ({ } before, { } after) => $"key range {Range} is covered by no shard (between shards {before} and {after})",
        },
    };

    /// <inheritdoc cref="Message"/>
    public override string ToString() => Message;
}
