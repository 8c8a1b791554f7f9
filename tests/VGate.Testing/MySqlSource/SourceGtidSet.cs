using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace VGate.Testing.MySqlSource;

/// <summary>
/// The test source's own MySQL GTID set: (source UUID, tag) → sorted, merged, inclusive intervals (the tag is empty for
/// untagged GTIDs; tags are MySQL 8.4+). Written apart from
/// VGate's <c>MySqlGtidSet</c> so that the two check each other: the source decodes the set VGate encodes into
/// COM_BINLOG_DUMP_GTID and prints sets the way MySQL prints <c>gtid_executed</c> (UUIDs in ascending order,
/// <c>uuid:1-5:7-9:tag:1-2</c>, untagged intervals first, then each tag; entries joined by <c>,</c>).
/// </summary>
public sealed class SourceGtidSet
{
    private readonly SortedDictionary<string, List<(long Start, long End)>> _entries = new(StringComparer.Ordinal);

    /// <summary>True when the set holds no GTID.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>Parses MySQL's text form (<c>uuid:1-5:7,uuid2:3</c>; whitespace and newlines ignored; empty = empty set).</summary>
    public static SourceGtidSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var set = new SourceGtidSet();
        foreach (var rawEntry in text.Replace("\n", "", StringComparison.Ordinal).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = rawEntry.Split(':');
            var uuid = Guid.Parse(parts[0]).ToString("D");
            var tag = "";
            foreach (var interval in parts.Skip(1))
            {
                if (interval.Length > 0 && !char.IsAsciiDigit(interval[0]))
                {
                    tag = interval.ToLowerInvariant();
                    continue;
                }
                var dash = interval.IndexOf('-', StringComparison.Ordinal);
                var start = long.Parse(dash < 0 ? interval : interval[..dash], CultureInfo.InvariantCulture);
                var end = dash < 0 ? start : long.Parse(interval[(dash + 1)..], CultureInfo.InvariantCulture);
                set.AddInterval(Key(uuid, tag), start, end);
            }
        }
        return set;
    }

    /// <summary>
    /// Decodes the binary encoding of COM_BINLOG_DUMP_GTID and PREVIOUS_GTIDS. Untagged: n_sids (8), then per SID the
    /// UUID (16), n_intervals (8) and [start, end) pairs (8 + 8). Tagged (MySQL 8.4+): the first 8 bytes are the format
    /// byte 1, n_tsids (6 bytes) and the format byte 1 again, and each UUID is followed by the tag, a length (a
    /// serialization-library varlen integer) and its characters.
    /// </summary>
    /// <exception cref="FormatException">The bytes are malformed.</exception>
    public static SourceGtidSet DecodeBinary(ReadOnlySpan<byte> data)
    {
        var set = new SourceGtidSet();
        if (data.Length == 0)
            return set;
        if (data.Length < 8)
            throw new FormatException($"A GTID set needs at least 8 bytes, got {data.Length}.");
        var header = BinaryPrimitives.ReadUInt64LittleEndian(data);
        var tagged = (header & 0xFF) == 1 && (header >> 56) == 1;
        var sids = tagged ? (header >> 8) & 0xFFFF_FFFF_FFFF : header;
        var offset = 8;
        for (ulong i = 0; i < sids; i++)
        {
            if (data.Length < offset + 24)
                throw new FormatException("The GTID set ends inside a SID entry.");
            var uuid = new Guid(data.Slice(offset, 16), bigEndian: true).ToString("D");
            offset += 16;
            var tag = "";
            if (tagged)
            {
                var length = (int)ReadVarlen(data, ref offset);
                if (length > 32 || data.Length < offset + length)
                    throw new FormatException($"Invalid GTID tag length {length}.");
                tag = System.Text.Encoding.ASCII.GetString(data.Slice(offset, length));
                offset += length;
            }
            var key = Key(uuid, tag);
            var count = BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);
            offset += 8;
            for (ulong j = 0; j < count; j++)
            {
                if (data.Length < offset + 16)
                    throw new FormatException("The GTID set ends inside an interval.");
                var start = BinaryPrimitives.ReadInt64LittleEndian(data[offset..]);
                var endExclusive = BinaryPrimitives.ReadInt64LittleEndian(data[(offset + 8)..]);
                offset += 16;
                if (start < 1 || endExclusive <= start)
                    throw new FormatException($"Invalid GTID interval [{start}, {endExclusive}).");
                set.AddInterval(key, start, endExclusive - 1);
            }
        }
        if (offset != data.Length)
            throw new FormatException($"{data.Length - offset} byte(s) after the GTID set.");
        return set;
    }

    /// <summary>A copy of this set.</summary>
    public SourceGtidSet Clone()
    {
        var copy = new SourceGtidSet();
        copy.UnionWith(this);
        return copy;
    }

    /// <summary>Whether <paramref name="uuid"/>[:<paramref name="tag"/>]:<paramref name="gno"/> is in the set.</summary>
    public bool Contains(string uuid, string tag, long gno) =>
        _entries.TryGetValue(Key(uuid, tag), out var intervals) && intervals.Exists(i => i.Start <= gno && gno <= i.End);

    /// <summary>Adds one GTID.</summary>
    public void Add(string uuid, string tag, long gno) => AddInterval(Key(uuid, tag), gno, gno);

    /// <summary>Adds every GTID of <paramref name="other"/>.</summary>
    public void UnionWith(SourceGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, intervals) in other._entries)
        {
            foreach (var (start, end) in intervals)
                AddInterval(key, start, end);
        }
    }

    /// <summary>The GTIDs of this set that <paramref name="other"/> does not hold.</summary>
    public SourceGtidSet Except(SourceGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new SourceGtidSet();
        foreach (var (key, intervals) in _entries)
        {
            var holes = other._entries.GetValueOrDefault(key) ?? [];
            foreach (var (start, end) in intervals)
            {
                // Walk the other set's sorted intervals, keeping what lies between them.
                var next = start;
                foreach (var hole in holes)
                {
                    if (hole.End < next || hole.Start > end)
                        continue;
                    if (hole.Start > next)
                        result.AddInterval(key, next, hole.Start - 1);
                    next = hole.End + 1;
                    if (next > end)
                        break;
                }
                if (next <= end)
                    result.AddInterval(key, next, end);
            }
        }
        return result;
    }

    /// <summary>Whether every GTID of this set is in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(SourceGtidSet other) => Except(other).IsEmpty;

    /// <summary>The largest untagged GNO of <paramref name="uuid"/> in the set, 0 when none.</summary>
    public long LastGno(string uuid) => _entries.TryGetValue(uuid, out var intervals) && intervals.Count > 0 ? intervals[^1].End : 0;

    /// <summary>The UUIDs in the set (tagged or not).</summary>
    public IEnumerable<string> Uuids => _entries.Keys.Select(k => k[..36]).Distinct(StringComparer.Ordinal);

    /// <summary>MySQL's text form: <c>uuid:1-5:7</c>, entries in ascending UUID order joined by <c>,</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        string? previous = null;
        // Keys sort as "uuid" < "uuid:tag", so the untagged intervals of a UUID come first, then its tags in order.
        foreach (var (key, intervals) in _entries)
        {
            var uuid = key[..36];
            if (uuid != previous)
            {
                if (builder.Length > 0)
                    builder.Append(',');
                builder.Append(uuid);
                previous = uuid;
            }
            if (key.Length > 36)
                builder.Append(key[36..]);
            foreach (var (start, end) in intervals)
            {
                builder.Append(':').Append(start.ToString(CultureInfo.InvariantCulture));
                if (end != start)
                    builder.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    private static string Key(string uuid, string tag) => tag.Length == 0 ? uuid : uuid + ":" + tag;

    /// <summary>
    /// An unsigned integer of MySQL's serialization library: the number of trailing 1 bits of the first byte, plus one,
    /// is the byte count; 1–8 bytes hold the little-endian value shifted left by that count, 9 bytes (0xFF first) the
    /// 8 bytes that follow.
    /// </summary>
    internal static ulong ReadVarlen(ReadOnlySpan<byte> data, ref int offset)
    {
        if (offset >= data.Length)
            throw new FormatException("A varlen integer is missing.");
        var count = System.Numerics.BitOperations.TrailingZeroCount(~(uint)data[offset]) + 1;
        if (count >= 9)
        {
            if (data.Length < offset + 9)
                throw new FormatException("A 9-byte varlen integer is cut short.");
            var wide = BinaryPrimitives.ReadUInt64LittleEndian(data[(offset + 1)..]);
            offset += 9;
            return wide;
        }
        if (data.Length < offset + count)
            throw new FormatException("A varlen integer is cut short.");
        ulong raw = 0;
        for (var i = count - 1; i >= 0; i--)
            raw = (raw << 8) | data[offset + i];
        offset += count;
        return raw >> count;
    }

    private void AddInterval(string key, long start, long end)
    {
        if (!_entries.TryGetValue(key, out var intervals))
            _entries[key] = intervals = [];
        intervals.Add((start, end));
        intervals.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(long Start, long End)>(intervals.Count);
        foreach (var interval in intervals)
        {
            if (merged.Count > 0 && interval.Start <= merged[^1].End + 1)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, interval.End));
            else
                merged.Add(interval);
        }
        intervals.Clear();
        intervals.AddRange(merged);
    }
}
