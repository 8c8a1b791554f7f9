using System.Buffers;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;

namespace VGate.Benchmarks;

/// <summary>
/// What the parse benchmarks do with each event: parse it, and for ROWS events walk every row's cells with
/// <see cref="RowEnumerator"/>; optionally render every non-NULL cell to text with
/// <see cref="ColumnValueDecoder.WriteText"/> into one reused buffer (reset per row).
/// </summary>
internal sealed class EventWalker(bool renderText) : IEventWalker
{
    public string Name => renderText ? "parse + walk + WriteText" : "parse + walk cells";

    private readonly ArrayBufferWriter<byte> _text = new(4096);

    public long RowsEvents { get; private set; }

    public long Rows { get; private set; }

    public long Cells { get; private set; }

    /// <summary>A value that depends on every cell, so the JIT cannot drop the walk.</summary>
    public long Checksum { get; private set; }

    public void Reset()
    {
        RowsEvents = 0;
        Rows = 0;
        Cells = 0;
        Checksum = 0;
    }

    public void Walk(BinlogEvent binlogEvent)
    {
        if (binlogEvent is not RowsEvent rowsEvent)
            return;
        RowsEvents++;
        var columns = rowsEvent.TableMap.Columns;
        foreach (var row in rowsEvent.GetRows())
        {
            Rows++;
            WalkImage(row.Before, columns);
            WalkImage(row.After, columns);
        }
    }

    private void WalkImage(RowImage image, IReadOnlyList<ColumnInfo> columns)
    {
        if (!image.IsPresent)
            return;
        var checksum = Checksum;
        foreach (ref readonly var cell in image.Cells)
        {
            checksum += cell.Length;
            if (renderText && !cell.IsNull)
                ColumnValueDecoder.WriteText(columns[cell.ColumnIndex], image.GetBytes(cell), _text);
        }

        Cells += image.Cells.Length;
        if (renderText)
        {
            checksum += _text.WrittenCount;
            _text.ResetWrittenCount();
        }

        Checksum = checksum;
    }
}
