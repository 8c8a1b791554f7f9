using System.Text;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// ANNOTATE_ROWS_EVENT (160, MariaDB): the original statement text of the row events that follow
/// (<c>binlog_annotate_row_events=ON</c>, the default).
/// See https://mariadb.com/kb/en/annotate_rows_event/
/// </summary>
/// <remarks>
/// MariaDB writes one of these before the TABLE_MAP of every statement, so on a stream of single-row statements it is
/// as frequent as the row events themselves. The text is therefore not decoded when the event is parsed:
/// <see cref="QueryBytes"/> references the receive buffer (like the row bytes of a <see cref="RowsEvent"/>) and
/// <see cref="Query"/> decodes it on first access and keeps the string. Read <see cref="Query"/> (or copy
/// <see cref="QueryBytes"/>) before the next event is requested from the stream; reading it for the first time later
/// throws <see cref="InvalidOperationException"/> instead of decoding bytes that may have been overwritten.
/// </remarks>
public sealed class MariaDbAnnotateRowsEvent : BinlogEvent
{
    private readonly ReadOnlyMemory<byte> _text;
    private readonly BinlogEventParser? _parser;
    private readonly int _generation;
    private string? _query;

    private MariaDbAnnotateRowsEvent(EventHeader header, ReadOnlyMemory<byte> text, BinlogEventParser? parser, int generation)
        : base(header)
    {
        _text = text;
        _parser = parser;
        _generation = generation;
    }

    /// <summary>
    /// The statement text as UTF-8 bytes. Not owned: valid only until the next event is requested from the stream.
    /// </summary>
    public ReadOnlyMemory<byte> QueryBytes
    {
        get
        {
            ThrowIfExpired();
            return _text;
        }
    }

    /// <summary>
    /// The statement text. Decoded on first access, then owned by this event; the first access must happen before the
    /// next event is requested from the stream (see the remarks).
    /// </summary>
    /// <exception cref="InvalidOperationException">First read after the stream moved past this event.</exception>
    public string Query
    {
        get
        {
            if (_query is null)
            {
                ThrowIfExpired();
                _query = Encoding.UTF8.GetString(_text.Span);
            }

            return _query;
        }
    }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum: the whole body is the text. Referenced, not copied.</param>
    /// <param name="parser">The parser whose <see cref="BinlogEventParser.Generation"/> tells when <paramref name="body"/> expires, or null when it never does.</param>
    internal static MariaDbAnnotateRowsEvent Parse(EventHeader header, ReadOnlyMemory<byte> body, BinlogEventParser? parser) =>
        new(header, body, parser, parser?.Generation ?? 0);

    private void ThrowIfExpired()
    {
        if (_parser is not null && _parser.Generation != _generation)
        {
            throw new InvalidOperationException(
                $"The statement text of the ANNOTATE_ROWS event at log position {Header.NextPosition} was first read after the stream " +
                "moved on to a later event, when its bytes may have been overwritten. Read Query before requesting the next event.");
        }
    }
}
