using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// INCIDENT_EVENT (26): something happened on the source that may have left replicas out of sync (e.g. a
/// non-transactional change that could not be logged). Replicas stop on it.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Incident__event.html
/// and https://mariadb.com/kb/en/incident_event/
/// </summary>
public sealed class IncidentEvent : BinlogEvent
{
    private IncidentEvent(EventHeader header, ushort incidentType, string message)
        : base(header)
    {
        IncidentType = incidentType;
        Message = message;
    }

    /// <summary>The incident number (1 = LOST_EVENTS).</summary>
    public ushort IncidentType { get; }

    /// <summary>A message for a person (may be empty).</summary>
    public string Message { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static IncidentEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var type = reader.ReadUInt16();
        var message = reader.Remaining > 0 ? Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte())) : string.Empty;
        return new IncidentEvent(header, type, message);
    }
}
