using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>hash</c> (<c>go/vt/vtgate/vindexes/hash.go</c>): the value as a uint64, written big-endian and
/// encrypted with single DES under the all-zero key. Unique and reversible.
/// </summary>
/// <remarks>
/// Signed values are parsed as int64 and cast two's-complement (−1 → 0xFFFFFFFFFFFFFFFF). Other values go through
/// Vitess's <c>ToUint64</c> (<see cref="VindexIntegers.TryToUInt64"/>): a negative number that is not from a signed
/// column, NULL, or anything that is not a decimal integer has no destination.
/// </remarks>
internal sealed class HashVindex : IVindex
{
    public const string TypeName = "hash";

    public string Name => TypeName;

    public bool IsUnique => true;

    /// <summary>The keyspace id of <paramref name="id"/>: DES-encrypt its 8 big-endian bytes under the zero key.</summary>
    public static byte[] Hash(ulong id)
    {
        var keyspaceId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(keyspaceId, ZeroKeyDes.Apply(id));
        return keyspaceId;
    }

    /// <summary>Reverses <see cref="Hash"/> (Vitess <c>ReverseMap</c>); false unless the keyspace id has 8 bytes.</summary>
    public static bool TryUnhash(ReadOnlySpan<byte> keyspaceId, out ulong id)
    {
        id = 0;
        if (keyspaceId.Length != 8)
            return false;
        id = ZeroKeyDes.Apply(BinaryPrimitives.ReadUInt64BigEndian(keyspaceId));
        return true;
    }

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        ulong id;
        if (value.Kind == VindexValueKind.Signed)
        {
            if (!VindexIntegers.TryParseInt64(value.Text, out var signed))
            {
                keyspaceId = null;
                return false;
            }

            id = unchecked((ulong)signed);
        }
        else if (!VindexIntegers.TryToUInt64(value, out id))
        {
            keyspaceId = null;
            return false;
        }

        keyspaceId = Hash(id);
        return true;
    }
}
