using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.Benchmarks;

/// <summary>
/// Parse only: every event is parsed (header, CRC32, body; TABLE_MAPs cached) and ROWS events are counted, but their
/// rows are not walked. The floor under every other scenario.
/// </summary>
internal sealed class ParseOnlyWalker : IEventWalker
{
    public string Name => "parse only";

    public long RowsEvents { get; private set; }

    public long Rows => RowsEvents;

    public long Cells => 0;

    public long Checksum { get; private set; }

    public void Reset()
    {
        RowsEvents = 0;
        Checksum = 0;
    }

    public void Walk(BinlogEvent binlogEvent)
    {
        Checksum += binlogEvent.Header.EventLength;
        if (binlogEvent is RowsEvent)
            RowsEvents++;
    }
}
