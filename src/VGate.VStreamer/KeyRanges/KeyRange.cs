using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.KeyRanges;

/// <summary>
/// A Vitess key range: the keyspace ids <c>k</c> with <c>Start ≤ k &lt; End</c>, where an empty <see cref="Start"/>
/// means "from the minimum" and an empty <see cref="End"/> means "to the maximum". Written as a shard name:
/// <c>-80</c>, <c>80-</c>, <c>40-80</c>, <c>-4000</c>; <c>-</c> and <c>0</c> are the full range.
/// </summary>
/// <remarks>
/// <para>
/// Bounds compare as Vitess's <c>go/vt/key</c> does, bytewise after dropping trailing zero bytes
/// (<see cref="KeyspaceIds.Normalize"/>): <c>-80</c>, <c>-8000</c> and <c>00-80</c> are equal ranges.
/// <see cref="ToString"/> keeps the bytes as given (<c>-8000</c> stays <c>-8000</c>, as Vitess's
/// <c>KeyRangeString</c> does) except that every full range prints as <c>-</c>.
/// </para>
/// <para>The <c>default</c> value is the full range.</para>
/// </remarks>
public readonly struct KeyRange : IEquatable<KeyRange>, IComparable<KeyRange>, IComparable
{
    private readonly byte[]? _start;
    private readonly byte[]? _end;

    /// <summary>Creates the range [<paramref name="start"/>, <paramref name="end"/>); an empty side is unbounded.</summary>
    /// <exception cref="ArgumentException">Both sides are bounded and <paramref name="start"/> is not below <paramref name="end"/>.</exception>
    public KeyRange(ReadOnlySpan<byte> start, ReadOnlySpan<byte> end)
    {
        if (!KeyspaceIds.IsEmpty(start) && !KeyspaceIds.IsEmpty(end) && KeyspaceIds.Compare(start, end) >= 0)
        {
            throw new ArgumentException(
                $"The key range start {Convert.ToHexStringLower(start)} must be below its end {Convert.ToHexStringLower(end)}.",
                nameof(start));
        }

        _start = start.IsEmpty ? null : start.ToArray();
        _end = end.IsEmpty ? null : end.ToArray();
    }

    /// <summary>The whole keyspace (<c>-</c>).</summary>
    public static KeyRange Full => default;

    /// <summary>Inclusive lower bound as given (may have trailing zeros); empty means the minimum.</summary>
    public ReadOnlySpan<byte> Start => _start;

    /// <summary>Exclusive upper bound as given (may have trailing zeros); empty means the maximum.</summary>
    public ReadOnlySpan<byte> End => _end;

    /// <summary>True when the lower bound is the minimum (empty, or only zero bytes).</summary>
    public bool IsStartUnbounded => KeyspaceIds.IsEmpty(_start);

    /// <summary>True when the upper bound is the maximum (empty, or only zero bytes).</summary>
    public bool IsEndUnbounded => KeyspaceIds.IsEmpty(_end);

    /// <summary>True when the range covers every keyspace id (Vitess <c>KeyRangeIsComplete</c>).</summary>
    public bool IsFull => IsStartUnbounded && IsEndUnbounded;

    /// <summary>True when the range does not cover every keyspace id (Vitess <c>KeyRangeIsPartial</c>).</summary>
    public bool IsPartial => !IsFull;

    public static bool operator ==(KeyRange left, KeyRange right) => left.Equals(right);

    public static bool operator !=(KeyRange left, KeyRange right) => !left.Equals(right);

    public static bool operator <(KeyRange left, KeyRange right) => left.CompareTo(right) < 0;

    public static bool operator <=(KeyRange left, KeyRange right) => left.CompareTo(right) <= 0;

    public static bool operator >(KeyRange left, KeyRange right) => left.CompareTo(right) > 0;

    public static bool operator >=(KeyRange left, KeyRange right) => left.CompareTo(right) >= 0;

    /// <summary>
    /// Parses a shard name: <c>0</c> or <c>-</c> (full range), or <c>&lt;start&gt;-&lt;end&gt;</c> where each side is
    /// empty or an even number of hex digits (either case), and start is below end.
    /// </summary>
    /// <exception cref="FormatException">The text is not a key range; the message quotes it and says what is wrong.</exception>
    public static KeyRange Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static KeyRange Parse(ReadOnlySpan<char> s) =>
        TryParseCore(s, out var range, out var error) ? range : throw new FormatException(FormatError(s, error));

    /// <summary>Tries to parse a shard name; see <see cref="Parse(string)"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out KeyRange result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParseCore(s, out result, out _);
    }

    /// <inheritdoc cref="TryParse(string?, out KeyRange)"/>
    public static bool TryParse(ReadOnlySpan<char> s, out KeyRange result) => TryParseCore(s, out result, out _);

    /// <summary>
    /// Parses a sharding spec (Vitess <c>ParseShardingSpec</c>): <c>a-b-c-d</c> is the consecutive ranges
    /// <c>a-b</c>, <c>b-c</c>, <c>c-d</c>; an empty first or last boundary is the minimum or maximum, so
    /// <c>-40-80-c0-</c> is <c>-40</c>, <c>40-80</c>, <c>80-c0</c>, <c>c0-</c>. <c>0</c> and <c>-</c> are the full range.
    /// </summary>
    /// <exception cref="FormatException">
    /// The spec has no <c>-</c>, an empty boundary in the middle, a boundary that is not even-length hex, or
    /// boundaries that are not strictly increasing.
    /// </exception>
    public static IReadOnlyList<KeyRange> ParseShardingSpec(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec == "0")
            return [Full];
        var parts = spec.Split('-');
        if (parts.Length == 1)
            throw SpecError(spec, "it has no '-', so it does not define a range");

        var bounds = new byte[parts.Length][];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryDecodeHex(parts[i], out var bytes, out var problem))
                throw SpecError(spec, $"boundary \"{parts[i]}\" {problem}");
            if (i != 0 && i != parts.Length - 1 && KeyspaceIds.IsEmpty(bytes))
            {
                throw SpecError(spec, parts[i].Length == 0
                    ? $"boundary {i + 1} is empty; only the first and last boundaries may be (minimum and maximum)"
                    : $"boundary \"{parts[i]}\" is all zero bytes (the minimum); only the first boundary may be");
            }

            bounds[i] = bytes;
        }

        var ranges = new KeyRange[parts.Length - 1];
        for (var i = 0; i < ranges.Length; i++)
        {
            var start = bounds[i];
            var end = bounds[i + 1];
            if (!KeyspaceIds.IsEmpty(start) && !KeyspaceIds.IsEmpty(end) && KeyspaceIds.Compare(start, end) >= 0)
                throw SpecError(spec, $"boundaries must increase, but \"{parts[i + 1]}\" is not above \"{parts[i]}\"");
            ranges[i] = new KeyRange(start, end);
        }

        return ranges;
    }

    /// <summary>
    /// True when <paramref name="keyspaceId"/> is in the range (Vitess <c>KeyRangeContains</c>): at or above the start
    /// and below the end, comparing without trailing zero bytes.
    /// </summary>
    public bool Contains(ReadOnlySpan<byte> keyspaceId) =>
        (IsStartUnbounded || KeyspaceIds.Compare(keyspaceId, _start) >= 0) &&
        (IsEndUnbounded || KeyspaceIds.Compare(keyspaceId, _end) < 0);

    /// <summary>True when every keyspace id of <paramref name="other"/> is in this range (Vitess <c>KeyRangeContainsKeyRange</c>).</summary>
    public bool Contains(KeyRange other) => CompareStarts(other, this) >= 0 && CompareEnds(other, this) <= 0;

    /// <summary>True when some keyspace id is in both ranges (Vitess <c>KeyRangeIntersect</c>).</summary>
    public bool Intersects(KeyRange other)
    {
        if (IsFull || other.IsFull)
            return true;
        return (IsEndUnbounded || KeyspaceIds.Compare(other._start, _end) < 0) &&
            (other.IsEndUnbounded || KeyspaceIds.Compare(_start, other._end) < 0);
    }

    /// <summary>
    /// The shard-name form: lowercase hex <c>start-end</c> with the bytes as given, or <c>-</c> for the full range.
    /// <see cref="Parse(string)"/> reads it back to an equal range.
    /// </summary>
    public override string ToString() =>
        IsFull ? "-" : Convert.ToHexStringLower(Start) + "-" + Convert.ToHexStringLower(End);

    /// <summary>Equal when both bounds are the same points, ignoring trailing zero bytes (Vitess <c>KeyRangeEqual</c>).</summary>
    public bool Equals(KeyRange other) => CompareStarts(this, other) == 0 && CompareEnds(this, other) == 0;

    public override bool Equals(object? obj) => obj is KeyRange other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(KeyspaceIds.Normalize(_start));
        hash.Add(-1);
        hash.AddBytes(KeyspaceIds.Normalize(_end));
        return hash.ToHashCode();
    }

    /// <summary>Orders by start (minimum first), then by end (maximum last), as Vitess <c>KeyRangeCompare</c>.</summary>
    public int CompareTo(KeyRange other)
    {
        var order = CompareStarts(this, other);
        return order != 0 ? order : CompareEnds(this, other);
    }

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        KeyRange other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(KeyRange)}.", nameof(obj)),
    };

    /// <summary>Compares two starts, an unbounded start being the minimum (Vitess <c>KeyRangeStartCompare</c>).</summary>
    internal static int CompareStarts(KeyRange left, KeyRange right) =>
        (left.IsStartUnbounded, right.IsStartUnbounded) switch
        {
            (true, true) => 0,
            (true, false) => -1,
            (false, true) => 1,
            _ => KeyspaceIds.Compare(left._start, right._start),
        };

    /// <summary>Compares two ends, an unbounded end being the maximum (Vitess <c>KeyRangeEndCompare</c>).</summary>
    internal static int CompareEnds(KeyRange left, KeyRange right) =>
        (left.IsEndUnbounded, right.IsEndUnbounded) switch
        {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            _ => KeyspaceIds.Compare(left._end, right._end),
        };

    internal static string FormatError(ReadOnlySpan<char> input, string? error) => $"Invalid key range \"{input}\": {error}.";

    internal static bool TryParseCore(ReadOnlySpan<char> s, out KeyRange result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (s.Length == 1 && s[0] == '0')
        {
            error = null;
            return true;
        }

        var dash = s.IndexOf('-');
        if (dash < 0 || s[(dash + 1)..].Contains('-'))
        {
            error = s.IsEmpty
                ? "a shard name is \"0\", \"-\" or <start>-<end> in hex, e.g. \"-80\", \"80-\", \"40-80\""
                : dash < 0
                    ? "expected one '-' between start and end (\"0\" or \"-\" for the full range)"
                    : "expected one '-' between start and end, found more (a sharding spec such as \"-40-80-\" is several ranges)";
            return false;
        }

        if (!TryDecodeHex(s[..dash], out var start, out var problem))
        {
            error = $"start \"{s[..dash]}\" {problem}";
            return false;
        }

        if (!TryDecodeHex(s[(dash + 1)..], out var end, out problem))
        {
            error = $"end \"{s[(dash + 1)..]}\" {problem}";
            return false;
        }

        if (!KeyspaceIds.IsEmpty(start) && !KeyspaceIds.IsEmpty(end) && KeyspaceIds.Compare(start, end) >= 0)
        {
            error = $"start {s[..dash]} must be below end {s[(dash + 1)..]}";
            return false;
        }

        result = new KeyRange(start, end);
        error = null;
        return true;
    }

    private static bool TryDecodeHex(ReadOnlySpan<char> hex, out byte[] bytes, [NotNullWhen(false)] out string? problem)
    {
        bytes = [];
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                problem = $"is not hexadecimal ('{c}')";
                return false;
            }
        }

        if (hex.Length % 2 != 0)
        {
            problem = "has an odd number of hex digits";
            return false;
        }

        bytes = Convert.FromHexString(hex);
        problem = null;
        return true;
    }

    private static FormatException SpecError(string spec, string problem) =>
        new($"Invalid sharding spec \"{spec}\": {problem}.");
}
