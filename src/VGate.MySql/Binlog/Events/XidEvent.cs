using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// XID_EVENT (16): the COMMIT of a transaction on a transactional storage engine.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html#sect_protocol_replication_event_xid
/// and https://mariadb.com/kb/en/xid_event/
/// </summary>
public sealed class XidEvent : BinlogEvent
{
    private XidEvent(EventHeader header, ulong xid)
        : base(header) => Xid = xid;

    /// <summary>The server's internal transaction id (not an XA xid).</summary>
    public ulong Xid { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static XidEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        return new XidEvent(header, reader.ReadUInt64());
    }
}
