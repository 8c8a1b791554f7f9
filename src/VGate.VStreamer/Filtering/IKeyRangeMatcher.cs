namespace VGate.VStreamer.Filtering;

/// <summary>One key range [start, end) from a filter.</summary>
/// <remarks>
/// Containment is the Vitess rule (spec §3): bytewise, after removing trailing 0x00 bytes, start inclusive, end
/// exclusive, an empty side unbounded. Implementations must be thread-safe.
/// </remarks>
public interface IKeyRangeMatcher
{
    /// <summary>True when <paramref name="keyspaceId"/> falls in the range.</summary>
    bool Contains(ReadOnlySpan<byte> keyspaceId);
}
