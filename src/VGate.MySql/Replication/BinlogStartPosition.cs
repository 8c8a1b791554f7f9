using System.Text.RegularExpressions;
using VGate.MySql.Positions;

namespace VGate.MySql.Replication;

/// <summary>
/// Where a binlog stream starts: the source's current position, after a GTID set/list, or at a file and offset.
/// </summary>
public sealed partial class BinlogStartPosition
{
    private BinlogStartPosition(ReplicationPosition? gtid, BinlogFilePosition? file)
    {
        Gtid = gtid;
        File = file;
    }

    /// <summary>Start at the source's current end of log: only changes committed from now on are read.</summary>
    public static BinlogStartPosition Current { get; } = new(null, null);

    /// <summary>The GTID position to start after, or <c>null</c>.</summary>
    public ReplicationPosition? Gtid { get; }

    /// <summary>The file position to start at, or <c>null</c>.</summary>
    public BinlogFilePosition? File { get; }

    /// <summary>True for <see cref="Current"/>.</summary>
    public bool IsCurrent => Gtid is null && File is null;

    /// <summary>Start after every transaction in <paramref name="position"/> (the stream begins with the first one not in it).</summary>
    public static BinlogStartPosition FromGtid(ReplicationPosition position) => new(position, null);

    /// <summary>Start at a binlog file offset (the offset must be the start of an event, e.g. 4 for the first one).</summary>
    public static BinlogStartPosition FromFile(BinlogFilePosition position) => new(null, position);

    /// <summary>
    /// Parses the forms accepted on the command line: <c>current</c>; a Vitess position
    /// (<c>MySQL56/uuid:1-5</c>, <c>MariaDB/0-1-100</c>, <c>FilePos/binlog.000001:4</c>); a bare MariaDB GTID list
    /// (<c>0-1-100,1-2-5</c>); a bare MySQL GTID set (<c>uuid:1-5</c>); or <c>file:position</c>.
    /// </summary>
    /// <exception cref="FormatException">The text is none of these; the message quotes it.</exception>
    public static BinlogStartPosition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Equals("current", StringComparison.OrdinalIgnoreCase))
            return Current;
        if (trimmed.Contains('/', StringComparison.Ordinal))
        {
            var position = ReplicationPosition.Parse(trimmed);
            return position.FilePosition is { } filePosition ? FromFile(filePosition) : FromGtid(position);
        }
        if (FilePositionPattern().IsMatch(trimmed))
            return FromFile(BinlogFilePosition.Parse(trimmed));
        if (MariaDbListPattern().IsMatch(trimmed))
            return FromGtid(new ReplicationPosition(MariaDbGtidList.Parse(trimmed)));
        if (MySqlGtidSet.TryParse(trimmed, out var set))
            return FromGtid(new ReplicationPosition(set));
        throw new FormatException(
            $"'{text}' is not a start position: use 'current', a GTID set (uuid:1-5), a MariaDB GTID list (0-1-100), " +
            "a Vitess position (MySQL56/…, MariaDB/…) or file:position (binlog.000001:4).");
    }

    /// <inheritdoc />
    public override string ToString() =>
        Gtid?.ToString() ?? (File is { } file ? file.ToString() : "current");

    [GeneratedRegex(@"^[^:/\s]+\.\d+:\d+$")]
    private static partial Regex FilePositionPattern();

    [GeneratedRegex(@"^\d+-\d+-\d+(\s*,\s*\d+-\d+-\d+)*$")]
    private static partial Regex MariaDbListPattern();
}
