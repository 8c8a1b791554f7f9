using System.Buffers;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// A row image seen by filter predicates: each column's MySQL text form, rendered into one reused buffer. Valid until
/// the next <see cref="Load"/>; one instance per stream (not thread-safe).
/// </summary>
internal sealed class RowImageValues : IRowValues
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private (int Offset, int Length)[] _slots = [];
    private int _count;

    public int Count => _count;

    public void Load(TableMapEvent table, RowImage image)
    {
        _buffer.ResetWrittenCount();
        _count = table.Columns.Count;
        if (_slots.Length < _count)
            _slots = new (int, int)[_count];
        Array.Fill(_slots, (-1, 0), 0, _count);
        foreach (var cell in image.Cells)
        {
            if (cell.IsNull || cell.IsPartialJson)
                continue;
            var start = _buffer.WrittenCount;
            ColumnValueDecoder.WriteText(table.Columns[cell.ColumnIndex], image.GetBytes(cell), _buffer);
            _slots[cell.ColumnIndex] = (start, _buffer.WrittenCount - start);
        }
    }

    public bool IsNull(int column) => _slots[column].Offset < 0;

    public ReadOnlyMemory<byte> GetValue(int column) =>
        _slots[column] is { Offset: >= 0 } slot ? _buffer.WrittenMemory.Slice(slot.Offset, slot.Length) : ReadOnlyMemory<byte>.Empty;
}
