using System.Numerics;

namespace VGate.VStreamer.Values;

/// <summary>
/// The shortest decimal that reads back as a given double (the digits of Go's <c>FormatFloat(v, 'E', -1, 64)</c> and
/// of .NET's <c>"R"</c>), computed with Ulf Adams' Ryū algorithm ("Ryū: fast float-to-string conversion", PLDI 2018):
/// the interval of decimals that round to the value is scaled by a 125-bit power of five, and digits are removed
/// while the interval's ends still differ. Of several shortest candidates the one closest to the exact value wins,
/// ties to even.
/// </summary>
/// <remarks>
/// Written for the streamer's hot path: formatting a DOUBLE through .NET's <c>TryFormat("R")</c> and rewriting the
/// text in Go's exponent form cost more than all other nine columns of a row together. This gives the digits as an
/// integer and a power of ten, with no text in between. The power-of-five tables are computed once at start-up
/// with <see cref="BigInteger"/> (about 670 entries).
/// </remarks>
internal static class ShortestDouble
{
    private const int MantissaBits = 52;
    private const int ExponentBits = 11;
    private const int Bias = 1023;
    private const int Pow5InverseBitCount = 125;
    private const int Pow5BitCount = 125;
    private const int Pow5InverseTableSize = 342;
    private const int Pow5TableSize = 326;

    // 5^i scaled to 125 bits, and ⌊2^(bits(5^q) − 1 + 125) / 5^q⌋ + 1: two 64-bit halves each, low first.
    private static readonly ulong[] Pow5Split = BuildPow5Split();
    private static readonly ulong[] Pow5InverseSplit = BuildPow5InverseSplit();

