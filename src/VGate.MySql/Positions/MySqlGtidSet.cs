using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace VGate.MySql.Positions;

/// <summary>
/// An immutable MySQL GTID set: for each source UUID and tag, a list of closed intervals of sequence numbers.
/// Text form as MySQL prints it (<c>@@gtid_executed</c>):
/// <c>3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,4f22...:1-3</c>, and with MySQL 8.4+ tags
/// <c>uuid:1-3:tag1:4-5:tag2:7</c> (untagged intervals first, then tags in alphabetical order).
/// See https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
/// </summary>
/// <remarks>
/// <see cref="ToString"/> is canonical: UUIDs sorted, lowercase, intervals sorted with overlapping and adjacent
/// ones merged, and <c>,</c> between UUIDs (MySQL itself prints <c>,\n</c>; <see cref="Parse(string)"/> accepts both).
/// The binary form used by PREVIOUS_GTIDS and COM_BINLOG_DUMP_GTID is produced by <see cref="EncodeBinary()"/> and
/// read by <see cref="DecodeBinary(ReadOnlySpan{byte})"/>.
/// </remarks>
public sealed partial class MySqlGtidSet : IEquatable<MySqlGtidSet>
{
    private readonly ImmutableArray<MySqlGtidSetEntry> _entries;
    private string? _text;

    private MySqlGtidSet(ImmutableArray<MySqlGtidSetEntry> entries) => _entries = entries;

    /// <summary>The empty set.</summary>
    public static MySqlGtidSet Empty { get; } = new([]);

    /// <summary>The entries, one per (source UUID, tag), sorted by UUID and then tag (untagged first).</summary>
    public ImmutableArray<MySqlGtidSetEntry> Entries => _entries;

    /// <summary>True when the set holds no GTID.</summary>
    public bool IsEmpty => _entries.IsEmpty;

    /// <summary>True when any entry is tagged (the set then needs the tagged binary format).</summary>
    public bool HasTags
    {
        get
        {
            foreach (var entry in _entries)
            {
                if (entry.IsTagged)
                    return true;
            }

            return false;
        }
    }

    public static bool operator ==(MySqlGtidSet? left, MySqlGtidSet? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(MySqlGtidSet? left, MySqlGtidSet? right) => !(left == right);

    /// <summary>Creates a set holding the given GTIDs.</summary>
    public static MySqlGtidSet Create(IEnumerable<MySqlGtid> gtids)
    {
        ArgumentNullException.ThrowIfNull(gtids);
        var builder = new Builder();
        foreach (var gtid in gtids)
            builder.Add(gtid.SourceId, gtid.Tag, new MySqlGtidInterval(gtid.Sequence, gtid.Sequence));
        return builder.Build();
    }

    /// <summary>Parses a GTID set in MySQL's text form; the empty string (or only whitespace) is the empty set.</summary>
    /// <remarks>
    /// Whitespace (including the newlines MySQL prints after each comma) is allowed around every element. UUIDs may be
    /// written with or without hyphens or in braces, in any case; tags are lowercased. An interval whose end is smaller
    /// than its start is ignored, as MySQL does; a sequence number of 0 is an error.
    /// </remarks>
    /// <exception cref="FormatException">The text is not a GTID set; the message quotes it and names the bad element.</exception>
    public static MySqlGtidSet Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static MySqlGtidSet Parse(ReadOnlySpan<char> s) =>
        TryParseCore(s, out var set, out var error) ? set : throw new FormatException(FormatError(s, error));

    /// <summary>Tries to parse a GTID set in MySQL's text form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out MySqlGtidSet? result)
    {
        if (s is null)
        {
            result = null;
            return false;
        }

        return TryParse(s.AsSpan(), out result);
    }

    /// <inheritdoc cref="TryParse(string?, out MySqlGtidSet?)"/>
    public static bool TryParse(ReadOnlySpan<char> s, [NotNullWhen(true)] out MySqlGtidSet? result)
    {
        if (TryParseCore(s, out var set, out _))
        {
            result = set;
            return true;
        }

        result = null;
        return false;
    }

    /// <summary>True when <paramref name="gtid"/> is in the set.</summary>
    public bool Contains(MySqlGtid gtid)
    {
        var index = IndexOf(gtid.SourceId, gtid.Tag);
        return index >= 0 && GtidIntervals.Contains(_entries[index].Intervals, gtid.Sequence);
    }

    /// <summary>True when this set is a superset of <paramref name="other"/> (every GTID of it is in this set).</summary>
    public bool Contains(MySqlGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var entry in other._entries)
        {
            var index = IndexOf(entry.SourceId, entry.Tag);
            if (index < 0 || !GtidIntervals.ContainsAll(_entries[index].Intervals, entry.Intervals))
                return false;
        }

        return true;
    }

