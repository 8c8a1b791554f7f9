namespace VGate.MySql.Binlog.Events;

/// <summary>
/// An event whose declared length exceeds the reader's event size limit
/// (<see cref="BinlogEventParser.MaxEventSize"/>). Its body was streamed past without being materialized, so only the
/// header is known. Raised instead of buffering an arbitrarily large event (for example a 165 MiB row inside a
/// compressed TRANSACTION_PAYLOAD); a consumer that needs every row must treat it as an error or raise the limit.
/// </summary>
public sealed class OversizedEvent : BinlogEvent
{
    internal OversizedEvent(EventHeader header, int limit)
        : base(header) => Limit = limit;

    /// <summary>The limit that was exceeded, in bytes.</summary>
    public int Limit { get; }
}
