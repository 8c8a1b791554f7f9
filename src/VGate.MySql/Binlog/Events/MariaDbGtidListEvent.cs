using System.Collections.Immutable;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// MariaDB's GTID_LIST_EVENT (163), written at the start of every binlog file: the binlog state at that point.
/// See https://mariadb.com/kb/en/gtid_list_event/
/// </summary>
/// <remarks>
/// Body: a 4-byte word whose low 28 bits are the entry count and high 4 bits are flags, then per entry domain id (4),
/// server id (4) and sequence number (8). The binlog state keeps the last GTID of every (domain, server id) pair, so a
/// domain can appear several times (after a switch of primary, or a session <c>server_id</c>); MariaDB writes each
/// domain's most recent GTID last. <see cref="Gtids"/> keeps the raw entries; <see cref="GtidList"/> is the per-domain
/// position (<c>@@gtid_binlog_pos</c>), taking each domain's last entry.
/// </remarks>
public sealed class MariaDbGtidListEvent : BinlogEvent
{
    /// <summary>FLAG_UNTIL_REACHED: sent by the server when the replica's START SLAVE UNTIL position was reached.</summary>
    public const byte FlagUntilReached = 1;

    /// <summary>FLAG_IGN_GTIDS: the event lists GTIDs that the replica should ignore.</summary>
    public const byte FlagIgnoreGtids = 2;

    private const int CountBits = 28;

    private MariaDbGtidListEvent(EventHeader header, byte flags, ImmutableArray<MariaDbGtid> gtids, MariaDbGtidList gtidList)
        : base(header)
    {
        Flags = flags;
        Gtids = gtids;
        GtidList = gtidList;
    }

    /// <summary>The 4 flag bits (see <see cref="FlagUntilReached"/> and <see cref="FlagIgnoreGtids"/>).</summary>
    public byte Flags { get; }

    /// <summary>The entries in the order the server wrote them, possibly several per domain.</summary>
    public ImmutableArray<MariaDbGtid> Gtids { get; }

    /// <summary>One GTID per domain: each domain's last entry in <see cref="Gtids"/>.</summary>
    public MariaDbGtidList GtidList { get; }

    internal static MariaDbGtidListEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var word = reader.ReadUInt32();
        var count = (int)(word & ((1U << CountBits) - 1));
        var flags = (byte)(word >> CountBits);
        if (count > reader.Remaining / 16)
            throw BinlogFormatException.Create($"GTID_LIST claims {count} entries but only {reader.Remaining} bytes follow", 0);

        var gtids = ImmutableArray.CreateBuilder<MariaDbGtid>(count);
        var lastPerDomain = new Dictionary<uint, MariaDbGtid>();
        for (var i = 0; i < count; i++)
        {
            var domain = reader.ReadUInt32();
            var server = reader.ReadUInt32();
            var sequence = reader.ReadUInt64();
            var gtid = new MariaDbGtid(domain, server, sequence);
            gtids.Add(gtid);
            lastPerDomain[domain] = gtid;
        }

        return new MariaDbGtidListEvent(header, flags, gtids.MoveToImmutable(), MariaDbGtidList.Create(lastPerDomain.Values));
    }
}
