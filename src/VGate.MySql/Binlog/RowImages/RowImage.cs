namespace VGate.MySql.Binlog.RowImages;

/// <summary>
/// One image (before or after) of one row: its null bitmap and the cells of the columns present in it. A view over
/// the event's row bytes and a reused cell buffer: valid only until the enumerator moves to the next row.
/// </summary>
public readonly ref struct RowImage
{
    private readonly ReadOnlySpan<byte> _rows;
    private readonly ReadOnlySpan<RowCell> _cells;
    private readonly int _start;
    private readonly int _nullBitmapOffset;
    private readonly int _nullBitmapLength;
    private readonly int _end;

    internal RowImage(ReadOnlySpan<byte> rows, ReadOnlySpan<RowCell> cells, int start, int nullBitmapOffset,
        int nullBitmapLength, int end, ulong valueOptions)
    {
        _rows = rows;
        _cells = cells;
        _start = start;
        _nullBitmapOffset = nullBitmapOffset;
        _nullBitmapLength = nullBitmapLength;
        _end = end;
        ValueOptions = valueOptions;
        IsPresent = true;
    }

    /// <summary>False for the missing image of a row (the before image of an insert, the after image of a delete).</summary>
    public bool IsPresent { get; }

    /// <summary>One cell per column present in the image, in column order.</summary>
    public ReadOnlySpan<RowCell> Cells => _cells;

    /// <summary>The null bitmap: bit k (least significant first) is set when the k-th present column is NULL.</summary>
    public ReadOnlySpan<byte> NullBitmap => _rows.Slice(_nullBitmapOffset, _nullBitmapLength);

    /// <summary>The whole image as stored (value options and partial bits of a partial update, null bitmap, cells).</summary>
    public ReadOnlySpan<byte> Bytes => IsPresent ? _rows[_start.._end] : default;

    /// <summary>Binlog row value options of a PARTIAL_UPDATE_ROWS after image (bit 0 = PARTIAL_JSON_UPDATES), else 0.</summary>
    public ulong ValueOptions { get; }

    /// <summary>The bytes of a cell (length prefix included; empty for NULL).</summary>
    public ReadOnlySpan<byte> GetBytes(in RowCell cell) => _rows.Slice(cell.Offset, cell.Length);

    /// <summary>Finds the cell of a table column, or returns false when the column is not present in this image.</summary>
    public bool TryGetCell(int columnIndex, out RowCell cell)
    {
        foreach (var candidate in _cells)
        {
            if (candidate.ColumnIndex == columnIndex)
            {
                cell = candidate;
                return true;
            }
        }

        cell = default;
        return false;
    }
}
