using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Filtering;

/// <summary>A vindex as the filter sees it: column values in, one keyspace id out.</summary>
/// <remarks>
/// <c>hash</c> reads the value as a 64-bit integer and DES-encrypts it; <c>xxhash</c> hashes the raw bytes; a
/// multi-column vindex receives one value per column, in the order the VSchema (or the <c>in_keyrange</c> call)
/// lists them. Implementations must be thread-safe: one plan is shared by every stream of a table.
/// </remarks>
public interface IKeyspaceIdFunction
{
    /// <summary>Only unique vindexes (one keyspace id per value) can filter rows (Vitess: "vindex must be Unique…").</summary>
    bool IsUnique { get; }

    /// <summary>Maps the values to a keyspace id.</summary>
    /// <param name="values">One value per vindex column.</param>
    /// <param name="keyspaceId">The keyspace id, owned by the caller.</param>
    /// <returns>False when the values have no destination (e.g. NULL or non-numeric input to <c>hash</c>).</returns>
    bool TryMap(ReadOnlySpan<VindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId);
}