    /// <summary>
    /// Splits a finite, non-zero, positive <paramref name="value"/> into the shortest <paramref name="digits"/> and a
    /// <paramref name="exponent"/> with value ≈ digits × 10^exponent (digits has no trailing zeros unless they are
    /// needed, e.g. never for Go's exponent form, which strips them).
    /// </summary>
    public static void Decompose(double value, out ulong digits, out int exponent)
    {
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var ieeeMantissa = bits & ((1UL << MantissaBits) - 1);
        var ieeeExponent = (int)((bits >> MantissaBits) & ((1U << ExponentBits) - 1));

        int e2;
        ulong m2;
        if (ieeeExponent == 0)
        {
            e2 = 1 - Bias - MantissaBits - 2;
            m2 = ieeeMantissa;
        }
        else
        {
            e2 = ieeeExponent - Bias - MantissaBits - 2;
            m2 = (1UL << MantissaBits) | ieeeMantissa;
        }
        var acceptBounds = (m2 & 1) == 0;

        // The interval of decimals that read back as the value: [mm, mp] around mv, all times 4 (two extra bits).
        var mv = 4 * m2;
        var mmShift = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1u : 0u;

        ulong vr, vp, vm;
        int e10;
        var vmIsTrailingZeros = false;
        var vrIsTrailingZeros = false;
        if (e2 >= 0)
        {
            var q = Log10Pow2(e2) - (e2 > 3 ? 1 : 0);
            e10 = q;
            var k = Pow5InverseBitCount + Pow5Bits(q) - 1;
            var i = -e2 + q + k;
            vr = MulShiftAll(m2, Pow5InverseSplit, q, i, out vp, out vm, mmShift);
            if (q <= 21)
            {
                // Only then can mv be a multiple of 5^q (it has at most 55 bits).
                if (mv % 5 == 0)
                    vrIsTrailingZeros = MultipleOfPowerOf5(mv, q);
                else if (acceptBounds)
                    vmIsTrailingZeros = MultipleOfPowerOf5(mv - 1 - mmShift, q);
                else
                    vp -= MultipleOfPowerOf5(mv + 2, q) ? 1UL : 0;
            }
        }
        else
        {
            var q = Log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
            e10 = q + e2;
            var i = -e2 - q;
            var k = Pow5Bits(i) - Pow5BitCount;
            var j = q - k;
            vr = MulShiftAll(m2, Pow5Split, i, j, out vp, out vm, mmShift);
            if (q <= 1)
            {
                // mv = 4·m2 has at least two trailing zero bits, so vr has q trailing decimal zeros.
                vrIsTrailingZeros = true;
                if (acceptBounds)
                    vmIsTrailingZeros = mmShift == 1;
                else
                    vp--;
            }
            else if (q < 63)
            {
                vrIsTrailingZeros = MultipleOfPowerOf2(mv, q);
            }
        }

        // Remove digits while the interval still holds a shorter decimal.
        var removed = 0;
        ulong output;
        if (vmIsTrailingZeros || vrIsTrailingZeros)
        {
            var lastRemovedDigit = 0;
            while (vp / 10 > vm / 10)
            {
                vmIsTrailingZeros &= vm % 10 == 0;
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = (int)(vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            if (vmIsTrailingZeros)
            {
                while (vm % 10 == 0)
                {
                    vrIsTrailingZeros &= lastRemovedDigit == 0;
                    lastRemovedDigit = (int)(vr % 10);
                    vr /= 10;
                    vp /= 10;
                    vm /= 10;
                    removed++;
                }
            }
            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0)
                lastRemovedDigit = 4; // exactly halfway: round to even
            output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1UL : 0);
        }
        else
        {
            // The common case: no trailing zeros to track.
            var roundUp = false;
            if (vp / 100 > vm / 100)
            {
                roundUp = vr % 100 >= 50;
                vr /= 100;
                vp /= 100;
                vm /= 100;
                removed += 2;
            }
            while (vp / 10 > vm / 10)
            {
                roundUp = vr % 10 >= 5;
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            output = vr + (vr == vm || roundUp ? 1UL : 0);
        }

        digits = output;
        exponent = e10 + removed;
    }

    // ⌊e·log10(2)⌋ for 0 ≤ e ≤ 1650, ⌊e·log10(5)⌋ for 0 ≤ e ≤ 2620, and the bit length of 5^e.
    private static int Log10Pow2(int e) => (int)(((uint)e * 78913) >> 18);

    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    private static int Pow5Bits(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    private static bool MultipleOfPowerOf5(ulong value, int p)
    {
        var count = 0;
        while (value % 5 == 0)
        {
            value /= 5;
            count++;
        }
        return count >= p;
    }

    private static bool MultipleOfPowerOf2(ulong value, int p) => (value & ((1UL << p) - 1)) == 0;

    // vr, vp and vm: 4·m2, 4·m2 + 2 and 4·m2 − 1 − mmShift times the 125-bit factor, shifted right by j.
    private static ulong MulShiftAll(ulong m2, ulong[] table, int index, int j, out ulong vp, out ulong vm, uint mmShift)
    {
        var low = table[2 * index];
        var high = table[(2 * index) + 1];
        vp = MulShift((4 * m2) + 2, low, high, j);
        vm = MulShift((4 * m2) - 1 - mmShift, low, high, j);
        return MulShift(4 * m2, low, high, j);
    }

    private static ulong MulShift(ulong m, ulong low, ulong high, int j)
    {
        // m has at most 55 bits and the factor 125, so the product fits 180 bits; the result after >> j fits 64.
        var lowProduct = (UInt128)m * low;
        var highProduct = (UInt128)m * high;
        var sum = (lowProduct >> 64) + highProduct;
        return (ulong)(sum >> (j - 64));
    }

    private static ulong[] BuildPow5Split()
    {
        var table = new ulong[2 * Pow5TableSize];
        var power = BigInteger.One;
        for (var i = 0; i < Pow5TableSize; i++, power *= 5)
        {
            var length = (int)power.GetBitLength();
            var scaled = length <= Pow5BitCount ? power << (Pow5BitCount - length) : power >> (length - Pow5BitCount);
            Store(table, i, scaled);
        }
        return table;
    }

    private static ulong[] BuildPow5InverseSplit()
    {
        var table = new ulong[2 * Pow5InverseTableSize];
        var power = BigInteger.One;
        for (var i = 0; i < Pow5InverseTableSize; i++, power *= 5)
        {
            var length = (int)power.GetBitLength();
            var inverse = (BigInteger.One << (length - 1 + Pow5InverseBitCount)) / power + 1;
            Store(table, i, inverse);
        }
        return table;
    }

    private static void Store(ulong[] table, int index, BigInteger value)
    {
        var mask = (BigInteger.One << 64) - 1;
        table[2 * index] = (ulong)(value & mask);
        table[(2 * index) + 1] = (ulong)(value >> 64);
    }
}
