namespace VGate.MySql.Binlog.Events;

/// <summary>
/// STOP_EVENT (3): the server shut down cleanly; the binlog file ends here. It has no body.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Stop__event.html
/// and https://mariadb.com/kb/en/stop_event/
/// </summary>
public sealed class StopEvent : BinlogEvent
{
    private StopEvent(EventHeader header)
        : base(header)
    {
    }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum (empty; ignored if not).</param>
    internal static StopEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        _ = body;
        return new StopEvent(header);
    }
}
