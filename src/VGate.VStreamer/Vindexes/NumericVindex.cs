using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>numeric</c> (<c>go/vt/vtgate/vindexes/numeric.go</c>): the value as a uint64 written big-endian, unchanged.
/// Values that Vitess's <c>ToUint64</c> rejects (NULL, negative numbers, non-integers) have no destination.
/// </summary>
internal sealed class NumericVindex : IVindex
{
    public const string TypeName = "numeric";

    public string Name => TypeName;

    public bool IsUnique => true;

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        if (!VindexIntegers.TryToUInt64(value, out var id))
        {
            keyspaceId = null;
            return false;
        }

        keyspaceId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(keyspaceId, id);
        return true;
    }
}
