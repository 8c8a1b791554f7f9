using System.Buffers;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// A row image seen by filter predicates: the MySQL text form of the columns the predicates read, rendered into one
/// reused buffer. Valid until the next <see cref="Load"/>; one instance per stream (not thread-safe).
/// </summary>
/// <remarks>
/// Only the columns passed to <see cref="Load"/> are rendered (a key-range filter reads one column of ten; rendering
/// all of them cost as much as encoding the row). Reading any other column throws instead of answering NULL, so a
/// predicate that reads a column its plan did not declare fails loudly rather than filtering wrongly.
/// </remarks>
internal sealed class RowImageValues : IRowValues
{
    private const int NotLoaded = -2;
    private const int Null = -1;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private (int Offset, int Length)[] _slots = [];
    private int _count;

    public int Count => _count;

    /// <summary>Renders the <paramref name="columns"/> (table column indexes) of <paramref name="image"/>.</summary>
    public void Load(TableMapEvent table, RowImage image, ReadOnlySpan<int> columns)
    {
        _buffer.ResetWrittenCount();
        _count = table.Columns.Count;
        if (_slots.Length < _count)
            _slots = new (int, int)[_count];
        Array.Fill(_slots, (NotLoaded, 0), 0, _count);
        var cells = image.Cells;
        var direct = cells.Length == _count;
        foreach (var column in columns)
        {
            RowCell cell;
            if (direct)
                cell = cells[column];
            else if (!image.TryGetCell(column, out cell))
            {
                _slots[column] = (Null, 0);
                continue;
            }
            if (cell.IsNull || cell.IsPartialJson)
            {
                _slots[column] = (Null, 0);
                continue;
            }
            var start = _buffer.WrittenCount;
            ColumnValueDecoder.WriteText(table.Columns[column], image.GetBytes(cell), _buffer);
            _slots[column] = (start, _buffer.WrittenCount - start);
        }
    }

    public bool IsNull(int column) => Slot(column).Offset < 0;

    public ReadOnlyMemory<byte> GetValue(int column) =>
        Slot(column) is { Offset: >= 0 } slot ? _buffer.WrittenMemory.Slice(slot.Offset, slot.Length) : ReadOnlyMemory<byte>.Empty;

    private (int Offset, int Length) Slot(int column)
    {
        var slot = _slots[column];
        return slot.Offset == NotLoaded
            ? throw new InvalidOperationException($"Column {column} was not loaded for the row filter.")
            : slot;
    }
}
