namespace VGate.MySql.Binlog;

/// <summary>
/// The 19-byte header that starts every binlog event (v4 format).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html
/// </summary>
/// <param name="Timestamp">Seconds since the Unix epoch when the statement began on the source.</param>
/// <param name="Type">The event type code.</param>
/// <param name="ServerId">The server_id of the server that originally wrote the event.</param>
/// <param name="EventLength">Size of the whole event in bytes, header and checksum included.</param>
/// <param name="NextPosition">Offset in the binlog file of the next event (0 for artificial events).</param>
/// <param name="Flags">Event flags (LOG_EVENT_*_F).</param>
public readonly record struct EventHeader(
    uint Timestamp,
    EventType Type,
    uint ServerId,
    uint EventLength,
    uint NextPosition,
    ushort Flags)
{
    /// <summary>Size of a v4 event header.</summary>
    public const int Size = 19;

    /// <summary>LOG_EVENT_ARTIFICIAL_F: the event was made up by the server (e.g. the fake ROTATE at dump start).</summary>
    public const ushort ArtificialFlag = 0x0020;

    /// <summary>True when the server generated this event for the replication stream rather than reading it from a file.</summary>
    public bool IsArtificial => (Flags & ArtificialFlag) != 0 || Timestamp == 0;
}
