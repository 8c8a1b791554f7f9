using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using VGate.VStreamer.Filtering;
using FilterVindexValue = VGate.VStreamer.Filtering.VindexValue;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>region_experimental</c> (<c>go/vt/vtgate/vindexes/region_experimental.go</c>), a two-column vindex for
/// geo-partitioning: the first column (a region number, as uint64, truncated to 16 bits) gives a 1- or 2-byte big-endian
/// prefix (<c>region_bytes</c>), followed by the <c>hash</c> of the second column (as uint64). 9 or 10 bytes.
/// </summary>
/// <remarks>
/// A value Vitess's <c>ToUint64</c> rejects in either column, or other than two values, has no keyspace id (Vitess maps
/// one value to a key range, which a row filter cannot use either).
/// </remarks>
internal sealed class RegionExperimentalVindex(int regionBytes) : IKeyspaceIdFunction
{
    public const string TypeName = "region_experimental";

    public int RegionBytes => regionBytes;

    public bool IsUnique => true;

    /// <summary>The 1- or 2-byte prefix of region number <paramref name="region"/> (Go: <c>uint16(rn)</c>, big-endian).</summary>
    public static byte[] RegionPrefix(ulong region, int regionBytes)
    {
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, unchecked((ushort)region));
        return regionBytes == 1 ? prefix[1..] : prefix;
    }

    public bool TryMap(ReadOnlySpan<FilterVindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = null;
        if (values.Length != 2
            || !VindexIntegers.TryToUInt64(SingleColumnVindexFunction.Convert(values[0]), out var region)
            || !VindexIntegers.TryToUInt64(SingleColumnVindexFunction.Convert(values[1]), out var id))
        {
            return false;
        }

        keyspaceId = [.. RegionPrefix(region, regionBytes), .. HashVindex.Hash(id)];
        return true;
    }
}
