using System.Text;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// ANNOTATE_ROWS_EVENT (160, MariaDB): the original statement text of the row events that follow
/// (<c>binlog_annotate_row_events=ON</c>, the default).
/// See https://mariadb.com/kb/en/annotate_rows_event/
/// </summary>
public sealed class MariaDbAnnotateRowsEvent : BinlogEvent
{
    private MariaDbAnnotateRowsEvent(EventHeader header, string query)
        : base(header) => Query = query;

    /// <summary>The statement text.</summary>
    public string Query { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum: the whole body is the text.</param>
    internal static MariaDbAnnotateRowsEvent Parse(EventHeader header, ReadOnlySpan<byte> body) =>
        new(header, Encoding.UTF8.GetString(body));
}
