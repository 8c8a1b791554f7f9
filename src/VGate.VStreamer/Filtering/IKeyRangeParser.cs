namespace VGate.VStreamer.Filtering;

/// <summary>Parses key-range specs for filters (Vitess <c>key.ParseShardingSpec</c>).</summary>
public interface IKeyRangeParser
{
    /// <summary>
    /// Parses a sharding spec into consecutive ranges: <c>-80</c> → one range, <c>-40-80-</c> → three,
    /// <c>-</c> → the whole range. A filter needs exactly one; the plan builder reports the other counts.
    /// </summary>
    /// <exception cref="FormatException">
    /// The spec is malformed; the message is shown to the client, so use Vitess's wording, e.g.
    /// <c>malformed spec: doesn't define a range: "80"</c>.
    /// </exception>
    IReadOnlyList<IKeyRangeMatcher> ParseShardingSpec(string spec);
}
