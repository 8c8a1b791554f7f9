using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// A Vitess vindex: a function from a column value to a keyspace id, used by <c>in_keyrange(col, 'type', 'kr')</c>
/// filters to decide which shard a row belongs to. Instances are stateless and thread-safe; get them from
/// <see cref="VindexRegistry"/>.
/// </summary>
public interface IVindex
{
    /// <summary>The vindex type name as written in a VSchema or filter, e.g. <c>hash</c>.</summary>
    string Name { get; }

    /// <summary>True when each value maps to at most one keyspace id (required by <c>in_keyrange</c>).</summary>
    bool IsUnique { get; }

    /// <summary>
    /// Maps <paramref name="value"/> to its keyspace id, or returns false when it has no destination (Vitess
    /// <c>DestinationNone</c>, e.g. NULL or a non-integer for <c>hash</c>): such a row is in no key range.
    /// </summary>
    /// <param name="value">The column value.</param>
    /// <param name="keyspaceId">A new array owned by the caller.</param>
    bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId);
}
