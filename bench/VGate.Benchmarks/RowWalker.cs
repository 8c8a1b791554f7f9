using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;

namespace VGate.Benchmarks;

/// <summary>
/// A parse benchmark's walk over every row image of every ROWS event, with the counting shared: subclasses say what is
/// done with each present image (<see cref="VisitImage"/>) and return a number that depends on the work (summed into
/// <see cref="Checksum"/> so the JIT cannot drop it).
/// </summary>
internal abstract class RowWalker : IEventWalker
{
    public abstract string Name { get; }

    public long RowsEvents { get; private set; }

    public long Rows { get; private set; }

    public long Cells { get; private set; }

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
            Visit(row.Before, columns);
            Visit(row.After, columns);
        }
    }

    /// <summary>Does the scenario's work on one present image; returns a value that depends on it.</summary>
    protected abstract long VisitImage(RowImage image, IReadOnlyList<ColumnInfo> columns);

    private void Visit(RowImage image, IReadOnlyList<ColumnInfo> columns)
    {
        if (!image.IsPresent)
            return;
        Checksum += VisitImage(image, columns);
        Cells += image.Cells.Length;
    }
}
