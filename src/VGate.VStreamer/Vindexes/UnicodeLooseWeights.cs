using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// The collation key that Vitess's <c>unicode_loose_md5</c> and <c>unicode_loose_xxhash</c> vindexes hash
/// (<c>go/vt/vtgate/vindexes/unicode.go</c>, <c>go/mysql/collations/vindex/collate</c>): the non-zero primary
/// weights of <c>golang.org/x/text/collate</c>'s root order (CLDR 23, Unicode 6.2.0, English, <c>collate.Loose</c>:
/// case-, accent- and width-insensitive), each as 2 big-endian bytes, or 3 bytes with the top bit set when above
/// 0x7FFF.
/// </summary>
/// <remarks>
/// <para>
/// Before collating, Vitess rejects invalid UTF-8 and strips trailing ASCII spaces (only U+0020). Every valid code
/// point has weights, as in Vitess:
/// </para>
/// <list type="bullet">
/// <item>the 24,395 code points whose collation elements the table defines (Latin, Greek, Cyrillic, Arabic, Hebrew,
/// Indic, Thai, kana, symbols, many emoji, ...) come from <c>UnicodeLooseWeights.bin</c>, which
/// <c>tools/UnicodeLooseWeightsGenerator/main.go</c> extracts from that library, with its 731 contractions (e.g.
/// <c>L·</c>, Thai prevowel + consonant, Cyrillic <c>и</c> + U+0306) and the combining classes the collator reads;</item>
/// <item>precomposed Hangul syllables are decomposed into their jamo, as the collator does;</item>
/// <item>any other code point (most CJK ideographs, newer emoji, unassigned and private-use code points) gets the
/// library's implicit weight: the code point plus 0x10000 for the CJK Unified and Compatibility blocks, plus 0x20000
/// for other ideographs, plus 0x50000 for the rest. "Ideographic" is Unicode 15.0.0's property, the one the Go
/// release Vitess is built with uses.</item>
/// </list>
/// <para>
/// The collation elements then go through the collator's own iteration: the longest contraction wins, a contraction
/// may skip unblocked combining marks (UCA discontiguous matching), and elements of combining marks out of canonical
/// order are reordered (<c>colltab.Iter.Next</c>).
/// </para>
/// <para>
/// These are not MySQL's <c>utf8mb4_unicode_ci</c> weights (UCA 4.0.0); only the Go library's weights give
/// Vitess's keyspace ids.
/// </para>
/// </remarks>
internal static class UnicodeLooseWeights
{
    /// <summary>colltab's <c>maxCombiningCharacters</c>: a run of combining elements longer than this is cut.</summary>
    private const int MaxCombiningCharacters = 30;

    private static readonly CollationTable Table = CollationTable.Load();

    /// <summary>Builds the primary-weight key of <paramref name="utf8"/>.</summary>
    /// <exception cref="FormatException">The bytes are not valid UTF-8 (Vitess errors too).</exception>
    public static byte[] GetKey(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new FormatException(
                $"Cannot normalize string containing invalid UTF-8: {Convert.ToHexStringLower(utf8)} (hex).");
        }

        utf8 = utf8.TrimEnd((byte)' ');
        var codePoints = new int[Encoding.UTF8.GetCharCount(utf8)];
        var count = 0;
        while (!utf8.IsEmpty)
        {
            Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            utf8 = utf8[consumed..];
            codePoints[count++] = rune.Value;
        }

        var elements = new Iterator(Table, codePoints.AsSpan(0, count)).Run();
        var key = new ArrayBufferWriter<byte>(Math.Max(16, count * 2));
        foreach (var element in elements)
        {
            if (element.Primary > 0)
                AppendPrimary(key, element.Primary);
        }

