namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Single-block DES (FIPS 46-3) under the all-zero key, the permutation behind Vitess's <c>hash</c> vindex.
/// </summary>
/// <remarks>
/// .NET refuses the all-zero key (a DES weak key, for <see cref="System.Security.Cryptography.DES"/> and
/// <see cref="System.Security.Cryptography.TripleDES"/> alike), so the cipher is written out here. With a zero key
/// every round subkey is zero, so the round function depends on the right half only, and decryption (the same
/// rounds with the subkeys in reverse order) is the same function: <see cref="Apply"/> is its own inverse.
/// Bits are numbered 1..64 from the most significant bit, as in the standard's tables.
/// </remarks>
internal static class ZeroKeyDes
{
    private static ReadOnlySpan<byte> InitialPermutation =>
    [
        58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
        62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
        57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
        61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
    ];

    private static ReadOnlySpan<byte> FinalPermutation =>
    [
        40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,
        38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
        36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
        34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
    ];

    // P, the permutation applied to the S-box outputs (32 bits).
    private static ReadOnlySpan<byte> RoundPermutation =>
    [
        16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
        2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
    ];

    // S1..S8, each 4 rows of 16, indexed [box * 64 + row * 16 + column].
    private static ReadOnlySpan<byte> SBoxes =>
    [
        14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
        0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
        4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
        15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,

        15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
        3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
        0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
        13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,

        10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
        13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
        13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
        1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,

        7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
        13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
        10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
        3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,

        2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
        14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
        4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
        11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,

        12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
        10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
        9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
        4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,

        4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
        13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
        1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
        6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,

        13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
        1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
        7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
        2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
    ];

    // S-box then P for each box and 6-bit input, so a round is eight lookups.
    private static readonly uint[] SpTable = BuildSpTable();
    private static readonly uint[] Sp0 = SpTable[..64];
    private static readonly uint[] Sp1 = SpTable[64..128];
    private static readonly uint[] Sp2 = SpTable[128..192];
    private static readonly uint[] Sp3 = SpTable[192..256];
    private static readonly uint[] Sp4 = SpTable[256..320];
    private static readonly uint[] Sp5 = SpTable[320..384];
    private static readonly uint[] Sp6 = SpTable[384..448];
    private static readonly uint[] Sp7 = SpTable[448..512];

    // The initial and final permutations by input byte: entry [byte * 256 + value] is the permutation of a block that
    // has only that byte set, so a permutation is eight lookups ORed together instead of 64 single-bit moves.
    private static readonly ulong[] InitialByByte = BuildByteTable(InitialPermutation);
    private static readonly ulong[] FinalByByte = BuildByteTable(FinalPermutation);

    /// <summary>Encrypts (equivalently, decrypts) one 64-bit block, most significant byte first.</summary>
    public static ulong Apply(ulong block)
    {
        var permuted = PermuteBytes(block, InitialByByte);
        var left = (uint)(permuted >> 32);
        var right = (uint)permuted;
        for (var round = 0; round < 16; round++)
        {
            var next = left ^ Feistel(right);
            left = right;
            right = next;
        }

        // The halves are swapped after the last round before the final permutation.
        return PermuteBytes(((ulong)right << 32) | left, FinalByByte);
    }

    private static ulong PermuteBytes(ulong block, ulong[] table)
    {
        ulong output = 0;
        for (var b = 0; b < 8; b++)
            output |= table[(b * 256) + (int)((block >> (56 - (8 * b))) & 0xFF)];
        return output;
    }

    private static ulong[] BuildByteTable(ReadOnlySpan<byte> permutation)
    {
        var table = new ulong[8 * 256];
        for (var b = 0; b < 8; b++)
        {
            for (var value = 0; value < 256; value++)
                table[(b * 256) + value] = Permute((ulong)value << (56 - (8 * b)), 64, permutation);
        }

        return table;
    }

    // f(R, K) with K = 0: expand R to 48 bits (E), then S-boxes and P. E's eight 6-bit groups are bits
    // 4j..4j+5 of R (1-based, bit 0 being bit 32), read here from R rotated right by one and doubled up.
    // Unrolled, one table per box: this runs 16 times per hash, once per row of a key-range filter.
    private static uint Feistel(uint right)
    {
        var rotated = (right >> 1) | (right << 31);
        var doubled = ((ulong)rotated << 32) | rotated;
        return Sp0[(int)(doubled >> 58) & 0x3F] | Sp1[(int)(doubled >> 54) & 0x3F] |
            Sp2[(int)(doubled >> 50) & 0x3F] | Sp3[(int)(doubled >> 46) & 0x3F] |
            Sp4[(int)(doubled >> 42) & 0x3F] | Sp5[(int)(doubled >> 38) & 0x3F] |
            Sp6[(int)(doubled >> 34) & 0x3F] | Sp7[(int)(doubled >> 30) & 0x3F];
    }

    private static uint[] BuildSpTable()
    {
        var table = new uint[8 * 64];
        for (var box = 0; box < 8; box++)
        {
            for (var group = 0; group < 64; group++)
            {
                var row = ((group >> 4) & 0b10) | (group & 1);
                var column = (group >> 1) & 0xF;
                var nibble = (ulong)SBoxes[(box * 64) + (row * 16) + column];
                var beforeP = nibble << (28 - (4 * box));
                table[(box * 64) + group] = (uint)Permute(beforeP, 32, RoundPermutation);
            }
        }

        return table;
    }

    // Output bit i (1-based from the top) is input bit table[i-1]; width is the input and output size in bits.
    private static ulong Permute(ulong input, int width, ReadOnlySpan<byte> table)
    {
        ulong output = 0;
        for (var i = 0; i < table.Length; i++)
        {
            var bit = (input >> (width - table[i])) & 1;
            output |= bit << (table.Length - 1 - i);
        }

        return output;
    }
}
