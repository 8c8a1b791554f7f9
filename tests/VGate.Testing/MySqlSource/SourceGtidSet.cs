using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace VGate.Testing.MySqlSource;

/// <summary>
/// The test source's own MySQL GTID set (untagged): source UUID → sorted, merged, inclusive intervals. Written apart from
/// VGate's <c>MySqlGtidSet</c> so that the two check each other: the source decodes the set VGate encodes into
/// COM_BINLOG_DUMP_GTID and prints sets the way MySQL prints <c>gtid_executed</c> (UUIDs in ascending order,
/// <c>uuid:1-5:7-9</c>, entries joined by <c>,</c>).
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
            foreach (var interval in parts.Skip(1))
            {
                var dash = interval.IndexOf('-', StringComparison.Ordinal);
                var start = long.Parse(dash < 0 ? interval : interval[..dash], CultureInfo.InvariantCulture);
                var end = dash < 0 ? start : long.Parse(interval[(dash + 1)..], CultureInfo.InvariantCulture);
                set.AddInterval(uuid, start, end);
            }
        }
        return set;
    }

    /// <summary>
    /// Decodes the binary (untagged) encoding of COM_BINLOG_DUMP_GTID and PREVIOUS_GTIDS: n_sids (8), then per SID the
    /// UUID (16), n_intervals (8) and [start, end) pairs (8 + 8).
    /// </summary>
    /// <exception cref="FormatException">The bytes are the tagged format (MySQL 8.4+ with tags) or malformed.</exception>
    public static SourceGtidSet DecodeBinary(ReadOnlySpan<byte> data)
    {
        var set = new SourceGtidSet();
        if (data.Length == 0)
            return set;
        if (data.Length < 8)
            throw new FormatException($"A GTID set needs at least 8 bytes, got {data.Length}.");
        var header = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if ((header & 0xFF) == 1 && (header >> 56) == 1)
            throw new FormatException("The tagged GTID set format is not supported by the test source.");
        var offset = 8;
        for (ulong i = 0; i < header; i++)
        {
            if (data.Length < offset + 24)
                throw new FormatException("The GTID set ends inside a SID entry.");
            var uuid = new Guid(data.Slice(offset, 16), bigEndian: true).ToString("D");
            offset += 16;
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
                set.AddInterval(uuid, start, endExclusive - 1);
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

    /// <summary>Whether <paramref name="uuid"/>:<paramref name="gno"/> is in the set.</summary>
    public bool Contains(string uuid, long gno) =>
        _entries.TryGetValue(uuid, out var intervals) && intervals.Exists(i => i.Start <= gno && gno <= i.End);

    /// <summary>Adds one GTID.</summary>
    public void Add(string uuid, long gno) => AddInterval(uuid, gno, gno);

    /// <summary>Adds every GTID of <paramref name="other"/>.</summary>
    public void UnionWith(SourceGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (uuid, intervals) in other._entries)
        {
            foreach (var (start, end) in intervals)
                AddInterval(uuid, start, end);
        }
    }

    /// <summary>The GTIDs of this set that <paramref name="other"/> does not hold.</summary>
    public SourceGtidSet Except(SourceGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new SourceGtidSet();
        foreach (var (uuid, intervals) in _entries)
        {
            foreach (var (start, end) in intervals)
            {
                for (var gno = start; gno <= end; gno++)
                {
                    if (!other.Contains(uuid, gno))
                        result.Add(uuid, gno);
                }
            }
        }
        return result;
    }

    /// <summary>Whether every GTID of this set is in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(SourceGtidSet other) => Except(other).IsEmpty;

    /// <summary>The largest GNO of <paramref name="uuid"/> in the set, 0 when none.</summary>
    public long LastGno(string uuid) => _entries.TryGetValue(uuid, out var intervals) && intervals.Count > 0 ? intervals[^1].End : 0;

    /// <summary>The UUIDs in the set.</summary>
    public IEnumerable<string> Uuids => _entries.Keys;

    /// <summary>MySQL's text form: <c>uuid:1-5:7</c>, entries in ascending UUID order joined by <c>,</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var (uuid, intervals) in _entries)
        {
            if (builder.Length > 0)
                builder.Append(',');
            builder.Append(uuid);
            foreach (var (start, end) in intervals)
            {
                builder.Append(':').Append(start.ToString(CultureInfo.InvariantCulture));
                if (end != start)
                    builder.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    private void AddInterval(string uuid, long start, long end)
    {
        if (!_entries.TryGetValue(uuid, out var intervals))
            _entries[uuid] = intervals = [];
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
