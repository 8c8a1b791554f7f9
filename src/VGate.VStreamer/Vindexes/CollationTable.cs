using System.Collections.Frozen;
using System.Text;

namespace VGate.VStreamer.Vindexes;

/// <summary>One collation element as <see cref="UnicodeLooseWeights"/> needs it: the primary weight and the combining class.</summary>
internal readonly record struct CollationElement(int Primary, byte Ccc);

/// <summary>
/// The <c>golang.org/x/text/collate</c> root table as extracted into <c>UnicodeLooseWeights.bin</c> by
/// <c>tools/UnicodeLooseWeightsGenerator</c>, and the lookup <c>colltab.Table.appendNext</c> does over it.
/// </summary>
/// <remarks>
/// File format ("VGUL", version 1; integers are unsigned LEB128): code point entries (count; then per entry the
/// code point as a delta from the previous one, the element count and each element as primary weight + one CCC
/// byte); contractions (count; then per entry the code point count, the code points, the elements); combining
/// classes (count; then per entry the code point delta, the first and the last canonical combining class of its
/// NFD form as one byte each).
/// </remarks>
internal sealed class CollationTable
{
    private const string ResourceName = "VGate.VStreamer.Vindexes.UnicodeLooseWeights.bin";
    private const int FirstHangul = 0xAC00;
    private const int LastHangul = 0xD7A3;

    private readonly int[] _codePoints;
    private readonly int[] _starts;
    private readonly CollationElement[] _elements;
    private readonly FrozenDictionary<string, ContractionNode> _contractions;
    private readonly FrozenSet<int> _starters;
    private readonly FrozenDictionary<int, (byte Lead, byte Trail)> _classes;

    private CollationTable(int[] codePoints, int[] starts, CollationElement[] elements,
        FrozenDictionary<string, ContractionNode> contractions, FrozenDictionary<int, (byte, byte)> classes)
    {
        _codePoints = codePoints;
        _starts = starts;
        _elements = elements;
        _contractions = contractions;
        _starters = contractions.Keys.Select(k => char.ConvertToUtf32(k, 0)).ToFrozenSet();
        _classes = classes;
    }

    /// <summary>A contraction prefix: its elements when it is a whole contraction, and whether longer ones start with it.</summary>
    private sealed record ContractionNode(CollationElement[]? Elements, bool HasLonger);

    public static CollationTable Load()
    {
        using var stream = typeof(CollationTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        var data = new byte[stream.Length];
        stream.ReadExactly(data);
        var reader = new Reader(data);
        if (data.Length < 5 || !data.AsSpan(0, 4).SequenceEqual("VGUL"u8) || data[4] != 1)
            throw new InvalidDataException($"{ResourceName} is not a version 1 VGUL file.");
        reader.Position = 5;

        var count = reader.ReadInt();
        var codePoints = new int[count];
        var starts = new int[count + 1];
        var elements = new List<CollationElement>(count + (count / 4));
        var codePoint = -1;
        for (var i = 0; i < count; i++)
        {
            codePoint += reader.ReadInt();
            codePoints[i] = codePoint;
            starts[i] = elements.Count;
            reader.ReadElements(elements);
        }

        starts[count] = elements.Count;

        var nodes = new Dictionary<string, ContractionNode>(StringComparer.Ordinal);
        var contractionCount = reader.ReadInt();
        var text = new StringBuilder();
        for (var i = 0; i < contractionCount; i++)
        {
            var length = reader.ReadInt();
            text.Clear();
            for (var j = 0; j < length; j++)
            {
                text.Append(char.ConvertFromUtf32(reader.ReadInt()));
                var prefix = text.ToString();
                if (j < length - 1)
                {
                    nodes[prefix] = nodes.TryGetValue(prefix, out var node) ? node with { HasLonger = true } : new ContractionNode(null, true);
                }
            }

            var own = new List<CollationElement>();
            reader.ReadElements(own);
            var whole = text.ToString();
            nodes[whole] = new ContractionNode([.. own], nodes.TryGetValue(whole, out var existing) && existing.HasLonger);
        }

        var classes = new Dictionary<int, (byte, byte)>();
        var classCount = reader.ReadInt();
        codePoint = -1;
        for (var i = 0; i < classCount; i++)
        {
            codePoint += reader.ReadInt();
            classes[codePoint] = (reader.ReadByte(), reader.ReadByte());
        }

        if (reader.Position != data.Length)
            throw new InvalidDataException($"{ResourceName} has {data.Length - reader.Position} trailing bytes.");
        return new CollationTable(codePoints, starts, [.. elements], nodes.ToFrozenDictionary(StringComparer.Ordinal),
            classes.ToFrozenDictionary());
    }

    public bool TryGetElements(int codePoint, out ReadOnlySpan<CollationElement> elements)
    {
        var index = Array.BinarySearch(_codePoints, codePoint);
        if (index < 0)
        {
            elements = default;
            return false;
        }

        elements = _elements.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);
        return true;
    }

