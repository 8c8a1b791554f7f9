namespace VGate.Kafka.Events;

/// <summary>
/// Random access to the cells of one <c>query.Row</c> (lengths, −1 for NULL, and the values concatenated). Reused for
/// every row; the row must have passed <see cref="Validate"/> first.
/// </summary>
internal sealed class RowCells
{
    private int[] _offsets = new int[32];
    private int[] _lengths = new int[32];
    private bool[] _unavailable = new bool[32];
    private ReadOnlyMemory<byte> _values;

    public int Count { get; private set; }

    /// <summary>True when some cell was marked by <see cref="MarkUnavailable"/> since the last <see cref="Load"/>.</summary>
    public bool HasUnavailable { get; private set; }

    public void Load(Query.Row row)
    {
        var count = row.Lengths.Count;
        if (_offsets.Length < count)
        {
            _offsets = new int[count];
            _lengths = new int[count];
            _unavailable = new bool[count];
        }
        if (HasUnavailable)
        {
            Array.Clear(_unavailable);
            HasUnavailable = false;
        }
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var length = (int)row.Lengths[i];
            _lengths[i] = length;
            _offsets[i] = offset;
            if (length > 0)
                offset += length;
        }
        _values = row.Values.Memory;
        Count = count;
    }

    public bool IsNull(int index) => _lengths[index] < 0;

    /// <summary>True when the cell is not in the row image (its NULL stands for a value the source did not log).</summary>
    public bool IsUnavailable(int index) => _unavailable[index];

    /// <summary>
    /// Marks the NULL cells of BLOB/TEXT columns whose bit is clear in <paramref name="dataColumns"/> as unavailable.
    /// Like Debezium (MySQL's NOBLOB handling, and the Vitess connector), other absent columns stay NULL: a partial
    /// image only ever leaves out BLOB/TEXT columns.
    /// </summary>
    public void MarkUnavailable(ReadOnlySpan<byte> dataColumns, ColumnConverter[] columns)
    {
        for (var i = 0; i < Count && i < columns.Length; i++)
        {
            if ((dataColumns[i >> 3] & (1 << (i & 7))) != 0 || _lengths[i] >= 0)
                continue;
            if (columns[i].Type is Query.Type.Blob or Query.Type.Text)
            {
                _unavailable[i] = true;
                HasUnavailable = true;
            }
        }
    }

    public ReadOnlySpan<byte> Cell(int index) => _values.Span.Slice(_offsets[index], _lengths[index]);

    /// <summary>True when the cell is NULL in both rows or has the same bytes in both.</summary>
    public static bool SameCell(RowCells a, RowCells b, int index) =>
        a.IsNull(index) ? b.IsNull(index) : !b.IsNull(index) && a.Cell(index).SequenceEqual(b.Cell(index));

    /// <summary>Null when <paramref name="row"/> has <paramref name="columns"/> well-formed cells, else what is wrong with it.</summary>
    public static string? Validate(Query.Row row, int columns)
    {
        if (row.Lengths.Count != columns)
            return $"has {row.Lengths.Count} values but the table's FIELD event has {columns} columns";
        long total = 0;
        var lengths = row.Lengths;
        for (var i = 0; i < lengths.Count; i++)
        {
            var length = lengths[i];
            if (length < -1)
                return $"has an invalid value length {length}";
            if (length > 0)
                total += length;
        }
        return total == row.Values.Length ? null : $"has value lengths adding up to {total} bytes but carries {row.Values.Length} bytes";
    }
}
