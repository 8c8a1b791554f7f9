using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>reverse_bits</c> (<c>go/vt/vtgate/vindexes/reverse_bits.go</c>): the value as a uint64 with its 64 bits
/// reversed, written big-endian, so sequential ids spread over the key space (1 → <c>80…</c>, 2 → <c>40…</c>).
/// Values that Vitess's <c>ToUint64</c> rejects (NULL, negative numbers, non-integers) have no destination.
/// </summary>
internal sealed class ReverseBitsVindex : IVindex
{
    public const string TypeName = "reverse_bits";

    public string Name => TypeName;

    public bool IsUnique => true;

    /// <summary>The keyspace id of <paramref name="id"/>.</summary>
    public static byte[] Reverse(ulong id)
    {
        var keyspaceId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(keyspaceId, ReverseBits(id));
        return keyspaceId;
    }

    /// <summary>Reverses <see cref="Reverse"/> (Vitess <c>ReverseMap</c>); false unless the keyspace id has 8 bytes.</summary>
    public static bool TryUnreverse(ReadOnlySpan<byte> keyspaceId, out ulong id)
    {
        id = 0;
        if (keyspaceId.Length != 8)
            return false;
        id = ReverseBits(BinaryPrimitives.ReadUInt64BigEndian(keyspaceId));
        return true;
    }

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        if (!VindexIntegers.TryToUInt64(value, out var id))
        {
            keyspaceId = null;
            return false;
        }

        keyspaceId = Reverse(id);
        return true;
    }

    private static ulong ReverseBits(ulong value)
    {
        // Swap adjacent bits, pairs and nibbles, then the bytes.
        value = ((value >> 1) & 0x5555555555555555UL) | ((value & 0x5555555555555555UL) << 1);
        value = ((value >> 2) & 0x3333333333333333UL) | ((value & 0x3333333333333333UL) << 2);
        value = ((value >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((value & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return BinaryPrimitives.ReverseEndianness(value);
    }
}