    /// <summary>Returns this set with <paramref name="gtid"/> added (the same instance when it is already there).</summary>
    public MySqlGtidSet Add(MySqlGtid gtid)
    {
        if (gtid.Sequence < 1)
            throw new ArgumentException("The GTID has no sequence number (default value).", nameof(gtid));
        if (Contains(gtid))
            return this;
        var single = new MySqlGtidSetEntry(gtid.SourceId, gtid.Tag, [new MySqlGtidInterval(gtid.Sequence, gtid.Sequence)]);
        return Union(new MySqlGtidSet([single]));
    }

    /// <summary>Returns the union of this set and <paramref name="other"/>.</summary>
    public MySqlGtidSet Union(MySqlGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty)
            return this;
        if (IsEmpty)
            return other;
        var result = ImmutableArray.CreateBuilder<MySqlGtidSetEntry>(_entries.Length + other._entries.Length);
        int i = 0, j = 0;
        while (i < _entries.Length && j < other._entries.Length)
        {
            var a = _entries[i];
            var b = other._entries[j];
            var order = CompareKeys(a.SourceId, a.Tag, b.SourceId, b.Tag);
            if (order < 0)
            {
                result.Add(a);
                i++;
            }
            else if (order > 0)
            {
                result.Add(b);
                j++;
            }
            else
            {
                result.Add(new MySqlGtidSetEntry(a.SourceId, a.Tag, GtidIntervals.Union(a.Intervals, b.Intervals)));
                i++;
                j++;
            }
        }

