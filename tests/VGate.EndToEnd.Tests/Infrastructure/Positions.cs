using System.Globalization;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>MariaDB positions as VGate writes them: <c>MariaDB/&lt;domain&gt;-&lt;server&gt;-&lt;sequence&gt;</c>.</summary>
internal static class Positions
{
    /// <summary>The sequence number of a single-domain MariaDB position; null for <c>current</c>, <c>""</c> or an empty set.</summary>
    public static long? Sequence(string position)
    {
        var set = position.StartsWith("MariaDB/", StringComparison.Ordinal) ? position["MariaDB/".Length..] : position;
        if (set.Length == 0 || set == "current")
            return null;
        if (set.Contains(',', StringComparison.Ordinal))
            throw new FormatException($"'{position}' has more than one GTID domain; every test shard writes one");
        return long.Parse(set.AsSpan(set.LastIndexOf('-') + 1), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>The sequence number of a GTID as MariaDB's <c>@@last_gtid</c> reports it (<c>D-S-N</c>).</summary>
    public static long SequenceOfGtid(string gtid) =>
        Sequence(gtid) ?? throw new FormatException($"'{gtid}' is not a MariaDB GTID");
}
