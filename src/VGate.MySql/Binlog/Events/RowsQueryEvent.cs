using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// ROWS_QUERY_LOG_EVENT (29, MySQL): the original statement text of the row events that follow
/// (<c>binlog_rows_query_log_events=ON</c>).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Rows__query__event.html
/// </summary>
public sealed class RowsQueryEvent : BinlogEvent
{
    private RowsQueryEvent(EventHeader header, string query)
        : base(header) => Query = query;

    /// <summary>The statement text.</summary>
    public string Query { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static RowsQueryEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);

        // One length byte (the length truncated to 255, so useless for long statements), then the text to the end.
        reader.Skip(1);
        return new RowsQueryEvent(header, Encoding.UTF8.GetString(reader.ReadToEnd()));
    }
}
