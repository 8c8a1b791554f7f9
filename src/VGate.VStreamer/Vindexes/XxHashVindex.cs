using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>xxhash</c> (<c>go/vt/vtgate/vindexes/xxhash.go</c>): XXH64 with seed 0 over the value's bytes as
/// Vitess holds them (integers as decimal ASCII, strings raw, NULL as no bytes), written little-endian.
/// Every value has a destination.
/// </summary>
internal sealed class XxHashVindex : IVindex
{
    public const string TypeName = "xxhash";

    public string Name => TypeName;

    public bool IsUnique => true;

    /// <summary>XXH64 (seed 0) of <paramref name="bytes"/>, little-endian, as Vitess's <c>vXXHash</c>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> bytes)
    {
        var keyspaceId = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(keyspaceId, XxHash64.HashToUInt64(bytes));
        return keyspaceId;
    }

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = Hash(value.Text);
        return true;
    }
}
