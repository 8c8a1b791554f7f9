using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VGate.MySql.Positions;

/// <summary>
/// A MariaDB global transaction ID: replication domain, originating server id and sequence number, written
/// <c>domain-server-sequence</c> (for example <c>0-1-100</c>).
/// See https://mariadb.com/kb/en/gtid/
/// </summary>
public readonly struct MariaDbGtid : IEquatable<MariaDbGtid>
{
    /// <summary>Creates a GTID.</summary>
    public MariaDbGtid(uint domainId, uint serverId, ulong sequence)
    {
        DomainId = domainId;
        ServerId = serverId;
        Sequence = sequence;
    }

    /// <summary>The replication domain (<c>gtid_domain_id</c>) in which <see cref="Sequence"/> is ordered.</summary>
    public uint DomainId { get; }

    /// <summary>The <c>server_id</c> of the server that committed the transaction.</summary>
    public uint ServerId { get; }

    /// <summary>The sequence number within the domain.</summary>
    public ulong Sequence { get; }

    public static bool operator ==(MariaDbGtid left, MariaDbGtid right) => left.Equals(right);

    public static bool operator !=(MariaDbGtid left, MariaDbGtid right) => !left.Equals(right);

    /// <summary>Parses <c>domain-server-sequence</c>; whitespace around the whole is allowed.</summary>
    /// <exception cref="FormatException">The text is not a MariaDB GTID; the message quotes it.</exception>
    public static MariaDbGtid Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static MariaDbGtid Parse(ReadOnlySpan<char> s) =>
        TryParseCore(s, out var gtid, out var error) ? gtid : throw new FormatException($"Invalid MariaDB GTID \"{s}\": {error}.");

    /// <summary>Tries to parse <c>domain-server-sequence</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out MariaDbGtid result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParseCore(s, out result, out _);
    }

    /// <inheritdoc cref="TryParse(string?, out MariaDbGtid)"/>
    public static bool TryParse(ReadOnlySpan<char> s, out MariaDbGtid result) => TryParseCore(s, out result, out _);

    /// <summary><c>domain-server-sequence</c>, as MariaDB prints it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{DomainId}-{ServerId}-{Sequence}");

    public bool Equals(MariaDbGtid other) => DomainId == other.DomainId && ServerId == other.ServerId && Sequence == other.Sequence;

    public override bool Equals(object? obj) => obj is MariaDbGtid other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(DomainId, ServerId, Sequence);

    internal static bool TryParseCore(ReadOnlySpan<char> s, out MariaDbGtid result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        var text = s.Trim();
        var first = text.IndexOf('-');
        var second = first < 0 ? -1 : text[(first + 1)..].IndexOf('-');
        if (first < 0 || second < 0 || text[(first + second + 2)..].Contains('-'))
        {
            error = "expected domain-server-sequence";
            return false;
        }

        var domainText = text[..first];
        var serverText = text.Slice(first + 1, second);
        var sequenceText = text[(first + second + 2)..];
        if (!PositionText.TryParseDecimal(domainText, out var domain) || domain > uint.MaxValue)
        {
            error = $"domain id \"{domainText}\" is not a number from 0 to {uint.MaxValue}";
            return false;
        }

        if (!PositionText.TryParseDecimal(serverText, out var server) || server > uint.MaxValue)
        {
            error = $"server id \"{serverText}\" is not a number from 0 to {uint.MaxValue}";
            return false;
        }

        if (!PositionText.TryParseDecimal(sequenceText, out var sequence))
        {
            error = $"sequence number \"{sequenceText}\" is not a number from 0 to {ulong.MaxValue}";
            return false;
        }

        result = new MariaDbGtid((uint)domain, (uint)server, sequence);
        error = null;
        return true;
    }
}