    /// <summary>
    /// <c>colltab.Table.appendNext</c>: appends the elements of the token at the start of <paramref name="input"/>
    /// (a contraction, a code point, a Hangul syllable's jamo or an implicit weight) and returns the code points consumed.
    /// </summary>
    public int AppendNext(List<CollationElement> output, ReadOnlySpan<int> input)
    {
        var codePoint = input[0];
        if (_starters.Contains(codePoint))
            return MatchContraction(output, input);
        if (TryGetElements(codePoint, out var elements))
        {
            output.AddRange(elements);
        }
        else if (codePoint is >= FirstHangul and <= LastHangul)
        {
            // Hangul syllables are not in the table; the collator decomposes them (NFD) and looks up each jamo.
            var index = codePoint - FirstHangul;
            AppendTableElements(output, 0x1100 + (index / 588));
            AppendTableElements(output, 0x1161 + (index % 588 / 28));
            if (index % 28 != 0)
                AppendTableElements(output, 0x11A7 + (index % 28));
        }
        else
        {
            output.Add(new CollationElement(UnicodeLooseWeights.ImplicitPrimary(codePoint), 0));
        }

        return 1;
    }

    private void AppendTableElements(List<CollationElement> output, int codePoint)
    {
        if (!TryGetElements(codePoint, out var elements))
            throw new InvalidOperationException($"The collation table lacks U+{codePoint:X4}.");
        output.AddRange(elements);
    }

    /// <summary>
    /// <c>colltab.Table.matchContraction</c>: the longest contraction starting at <paramref name="input"/>[0], first
    /// over contiguous code points and then, if the next code point is a combining mark, skipping unblocked marks (a
    /// mark is blocked by an earlier skipped one of the same or higher class). Skipped marks before the last matched one
    /// follow the contraction's elements.
    /// </summary>
    private int MatchContraction(List<CollationElement> output, ReadOnlySpan<int> input)
    {
        var state = char.ConvertFromUtf32(input[0]);
        CollationElement[]? matched = null;
        var matchedEnd = 1;
        var done = false;
        var p = 1;
        while (p < input.Length)
        {
            var candidate = state + char.ConvertFromUtf32(input[p]);
            if (!_contractions.TryGetValue(candidate, out var node))
                break;
            state = candidate;
            p++;
            if (node.Elements is not null)
            {
                matched = node.Elements;
                matchedEnd = p;
            }

            if (!node.HasLonger)
            {
                done = true;
                break;
            }
        }

        var skipped = new List<int>();
        var skippedBeforeMatch = 0;
        // Discontiguous matching starts only at a non-ASCII combining mark (the Go code checks the UTF-8 lead byte).
        if (!done && p < input.Length && input[p] >= 0x80 && LeadClass(input[p]) != 0)
        {
            var gapStart = p;
            var previousClass = TrailClass(input[p]);
            p++;
            while (p < input.Length && !done && input[p] >= 0x80)
            {
                var lead = LeadClass(input[p]);
                if (lead == 0 || previousClass >= lead)
                    break;
                previousClass = TrailClass(input[p]);
                var candidate = state + char.ConvertFromUtf32(input[p]);
                if (_contractions.TryGetValue(candidate, out var node))
                {
                    skipped.AddRange(input[gapStart..p]);
                    state = candidate;
                    p++;
                    gapStart = p;
                    if (node.Elements is not null)
                    {
                        matched = node.Elements;
                        matchedEnd = p;
                        skippedBeforeMatch = skipped.Count;
                    }

                    done = !node.HasLonger;
                }
                else
                {
                    p++;
                }
            }
        }

        if (matched is null)
        {
            // No contraction: the starter's own elements (Go: the contraction table's entry at offset 0).
            matchedEnd = 1;
            skippedBeforeMatch = 0;
            AppendTableElements(output, input[0]);
        }
        else
        {
            output.AddRange(matched);
        }

        var rest = skipped.ToArray().AsSpan(0, skippedBeforeMatch);
        while (!rest.IsEmpty)
            rest = rest[AppendNext(output, rest)..];
        return matchedEnd;
    }

    private byte LeadClass(int codePoint) => _classes.TryGetValue(codePoint, out var c) ? c.Lead : (byte)0;

    private byte TrailClass(int codePoint) => _classes.TryGetValue(codePoint, out var c) ? c.Trail : (byte)0;

    private ref struct Reader(byte[] data)
    {
        private readonly byte[] _data = data;

        public int Position { get; set; }

        public byte ReadByte() => Position < _data.Length
            ? _data[Position++]
            : throw new InvalidDataException("UnicodeLooseWeights.bin is truncated.");

        public int ReadInt()
        {
            var value = 0;
            for (var shift = 0; shift < 32; shift += 7)
            {
                var b = ReadByte();
                value |= (b & 0x7F) << shift;
                if (b < 0x80)
                    return value;
            }

            throw new InvalidDataException("UnicodeLooseWeights.bin has an over-long varint.");
        }

        public void ReadElements(List<CollationElement> output)
        {
            var count = ReadInt();
            for (var i = 0; i < count; i++)
                output.Add(new CollationElement(ReadInt(), ReadByte()));
        }
    }
}