        for (; i < _entries.Length; i++)
            result.Add(_entries[i]);
        for (; j < other._entries.Length; j++)
            result.Add(other._entries[j]);
        return new MySqlGtidSet(result.DrainToImmutable());
    }

    /// <summary>Returns the GTIDs of this set that are not in <paramref name="other"/>.</summary>
    public MySqlGtidSet Subtract(MySqlGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty || IsEmpty)
            return this;
        var result = ImmutableArray.CreateBuilder<MySqlGtidSetEntry>(_entries.Length);
        var j = 0;
        foreach (var a in _entries)
        {
            while (j < other._entries.Length && CompareKeys(other._entries[j].SourceId, other._entries[j].Tag, a.SourceId, a.Tag) < 0)
                j++;
            if (j < other._entries.Length && CompareKeys(other._entries[j].SourceId, other._entries[j].Tag, a.SourceId, a.Tag) == 0)
            {
                var remaining = GtidIntervals.Subtract(a.Intervals, other._entries[j].Intervals);
                if (!remaining.IsEmpty)
                    result.Add(new MySqlGtidSetEntry(a.SourceId, a.Tag, remaining));
            }
            else
            {
                result.Add(a);
            }
        }

        return result.Count == 0 ? Empty : new MySqlGtidSet(result.DrainToImmutable());
    }

    /// <summary>
    /// The canonical text form: UUIDs sorted and lowercase, each printed once and followed by its untagged intervals
    /// and then each tag with its intervals; <c>,</c> between UUIDs; the empty string for the empty set.
    /// </summary>
    public override string ToString() => _text ??= Format();

    public bool Equals(MySqlGtidSet? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null || other._entries.Length != _entries.Length)
            return false;
        for (var i = 0; i < _entries.Length; i++)
        {
            var a = _entries[i];
            var b = other._entries[i];
            if (a.SourceId != b.SourceId || !string.Equals(a.Tag, b.Tag, StringComparison.Ordinal) ||
                !a.Intervals.AsSpan().SequenceEqual(b.Intervals.AsSpan()))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as MySqlGtidSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var entry in _entries)
        {
            hash.Add(entry.SourceId);
            hash.Add(entry.Tag, StringComparer.Ordinal);
            foreach (var interval in entry.Intervals)
                hash.Add(interval);
        }

        return hash.ToHashCode();
    }

    internal static bool TryParseCore(ReadOnlySpan<char> s, out MySqlGtidSet set, [NotNullWhen(false)] out string? error)
    {
        set = Empty;
        error = null;
        var text = s.Trim();
        if (text.IsEmpty)
            return true;

        var builder = new Builder();
        foreach (var segmentRange in text.Split(','))
        {
            var segment = text[segmentRange].Trim();
            if (segment.IsEmpty)
            {
                error = "empty element between commas";
                return false;
            }

            if (!TryParseUuidSet(segment, builder, out error))
                return false;
        }

        set = builder.Build();
        return true;
    }

    internal static string FormatError(ReadOnlySpan<char> input, string? error) => $"Invalid MySQL GTID set \"{input}\": {error}.";

    // uuid_set: uuid { ':' ( interval | tag ) } with at least one interval, and at least one interval after each tag.
    private static bool TryParseUuidSet(ReadOnlySpan<char> segment, Builder builder, [NotNullWhen(false)] out string? error)
    {
        var parts = segment.Split(':');
        parts.MoveNext();
        var uuidText = segment[parts.Current].Trim();
        if (!PositionText.TryParseUuid(uuidText, out var uuid))
        {
            error = $"\"{uuidText}\" is not a UUID";
            return false;
        }

        var tag = "";
        var tagHasInterval = true;
        var any = false;
        while (parts.MoveNext())
        {
            any = true;
            var part = segment[parts.Current].Trim();
            if (part.IsEmpty)
            {
                error = $"empty interval after \"{uuidText}\"";
                return false;
            }

            if (char.IsAsciiDigit(part[0]))
            {
                if (!TryParseInterval(part, out var interval, out error))
                    return false;
                if (interval is { } value)
                    builder.Add(uuid, tag, value);
                tagHasInterval = true;
            }
            else
            {
                if (!tagHasInterval)
                {
                    error = $"tag \"{tag}\" has no interval";
                    return false;
                }

                if (!GtidTag.TryNormalize(part, out tag))
                {
                    error = $"\"{part}\" is not an interval or a valid GTID tag (expected {GtidTag.Pattern})";
                    return false;
                }

                tagHasInterval = false;
            }
        }

        if (!any)
        {
            error = $"expected uuid:interval, found \"{segment}\"";
            return false;
        }

        if (!tagHasInterval)
        {
            error = $"tag \"{tag}\" has no interval";
            return false;
        }

        error = null;
        return true;
    }

    // interval: start [ '-' end ]; an end below the start yields no interval (MySQL's Gtid_set::add_gtid_text).
    private static bool TryParseInterval(ReadOnlySpan<char> text, out MySqlGtidInterval? interval, [NotNullWhen(false)] out string? error)
    {
        interval = null;
        var dash = text.IndexOf('-');
        var startText = dash < 0 ? text : text[..dash].TrimEnd();
        if (!PositionText.TryParseSequence(startText, out var start, out error))
        {
            error = $"bad interval \"{text}\": {error}";
            return false;
        }

        var end = start;
        if (dash >= 0)
        {
            var endText = text[(dash + 1)..].TrimStart();
            if (!PositionText.TryParseDecimal(endText, out var endValue))
            {
                error = PositionText.IsAllDigits(endText)
                    ? $"bad interval \"{text}\": sequence number \"{endText}\" is larger than {MySqlGtid.MaxSequence}"
                    : $"bad interval \"{text}\": \"{endText}\" is not a sequence number";
                return false;
            }

            if (endValue > MySqlGtid.MaxSequence)
            {
                error = $"bad interval \"{text}\": sequence number \"{endText}\" is larger than {MySqlGtid.MaxSequence}";
                return false;
            }

            end = (long)endValue;
        }

        if (end >= start)
            interval = new MySqlGtidInterval(start, end);
        error = null;
        return true;
    }

    private static int CompareKeys(Guid uuidA, string tagA, Guid uuidB, string tagB)
    {
        // Guid.CompareTo orders like the big-endian bytes, i.e. like the lowercase text (and like MySQL's sid map).
        var order = uuidA.CompareTo(uuidB);
        return order != 0 ? order : string.CompareOrdinal(tagA, tagB);
    }

    private int IndexOf(Guid uuid, string tag)
    {
        int low = 0, high = _entries.Length - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var order = CompareKeys(_entries[mid].SourceId, _entries[mid].Tag, uuid, tag);
            if (order == 0)
                return mid;
            if (order < 0)
                low = mid + 1;
            else
                high = mid - 1;
        }

        return -1;
    }

    private string Format()
    {
        if (IsEmpty)
            return "";
        var builder = new StringBuilder();
        for (var i = 0; i < _entries.Length; i++)
        {
            var entry = _entries[i];
            if (i == 0 || _entries[i - 1].SourceId != entry.SourceId)
            {
                if (i != 0)
                    builder.Append(',');
                builder.Append(entry.SourceId.ToString("D"));
            }

            entry.AppendTagAndIntervals(builder);
        }

        return builder.ToString();
    }

    /// <summary>Collects intervals in any order and builds a normalised set.</summary>
    private sealed class Builder
    {
        private readonly Dictionary<(Guid Uuid, string Tag), List<MySqlGtidInterval>> _intervals = [];

        public void Add(Guid uuid, string tag, MySqlGtidInterval interval)
        {
            if (!_intervals.TryGetValue((uuid, tag), out var list))
            {
                list = [];
                _intervals.Add((uuid, tag), list);
            }

            list.Add(interval);
        }

        public MySqlGtidSet Build()
        {
            if (_intervals.Count == 0)
                return Empty;
            var keys = _intervals.Keys.ToList();
            keys.Sort(static (a, b) => CompareKeys(a.Uuid, a.Tag, b.Uuid, b.Tag));
            var entries = ImmutableArray.CreateBuilder<MySqlGtidSetEntry>(keys.Count);
            foreach (var key in keys)
                entries.Add(new MySqlGtidSetEntry(key.Uuid, key.Tag, GtidIntervals.Normalize(_intervals[key])));
            return new MySqlGtidSet(entries.MoveToImmutable());
        }
    }
}
