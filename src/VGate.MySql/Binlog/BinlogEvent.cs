namespace VGate.MySql.Binlog;

/// <summary>
/// Base type of every decoded binlog event. Each concrete event type is an immutable class in
/// <c>Binlog/Events</c> with a static <c>Parse</c> factory.
/// </summary>
/// <remarks>
/// Events that expose raw bytes (row images) reference the client's pooled receive buffer: such data is
/// valid only until the next event is requested from the stream. The documentation of each such member says so.
/// </remarks>
public abstract class BinlogEvent
{
    protected BinlogEvent(EventHeader header) => Header = header;

    /// <summary>The event's common header.</summary>
    public EventHeader Header { get; }

    /// <summary>The event type code.</summary>
    public EventType Type => Header.Type;
}
