using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Values;

namespace VGate.Benchmarks;

/// <summary>
/// The parse a streamer sits on, values included: every row image of every ROWS event decoded into Vitess's text
/// values (spec §2.9) by <see cref="RowValueWriter"/> — the fastest decoder VGate has, the one the streamer itself uses —
/// into one reused buffer, with nothing built around them. A binlog parser has not parsed a row until it has its values
/// (Vitess's hands out text-encoded <c>sqltypes.Value</c>s), so this is the baseline of issue 4's "the streamer costs at
/// most half of the binlog parse time it sits on": what <see cref="StreamerWalker"/> costs beyond it is the streamer.
/// </summary>
internal sealed class DecodeWalker : IEventWalker
{
    private readonly RowImageBuffer _values = new();
    private int[] _allColumns = [];

    public string Name => "parse + decode values";

    public long RowsEvents { get; private set; }

    public long Rows { get; private set; }

    public long Cells { get; private set; }

    /// <summary>A sum over every value's length, so the decode cannot be dropped.</summary>
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
        if (_allColumns.Length != columns.Count)
            _allColumns = Enumerable.Range(0, columns.Count).ToArray();
        foreach (var row in rowsEvent.GetRows())
        {
            Rows++;
            Decode(row.Before, columns);
            Decode(row.After, columns);
        }
    }

    private void Decode(RowImage image, IReadOnlyList<ColumnInfo> columns)
    {
        if (!image.IsPresent)
            return;
        _values.Clear(); // the previous row's bytes are written over
        RowValueWriter.Write(columns, image, _allColumns, keyspaceId: null, _values);
        Cells += _values.Lengths.Length;
        Checksum += _values.RowLength;
    }
}
