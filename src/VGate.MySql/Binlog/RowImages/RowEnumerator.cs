using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.Rows;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.RowImages;

/// <summary>
/// Walks the rows of a <see cref="RowsEvent"/> without allocating per row: cell positions are written into one buffer
/// rented from <see cref="ArrayPool{T}.Shared"/> for the walk and returned by <see cref="Dispose"/> (which
/// <c>foreach</c> calls). A malformed image throws <see cref="BinlogFormatException"/>.
/// </summary>
/// <remarks>
/// Row layout (https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html):
/// each image is a null bitmap with one bit per present column, then the non-NULL cells of the present columns in
/// column order. An update row is a before image followed by an after image, each against its own present-columns
/// bitmap. In a PARTIAL_UPDATE_ROWS after image the null bitmap is preceded by the value options (a length-encoded
/// integer) and, when PARTIAL_JSON_UPDATES is set, by a bitmap with one bit for every JSON column of the table —
/// present in the image or not — in column order (MySQL <c>Rows_log_event::print_verbose_one_row</c>).
/// </remarks>
public ref struct RowEnumerator
{
    private const ulong PartialJsonUpdates = 1;

    private readonly RowsEvent _event;
    private readonly ReadOnlySpan<byte> _rows;
    private readonly int _beforePresent;
    private readonly int _afterPresent;
    private RowCell[]? _buffer;
    private int _offset;
    private int _index;
    private RowChange _current;

    internal RowEnumerator(RowsEvent rowsEvent)
    {
        _event = rowsEvent;
        _rows = rowsEvent.Rows.Span;
        _beforePresent = CountPresent(rowsEvent.BeforeColumns.Span, rowsEvent.ColumnCount);
        _afterPresent = CountPresent(rowsEvent.AfterColumns.Span, rowsEvent.ColumnCount);
        _offset = 0;
        _index = -1;
        _current = default;
        _buffer = null;
    }

    /// <summary>The current row.</summary>
    public readonly RowChange Current => _current;

    /// <summary>Returns this enumerator (so a <see cref="RowEnumerator"/> can be used directly in <c>foreach</c>).</summary>
    public readonly RowEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next row; false at the end of the event's rows.</summary>
    public bool MoveNext()
    {
        if (_offset >= _rows.Length)
        {
            _current = default;
            return false;
        }

        _buffer ??= ArrayPool<RowCell>.Shared.Rent(Math.Max(_beforePresent + _afterPresent, 1));
        _index++;
        var rowStart = _offset;
        var before = default(RowImage);
        var after = default(RowImage);
        switch (_event.Kind)
        {
            case RowsEventKind.Insert:
                after = ReadImage(_event.AfterColumns.Span, _afterPresent, _buffer.AsSpan(0, _afterPresent), partial: false);
                break;
            case RowsEventKind.Delete:
                before = ReadImage(_event.BeforeColumns.Span, _beforePresent, _buffer.AsSpan(0, _beforePresent), partial: false);
                break;
            default:
                before = ReadImage(_event.BeforeColumns.Span, _beforePresent, _buffer.AsSpan(0, _beforePresent), partial: false);
                after = ReadImage(_event.AfterColumns.Span, _afterPresent, _buffer.AsSpan(_beforePresent, _afterPresent), _event.IsPartialUpdate);
                break;
        }

        if (_offset == rowStart)
        {
            // No present columns: the row occupies no bytes, so the remaining bytes can never be consumed.
            throw BinlogFormatException.Create(
                $"{_event.Type} for {_event.TableMap.Database}.{_event.TableMap.Table} has {_rows.Length - rowStart} row byte(s) but no present columns", rowStart);
        }

        _current = new RowChange(_index, before, after);
        return true;
    }

    /// <summary>Returns the rented cell buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<RowCell>.Shared.Return(_buffer);
            _buffer = null;
        }

        _current = default;
    }

    private RowImage ReadImage(ReadOnlySpan<byte> present, int presentCount, Span<RowCell> cells, bool partial)
    {
        var table = _event.TableMap;
        var start = _offset;
        var reader = new PacketReader(_rows) { Offset = _offset };
        ulong valueOptions = 0;
        ReadOnlySpan<byte> partialBits = default;
        if (partial)
        {
            valueOptions = reader.ReadLengthEncodedInteger();
            if ((valueOptions & PartialJsonUpdates) != 0)
                partialBits = reader.ReadBytes((table.JsonColumnCount + 7) / 8);
        }

        var nullBitmapOffset = reader.Offset;
        var nullBitmapLength = (presentCount + 7) / 8;
        var nullBitmap = reader.ReadBytes(nullBitmapLength);
        var position = reader.Offset;
        var jsonIndex = 0;
        var cellIndex = 0;
        var columns = table.ColumnArray;
        var fixedLengths = table.FixedCellLengths;
        var columnCount = _event.ColumnCount;
        var hasPartialBits = !partialBits.IsEmpty;
        for (var i = 0; i < columnCount; i++)
        {
            // The partial bit is consumed for every JSON column, whether or not the column is in the image.
            var isPartial = false;
            if (hasPartialBits && columns[i].Type == ColumnType.Json)
            {
                isPartial = (partialBits[jsonIndex >> 3] & (1 << (jsonIndex & 7))) != 0;
                jsonIndex++;
            }

            if ((present[i >> 3] & (1 << (i & 7))) == 0)
                continue;

            var isNull = (nullBitmap[cellIndex >> 3] & (1 << (cellIndex & 7))) != 0;
            var length = 0;
            if (!isNull)
            {
                // Fixed-size cells (the common case) need no look at the bytes; length-prefixed ones read their prefix
                // here (layout -1 - prefix size); anything unusual, and every error, goes through MeasureCell.
                var layout = fixedLengths[i];
                var remaining = _rows.Length - position;
                if ((uint)layout <= (uint)remaining)
                {
                    length = layout;
                }
                else if (layout < -1 && -1 - layout <= remaining)
                {
                    var prefixSize = -1 - layout;
                    var prefix = _rows.Slice(position, prefixSize);
                    var declared = prefixSize switch
                    {
                        1 => prefix[0],
                        2 => BinaryPrimitives.ReadUInt16LittleEndian(prefix),
                        3 => (uint)(prefix[0] | (prefix[1] << 8) | (prefix[2] << 16)),
                        _ => BinaryPrimitives.ReadUInt32LittleEndian(prefix),
                    };
                    length = declared <= (uint)(remaining - prefixSize) ? prefixSize + (int)declared : MeasureCell(columns[i], position);
                }
                else
                {
                    length = MeasureCell(columns[i], position);
                }
            }

            cells[cellIndex++] = new RowCell(i, position, length, isNull, isPartial && !isNull);
            position += length;
        }

        _offset = position;
        return new RowImage(_rows, cells, start, nullBitmapOffset, nullBitmapLength, position, valueOptions);
    }

    // Kept out of the loop above so that its exception handler does not cost the fixed-size path anything.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly int MeasureCell(ColumnInfo column, int position)
    {
        try
        {
            return CellLength.Of(column, _rows[position..]);
        }
        catch (BinlogFormatException ex)
        {
            var table = _event.TableMap;
            throw BinlogFormatException.Create(
                $"Row {_index} of {_event.Type} for {table.Database}.{table.Table} (table id {table.TableId}): {ex.Message}", position, ex);
        }
    }

    private static int CountPresent(ReadOnlySpan<byte> bitmap, int columnCount)
    {
        // Whole bytes of the bitmap, then the bits of the last partial byte that belong to columns.
        var whole = Math.Min(columnCount >> 3, bitmap.Length);
        var count = 0;
        for (var i = 0; i < whole; i++)
            count += BitOperations.PopCount(bitmap[i]);
        var rest = columnCount & 7;
        if (rest != 0 && whole < bitmap.Length)
            count += BitOperations.PopCount((uint)(bitmap[whole] & ((1 << rest) - 1)));
        return count;
    }
}