        return key.WrittenSpan.ToArray();
    }

    /// <summary>True when the table defines the code point's collation elements (false: Hangul or implicit weight).</summary>
    public static bool IsInTable(int codePoint) => Table.TryGetElements(codePoint, out _);

    /// <summary>colltab's <c>implicitPrimary</c>: the weight of a code point the table does not define.</summary>
    public static int ImplicitPrimary(int codePoint)
    {
        if (IsIdeographic(codePoint))
        {
            return codePoint is >= 0x4E00 and <= 0x9FFF or >= 0xF900 and <= 0xFAFF
                ? codePoint + 0x10000
                : codePoint + 0x20000;
        }

        return codePoint + 0x50000;
    }

    // Unicode 15.0.0 PropList.txt Ideographic (Go 1.21 and later, unicode.Ideographic).
    private static bool IsIdeographic(int c) =>
        c is >= 0x3006 and <= 0x3007 or >= 0x3021 and <= 0x3029 or >= 0x3038 and <= 0x303A
            or >= 0x3400 and <= 0x4DBF or >= 0x4E00 and <= 0x9FFF or >= 0xF900 and <= 0xFA6D or >= 0xFA70 and <= 0xFAD9
            or 0x16FE4 or >= 0x17000 and <= 0x187F7 or >= 0x18800 and <= 0x18CD5 or >= 0x18D00 and <= 0x18D08
            or >= 0x1B170 and <= 0x1B2FB or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B739
            or >= 0x2B740 and <= 0x2B81D or >= 0x2B820 and <= 0x2CEA1 or >= 0x2CEB0 and <= 0x2EBE0
            or >= 0x2F800 and <= 0x2FA1D or >= 0x30000 and <= 0x3134A or >= 0x31350 and <= 0x323AF;

    private static void AppendPrimary(ArrayBufferWriter<byte> key, int weight)
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

    /// <summary>
    /// One pass of the collator over a string: <c>colltab.Iter</c> (segmenting and reordering) driving
    /// <c>colltab.Table.appendNext</c> (lookup, contractions, Hangul, implicit weights).
    /// </summary>
    private ref struct Iterator(CollationTable table, ReadOnlySpan<int> input)
    {
        private readonly ReadOnlySpan<int> _input = input;
        private readonly List<CollationElement> _elements = new(input.Length + 4);
        private int _n;
        private int _next;

        public List<CollationElement> Run()
        {
            while (Next())
            {
            }

            return _elements;
        }

        private bool AppendNext()
        {
            if (_next >= _input.Length)
                return false;
            _next += table.AppendNext(_elements, _input[_next..]);
            return true;
        }

        private bool Next()
        {
            if (_n == _elements.Count && !AppendNext())
                return false;

            var prevCcc = _elements[^1].Ccc;
            if (prevCcc == 0)
            {
                _n = _elements.Count;
                return true;
            }

            if (_elements[_n].Ccc == 0)
            {
                for (_n++; _n < _elements.Count && _elements[_n].Ccc == 0; _n++)
                {
                }

                return true;
            }

            // The segment starts with combining marks: collect them all so that they are put in canonical order.
            while (true)
            {
                var p = _elements.Count;
                if (!AppendNext())
                    break;
                var ccc = _elements[p].Ccc;
                if (ccc == 0 || _elements.Count - _n > MaxCombiningCharacters)
                {
                    _n = p;
                    return true;
                }

                if (ccc < prevCcc)
                    Reorder(p, ccc);
                else
                    prevCcc = ccc;
            }

            var done = _elements.Count != _n;
            _n = _elements.Count;
            return done;
        }

        /// <summary><c>Iter.doNorm</c>: moves the elements from <paramref name="k"/> on before the ones of higher class.</summary>
        private readonly void Reorder(int k, byte ccc)
        {
            var p = k - 1;
            while (p > _n && ccc < _elements[p - 1].Ccc)
                p--;
            var moved = _elements.GetRange(k, _elements.Count - k);
            _elements.RemoveRange(k, moved.Count);
            _elements.InsertRange(p, moved);
        }
    }
}
