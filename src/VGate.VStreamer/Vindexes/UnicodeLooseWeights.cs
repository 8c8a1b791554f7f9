using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// The collation key that Vitess's <c>unicode_loose_md5</c> and <c>unicode_loose_xxhash</c> vindexes hash
/// (<c>go/vt/vtgate/vindexes/unicode.go</c>, <c>go/mysql/collations/vindex/collate</c>): the non-zero primary
/// weights of <c>golang.org/x/text/collate</c>'s root order (CLDR 23, Unicode 6.2.0, "loose": case-, accent- and
/// width-insensitive), each as 2 big-endian bytes, or 3 bytes with the top bit set when above 0x7FFF.
/// </summary>
/// <remarks>
/// <para>
/// Before collating, Vitess rejects invalid UTF-8 and strips trailing ASCII spaces (only U+0020). The weights here
/// are generated from that same library (<c>tools/UnicodeLooseWeightsGenerator/main.go</c>) for every code point of:
/// U+0000–U+052F (Basic Latin, Latin-1, Latin Extended-A/B, IPA, spacing modifiers, combining diacritics, Greek,
/// Cyrillic), U+1E00–U+1EFF (Latin Extended Additional), U+2000–U+206F, U+20A0–U+20CF, U+2100–U+214F and
/// U+FF00–U+FFEF, plus every two-code-point contraction among them (e.g. Cyrillic <c>и</c> + U+0306 → <c>й</c>,
/// <c>L</c> + U+00B7). For text made of those code points the key is exact.
/// </para>
/// <para>
/// Not covered: any other code point (CJK, Arabic, Hebrew, Indic, emoji, ...) makes the key throw
/// <see cref="NotSupportedException"/> rather than route a row by a guessed weight; and a contraction whose
/// combining mark is separated from its base letter by another mark of a different combining class
/// (<c>и</c> + U+0323 + U+0306), which the UCA's discontiguous matching would join, is read as two parts.
/// </para>
/// <para>
/// These are not MySQL's <c>utf8mb4_unicode_ci</c> weights (UCA 4.0.0); only the Go library's weights give
/// Vitess's keyspace ids.
/// </para>
/// </remarks>
internal static partial class UnicodeLooseWeights
{
    /// <summary>Builds the primary-weight key of <paramref name="utf8"/>.</summary>
    /// <exception cref="FormatException">The bytes are not valid UTF-8 (Vitess errors too).</exception>
    /// <exception cref="NotSupportedException">The text has a code point outside the generated blocks.</exception>
    public static byte[] GetKey(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new FormatException(
                $"Cannot normalize string containing invalid UTF-8: {Convert.ToHexStringLower(utf8)} (hex).");
        }

        utf8 = utf8.TrimEnd((byte)' ');
        var key = new ArrayBufferWriter<byte>(Math.Max(16, utf8.Length * 2));
        while (!utf8.IsEmpty)
        {
            Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            utf8 = utf8[consumed..];
            if (!utf8.IsEmpty)
            {
                Rune.DecodeFromUtf8(utf8, out var next, out var nextLength);
                if (TryGetContraction(rune.Value, next.Value, out var contracted))
                {
                    AppendWeight(key, contracted);
                    utf8 = utf8[nextLength..];
                    continue;
                }
            }

            foreach (var weight in GetWeights(rune.Value))
                AppendWeight(key, weight);
        }

        return key.WrittenSpan.ToArray();
    }

    /// <summary>True when the code point's weights are in the generated table.</summary>
    public static bool IsSupported(int codePoint) => FindIndex(codePoint) >= 0;

    private static ReadOnlySpan<int> GetWeights(int codePoint)
    {
        var index = FindIndex(codePoint);
        if (index < 0)
        {
            throw new NotSupportedException(
                $"unicode_loose vindexes: U+{codePoint:X4} is outside the code points VGate has collation weights for " +
                "(Latin, Greek, Cyrillic, general punctuation, currency and letterlike symbols, fullwidth forms).");
        }

        return Weights[WeightStarts[index]..WeightStarts[index + 1]];
    }

    private static int FindIndex(int codePoint)
    {
        var firsts = BlockFirst;
        var lasts = BlockLast;
        for (var block = 0; block < firsts.Length; block++)
        {
            if (codePoint >= firsts[block] && codePoint <= lasts[block])
                return BlockBase[block] + (codePoint - firsts[block]);
        }

        return -1;
    }

    private static bool TryGetContraction(int first, int second, out int weight)
    {
        var pairs = ContractionPairs;
        for (var i = 0; i < pairs.Length; i += 2)
        {
            if (pairs[i] == first && pairs[i + 1] == second)
            {
                weight = ContractionWeights[i / 2];
                return true;
            }
        }

        weight = 0;
        return false;
    }

    private static void AppendWeight(ArrayBufferWriter<byte> key, int weight)
    {
        if (weight <= 0x7FFF)
        {
            var span = key.GetSpan(2);
            span[0] = (byte)(weight >> 8);
            span[1] = (byte)weight;
            key.Advance(2);
        }
        else
        {
            var span = key.GetSpan(3);
            span[0] = (byte)((weight >> 16) | 0x80);
            span[1] = (byte)(weight >> 8);
            span[2] = (byte)weight;
            key.Advance(3);
        }
    }
}
