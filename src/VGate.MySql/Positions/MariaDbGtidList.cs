using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace VGate.MySql.Positions;

/// <summary>
/// An immutable MariaDB GTID position: at most one GTID per replication domain, kept sorted by domain, written
/// <c>0-1-100,1-2-5</c> (the form of <c>@@gtid_binlog_pos</c> and <c>@@gtid_slave_pos</c>).
/// See https://mariadb.com/kb/en/gtid/
/// </summary>
public sealed class MariaDbGtidList : IEquatable<MariaDbGtidList>
{
    private readonly ImmutableArray<MariaDbGtid> _gtids;
    private string? _text;

    private MariaDbGtidList(ImmutableArray<MariaDbGtid> gtids) => _gtids = gtids;

    /// <summary>The empty position.</summary>
    public static MariaDbGtidList Empty { get; } = new([]);

    /// <summary>The GTIDs, one per domain, sorted by domain id.</summary>
    public ImmutableArray<MariaDbGtid> Gtids => _gtids;

    /// <summary>Number of domains.</summary>
    public int Count => _gtids.Length;

    /// <summary>True when no domain has a GTID.</summary>
    public bool IsEmpty => _gtids.IsEmpty;

    public static bool operator ==(MariaDbGtidList? left, MariaDbGtidList? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(MariaDbGtidList? left, MariaDbGtidList? right) => !(left == right);

    /// <summary>Creates a list from GTIDs of distinct domains, in any order.</summary>
    /// <exception cref="ArgumentException">Two GTIDs have the same domain.</exception>
    public static MariaDbGtidList Create(IEnumerable<MariaDbGtid> gtids)
    {
        ArgumentNullException.ThrowIfNull(gtids);
        var sorted = gtids.OrderBy(static g => g.DomainId).ToImmutableArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].DomainId == sorted[i - 1].DomainId)
                throw new ArgumentException($"Domain {sorted[i].DomainId} appears more than once.", nameof(gtids));
        }

        return sorted.IsEmpty ? Empty : new MariaDbGtidList(sorted);
    }

    /// <summary>Parses <c>domain-server-sequence</c> items separated by commas; empty text is the empty list.</summary>
    /// <exception cref="FormatException">The text is not a GTID list, or names a domain twice; the message quotes it.</exception>
    public static MariaDbGtidList Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static MariaDbGtidList Parse(ReadOnlySpan<char> s) =>
        TryParseCore(s, out var list, out var error) ? list : throw new FormatException(FormatError(s, error));

    /// <summary>Tries to parse a comma-separated GTID list.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out MariaDbGtidList? result)
    {
        if (s is null)
        {
            result = null;
            return false;
        }

        return TryParse(s.AsSpan(), out result);
    }

    /// <inheritdoc cref="TryParse(string?, out MariaDbGtidList?)"/>
    public static bool TryParse(ReadOnlySpan<char> s, [NotNullWhen(true)] out MariaDbGtidList? result)
    {
        if (TryParseCore(s, out var list, out _))
        {
            result = list;
            return true;
        }

        result = null;
        return false;
    }

    /// <summary>Gets the GTID of a domain.</summary>
    public bool TryGetGtid(uint domainId, out MariaDbGtid gtid)
    {
        var index = IndexOf(domainId);
        gtid = index >= 0 ? _gtids[index] : default;
        return index >= 0;
    }

    /// <summary>Returns a list where <paramref name="gtid"/> replaces the entry of its domain (or is added).</summary>
    public MariaDbGtidList Update(MariaDbGtid gtid)
    {
        var index = IndexOf(gtid.DomainId);
        if (index >= 0)
            return _gtids[index] == gtid ? this : new MariaDbGtidList(_gtids.SetItem(index, gtid));
        return new MariaDbGtidList(_gtids.Insert(~index, gtid));
    }

    /// <summary>
    /// True when the position has passed <paramref name="gtid"/>: its domain is present with a sequence number
    /// at least <paramref name="gtid"/>'s. The server id is not compared, as in MariaDB.
    /// </summary>
    public bool Contains(MariaDbGtid gtid) => TryGetGtid(gtid.DomainId, out var own) && own.Sequence >= gtid.Sequence;

    /// <summary>True when this position has passed every GTID of <paramref name="other"/>.</summary>
    public bool Contains(MariaDbGtidList other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var gtid in other._gtids)
        {
            if (!Contains(gtid))
                return false;
        }

        return true;
    }

    /// <summary>The canonical form: GTIDs sorted by domain, joined with <c>,</c>; empty for the empty list.</summary>
    public override string ToString() => _text ??= string.Join(',', _gtids);

    public bool Equals(MariaDbGtidList? other) =>
        ReferenceEquals(this, other) || (other is not null && _gtids.AsSpan().SequenceEqual(other._gtids.AsSpan()));

    public override bool Equals(object? obj) => Equals(obj as MariaDbGtidList);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var gtid in _gtids)
            hash.Add(gtid);
        return hash.ToHashCode();
    }

    internal static string FormatError(ReadOnlySpan<char> input, string? error) => $"Invalid MariaDB GTID list \"{input}\": {error}.";

    internal static bool TryParseCore(ReadOnlySpan<char> s, out MariaDbGtidList list, [NotNullWhen(false)] out string? error)
    {
        list = Empty;
        error = null;
        var text = s.Trim();
        if (text.IsEmpty)
            return true;
        var gtids = new List<MariaDbGtid>();
        foreach (var range in text.Split(','))
        {
            var item = text[range].Trim();
            if (item.IsEmpty)
            {
                error = "empty element between commas";
                return false;
            }

            if (!MariaDbGtid.TryParseCore(item, out var gtid, out var itemError))
            {
                error = $"\"{item}\": {itemError}";
                return false;
            }

            if (gtids.Exists(g => g.DomainId == gtid.DomainId))
            {
                error = $"domain {gtid.DomainId} appears more than once";
                return false;
            }

            gtids.Add(gtid);
        }

        gtids.Sort(static (a, b) => a.DomainId.CompareTo(b.DomainId));
        list = new MariaDbGtidList([.. gtids]);
        return true;
    }

    private int IndexOf(uint domainId)
    {
        int low = 0, high = _gtids.Length - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var domain = _gtids[mid].DomainId;
            if (domain == domainId)
                return mid;
            if (domain < domainId)
                low = mid + 1;
            else
                high = mid - 1;
        }

        return ~low;
    }
}
