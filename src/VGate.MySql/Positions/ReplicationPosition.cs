using System.Diagnostics.CodeAnalysis;

namespace VGate.MySql.Positions;

/// <summary>
/// A shard position tagged with its flavor, in Vitess's string form: <c>MySQL56/&lt;gtid set&gt;</c>,
/// <c>MariaDB/&lt;domain-server-seq,…&gt;</c> or <c>FilePos/&lt;file:pos&gt;</c>; the default value is "no position"
/// and is written as the empty string.
/// Vitess: <c>go/mysql/replication/replication_position.go</c> (<c>EncodePosition</c>/<c>DecodePosition</c>).
/// </summary>
/// <remarks>
/// An empty MySQL GTID set is written <c>MySQL56/</c> and an empty MariaDB list <c>MariaDB/</c>; both parse back to
/// an empty set of their flavor, which is not the same as the default (no position).
/// </remarks>
public readonly struct ReplicationPosition : IEquatable<ReplicationPosition>
{
    /// <summary>Vitess's flavor name for MySQL GTID sets.</summary>
    public const string MySql56FlavorName = "MySQL56";

    /// <summary>Vitess's flavor name for MariaDB GTID lists.</summary>
    public const string MariaDbFlavorName = "MariaDB";

    /// <summary>Vitess's flavor name for binlog file positions.</summary>
    public const string FilePosFlavorName = "FilePos";

    private readonly MySqlGtidSet? _mySqlGtidSet;
    private readonly MariaDbGtidList? _mariaDbGtidList;
    private readonly BinlogFilePosition _filePosition;

    /// <summary>A MySQL GTID-set position.</summary>
    public ReplicationPosition(MySqlGtidSet gtidSet)
    {
        ArgumentNullException.ThrowIfNull(gtidSet);
        _mySqlGtidSet = gtidSet;
        Flavor = PositionFlavor.MySql56;
    }

    /// <summary>A MariaDB GTID-list position.</summary>
    public ReplicationPosition(MariaDbGtidList gtidList)
    {
        ArgumentNullException.ThrowIfNull(gtidList);
        _mariaDbGtidList = gtidList;
        Flavor = PositionFlavor.MariaDb;
    }

    /// <summary>A binlog file position.</summary>
    public ReplicationPosition(BinlogFilePosition filePosition)
    {
        if (filePosition.FileName.Length == 0)
            throw new ArgumentException("The file position has no file name.", nameof(filePosition));
        _filePosition = filePosition;
        Flavor = PositionFlavor.FilePos;
    }

    /// <summary>Which kind of position this is; <see cref="PositionFlavor.None"/> for the default value.</summary>
    public PositionFlavor Flavor { get; }

    /// <summary>True for the default value (no position).</summary>
    public bool IsZero => Flavor == PositionFlavor.None;

    /// <summary>The GTID set when <see cref="Flavor"/> is <see cref="PositionFlavor.MySql56"/>, else null.</summary>
    public MySqlGtidSet? MySqlGtidSet => _mySqlGtidSet;

    /// <summary>The GTID list when <see cref="Flavor"/> is <see cref="PositionFlavor.MariaDb"/>, else null.</summary>
    public MariaDbGtidList? MariaDbGtidList => _mariaDbGtidList;

    /// <summary>The file position when <see cref="Flavor"/> is <see cref="PositionFlavor.FilePos"/>, else null.</summary>
    public BinlogFilePosition? FilePosition => Flavor == PositionFlavor.FilePos ? _filePosition : null;

    public static bool operator ==(ReplicationPosition left, ReplicationPosition right) => left.Equals(right);

    public static bool operator !=(ReplicationPosition left, ReplicationPosition right) => !left.Equals(right);

    /// <summary>
    /// Parses Vitess's <c>flavor/value</c> string (flavor names are case-sensitive, as in Vitess). The empty string is
    /// the default (no position).
    /// </summary>
    /// <exception cref="FormatException">Unknown flavor, missing <c>/</c>, or a bad value; the message quotes the input.</exception>
    public static ReplicationPosition Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static ReplicationPosition Parse(ReadOnlySpan<char> s) =>
        TryParseCore(s, out var position, out var error)
            ? position
            : throw new FormatException($"Invalid replication position \"{s}\": {error}.");

    /// <summary>Tries to parse Vitess's <c>flavor/value</c> string.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out ReplicationPosition result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParseCore(s, out result, out _);
    }

    /// <inheritdoc cref="TryParse(string?, out ReplicationPosition)"/>
    public static bool TryParse(ReadOnlySpan<char> s, out ReplicationPosition result) => TryParseCore(s, out result, out _);

    /// <summary>
    /// True when this position is at or after <paramref name="other"/> (Vitess's <c>AtLeast</c>): every position is at
    /// least the default one; positions of different flavors are never at least each other; GTID positions compare by
    /// containment, file positions by order.
    /// </summary>
    public bool AtLeast(ReplicationPosition other)
    {
        if (other.IsZero)
            return true;
        if (Flavor != other.Flavor)
            return false;
        return Flavor switch
        {
            PositionFlavor.MySql56 => _mySqlGtidSet!.Contains(other._mySqlGtidSet!),
            PositionFlavor.MariaDb => _mariaDbGtidList!.Contains(other._mariaDbGtidList!),
            PositionFlavor.FilePos => _filePosition >= other._filePosition,
            _ => false,
        };
    }

    /// <summary>Vitess's string form, <c>flavor/value</c>, or the empty string for the default value.</summary>
    public override string ToString() => Flavor switch
    {
        PositionFlavor.MySql56 => $"{MySql56FlavorName}/{_mySqlGtidSet}",
        PositionFlavor.MariaDb => $"{MariaDbFlavorName}/{_mariaDbGtidList}",
        PositionFlavor.FilePos => $"{FilePosFlavorName}/{_filePosition}",
        _ => "",
    };

    public bool Equals(ReplicationPosition other) => Flavor == other.Flavor && Flavor switch
    {
        PositionFlavor.MySql56 => _mySqlGtidSet!.Equals(other._mySqlGtidSet),
        PositionFlavor.MariaDb => _mariaDbGtidList!.Equals(other._mariaDbGtidList),
        PositionFlavor.FilePos => _filePosition == other._filePosition,
        _ => true,
    };

    public override bool Equals(object? obj) => obj is ReplicationPosition other && Equals(other);

    public override int GetHashCode() => Flavor switch
    {
        PositionFlavor.MySql56 => HashCode.Combine(Flavor, _mySqlGtidSet),
        PositionFlavor.MariaDb => HashCode.Combine(Flavor, _mariaDbGtidList),
        PositionFlavor.FilePos => HashCode.Combine(Flavor, _filePosition),
        _ => 0,
    };

    private static bool TryParseCore(ReadOnlySpan<char> s, out ReplicationPosition result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        error = null;
        if (s.IsEmpty)
            return true;
        var slash = s.IndexOf('/');
        if (slash < 0)
        {
            error = $"expected flavor/value with flavor {MySql56FlavorName}, {MariaDbFlavorName} or {FilePosFlavorName}";
            return false;
        }

        var flavor = s[..slash];
        var value = s[(slash + 1)..];
        if (flavor.SequenceEqual(MySql56FlavorName))
        {
            if (!MySqlGtidSet.TryParseCore(value, out var set, out var setError))
            {
                error = $"bad MySQL GTID set: {setError}";
                return false;
            }

            result = new ReplicationPosition(set);
            return true;
        }

        if (flavor.SequenceEqual(MariaDbFlavorName))
        {
            if (!MariaDbGtidList.TryParseCore(value, out var list, out var listError))
            {
                error = $"bad MariaDB GTID list: {listError}";
                return false;
            }

            result = new ReplicationPosition(list);
            return true;
        }

        if (flavor.SequenceEqual(FilePosFlavorName))
        {
            if (!BinlogFilePosition.TryParseCore(value, out var filePosition, out var fileError))
            {
                error = $"bad file position: {fileError}";
                return false;
            }

            result = new ReplicationPosition(filePosition);
            return true;
        }

        error = $"unknown flavor \"{flavor}\" (expected {MySql56FlavorName}, {MariaDbFlavorName} or {FilePosFlavorName})";
        return false;
    }
}
