using System.Diagnostics.CodeAnalysis;

namespace VGate.MySql.Positions;

/// <summary>
/// One MySQL global transaction identifier: the source server's UUID, an optional tag (MySQL 8.4+) and the
/// transaction's sequence number (GNO). Text form as MySQL prints it: <c>3e11fa47-71ca-11e1-9e33-c80aa9429562:23</c>,
/// or with a tag <c>3e11fa47-71ca-11e1-9e33-c80aa9429562:mytag:23</c>.
/// See https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
/// </summary>
public readonly struct MySqlGtid : IEquatable<MySqlGtid>
{
    /// <summary>The largest sequence number MySQL assigns (<c>GNO_END - 1</c>, i.e. 2^63 - 2).</summary>
    public const long MaxSequence = long.MaxValue - 1;

    private readonly string? _tag;

    /// <summary>Creates an untagged GTID.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is not between 1 and <see cref="MaxSequence"/>.</exception>
    public MySqlGtid(Guid sourceId, long sequence)
        : this(sourceId, null, sequence)
    {
    }

    /// <summary>Creates a GTID; <paramref name="tag"/> is lowercased, and null or empty means untagged.</summary>
    /// <exception cref="ArgumentException"><paramref name="tag"/> does not match <c>[a-z_][a-z0-9_]{0,31}</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is not between 1 and <see cref="MaxSequence"/>.</exception>
    public MySqlGtid(Guid sourceId, string? tag, long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, MaxSequence);
        SourceId = sourceId;
        _tag = GtidTag.NormalizeArgument(tag, nameof(tag));
        Sequence = sequence;
    }

    /// <summary>The UUID of the server where the transaction was first committed.</summary>
    public Guid SourceId { get; }

    /// <summary>The lowercase tag, or the empty string for an untagged GTID.</summary>
    public string Tag => _tag ?? "";

    /// <summary>True when <see cref="Tag"/> is not empty.</summary>
    public bool IsTagged => !string.IsNullOrEmpty(_tag);

    /// <summary>The transaction's sequence number (GNO), from 1.</summary>
    public long Sequence { get; }

    public static bool operator ==(MySqlGtid left, MySqlGtid right) => left.Equals(right);

    public static bool operator !=(MySqlGtid left, MySqlGtid right) => !left.Equals(right);

    /// <summary>Parses <c>uuid:gno</c> or <c>uuid:tag:gno</c>.</summary>
    /// <exception cref="FormatException">The text is not a GTID; the message quotes it.</exception>
    public static MySqlGtid Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static MySqlGtid Parse(ReadOnlySpan<char> s) =>
        TryParseCore(s, out var gtid, out var error) ? gtid : throw new FormatException($"Invalid MySQL GTID \"{s}\": {error}.");

    /// <summary>Tries to parse <c>uuid:gno</c> or <c>uuid:tag:gno</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out MySqlGtid result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParseCore(s, out result, out _);
    }

    /// <inheritdoc cref="TryParse(string?, out MySqlGtid)"/>
    public static bool TryParse(ReadOnlySpan<char> s, out MySqlGtid result) => TryParseCore(s, out result, out _);

    /// <summary>The GTID as MySQL prints it, lowercase: <c>uuid:gno</c> or <c>uuid:tag:gno</c>.</summary>
    public override string ToString() => IsTagged
        ? $"{SourceId:D}:{Tag}:{Sequence}"
        : $"{SourceId:D}:{Sequence}";

    public bool Equals(MySqlGtid other) =>
        SourceId == other.SourceId && Sequence == other.Sequence && string.Equals(Tag, other.Tag, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is MySqlGtid other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(SourceId, Tag, Sequence);

    /// <summary>Creates a GTID from parts that are already validated and normalised.</summary>
    internal MySqlGtid(long sequence, Guid sourceId, string tag)
    {
        SourceId = sourceId;
        _tag = tag;
        Sequence = sequence;
    }

    private static bool TryParseCore(ReadOnlySpan<char> s, out MySqlGtid result, out string? error)
    {
        result = default;
        var text = s.Trim();
        var firstColon = text.IndexOf(':');
        if (firstColon < 0)
        {
            error = "expected uuid:sequence or uuid:tag:sequence";
            return false;
        }

        var uuidText = text[..firstColon].Trim();
        if (!PositionText.TryParseUuid(uuidText, out var uuid))
        {
            error = $"\"{uuidText}\" is not a UUID";
            return false;
        }

        var rest = text[(firstColon + 1)..];
        var tag = "";
        var secondColon = rest.IndexOf(':');
        if (secondColon >= 0)
        {
            var tagText = rest[..secondColon].Trim();
            if (!GtidTag.TryNormalize(tagText, out tag))
            {
                error = $"\"{tagText}\" is not a valid GTID tag (expected {GtidTag.Pattern})";
                return false;
            }

            rest = rest[(secondColon + 1)..];
        }

        if (!PositionText.TryParseSequence(rest.Trim(), out var sequence, out error))
            return false;

        result = new MySqlGtid(sequence, uuid, tag);
        return true;
    }
}
