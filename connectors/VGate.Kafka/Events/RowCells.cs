namespace VGate.Kafka.Events;

/// <summary>
/// Random access to the cells of one <c>query.Row</c> (lengths, −1 for NULL, and the values concatenated). Reused for
/// every row; the row must have passed <see cref="Validate"/> first.
/// </summary>
internal sealed class RowCells
{
    private int[] _offsets = new int[32];
    private int[] _lengths = new int[32];
    private ReadOnlyMemory<byte> _values;

    public int Count { get; private set; }

    public void Load(Query.Row row)
    {
        var count = row.Lengths.Count;
        if (_offsets.Length < count)
        {
            _offsets = new int[count];
            _lengths = new int[count];
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
