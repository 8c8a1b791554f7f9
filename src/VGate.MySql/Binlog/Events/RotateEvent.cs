using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// ROTATE_EVENT (4): the binlog continues in another file. Written at the end of a file, and sent (artificial, with
/// timestamp 0) at the start of every dump stream to name the file being read.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html#sect_protocol_replication_event_rotate
/// and https://mariadb.com/kb/en/rotate_event/
/// </summary>
public sealed class RotateEvent : BinlogEvent
{
    private RotateEvent(EventHeader header, ulong position, string nextFileName)
        : base(header)
    {
        Position = position;
        NextFileName = nextFileName;
    }

    /// <summary>Position of the first event in the next file (4 for a new file).</summary>
    public ulong Position { get; }

    /// <summary>Name of the next binlog file, e.g. <c>mysql-bin.000058</c>.</summary>
    public string NextFileName { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    /// <param name="postHeaderLength">ROTATE post-header length from the FORMAT_DESCRIPTION (8 for binlog v4, 0 for v1).</param>
    internal static RotateEvent Parse(EventHeader header, ReadOnlySpan<byte> body, int postHeaderLength)
    {
        var reader = new PacketReader(body);
        ulong position = 4;
        if (postHeaderLength >= 8)
        {
            position = reader.ReadUInt64();
            reader.Skip(postHeaderLength - 8);
        }

        return new RotateEvent(header, position, Encoding.UTF8.GetString(reader.ReadToEnd()));
    }
}
