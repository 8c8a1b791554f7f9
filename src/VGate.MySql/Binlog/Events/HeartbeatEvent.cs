using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// HEARTBEAT_LOG_EVENT (27) and HEARTBEAT_LOG_EVENT_V2 (41): sent by an idle source so the replica knows it is alive.
/// Never written to a file. Version 1 carries the current file name (the position is the header's next position,
/// which is only 32 bits); version 2 (MySQL 8.0.26+) carries the file name and a 64-bit position as TLV fields.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Heartbeat__event.html,
/// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Heartbeat__event__v2.html
/// and https://mariadb.com/kb/en/heartbeat_log_event/
/// </summary>
public sealed class HeartbeatEvent : BinlogEvent
{
    private const ulong EndMarkField = 0;
    private const ulong LogFileNameField = 1;
    private const ulong LogPositionField = 2;

    private HeartbeatEvent(EventHeader header, int version, string logFileName, ulong position)
        : base(header)
    {
        Version = version;
        LogFileName = logFileName;
        Position = position;
    }

    /// <summary>1 for HEARTBEAT_LOG_EVENT, 2 for HEARTBEAT_LOG_EVENT_V2.</summary>
    public int Version { get; }

    /// <summary>The binlog file the source is positioned in.</summary>
    public string LogFileName { get; }

    /// <summary>The position in <see cref="LogFileName"/> of the last event sent.</summary>
    public ulong Position { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static HeartbeatEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        if (header.Type != EventType.HeartbeatV2)
            return new HeartbeatEvent(header, 1, Encoding.UTF8.GetString(body), header.NextPosition);

        var reader = new PacketReader(body);
        var fileName = string.Empty;
        ulong position = 0;
        while (reader.Remaining > 0)
        {
            var field = reader.ReadLengthEncodedInteger();
            if (field == EndMarkField)
                break;
            var value = reader.ReadBytes(reader.ReadLengthEncodedLength());
            switch (field)
            {
                case LogFileNameField:
                    fileName = Encoding.UTF8.GetString(value);
                    break;
                case LogPositionField:
                    var valueReader = new PacketReader(value);
                    position = valueReader.ReadLengthEncodedInteger();
                    break;
                default:
                    // Fields added by later servers are skipped by their length.
                    break;
            }
        }

        return new HeartbeatEvent(header, 2, fileName, position);
    }
}
