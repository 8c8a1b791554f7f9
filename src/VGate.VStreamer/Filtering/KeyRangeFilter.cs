namespace VGate.VStreamer.Filtering;

/// <summary>A key-range test: the row's keyspace id from a vindex over some columns must fall in a range.</summary>
public sealed class KeyRangeFilter
{
    private readonly ColumnKind[] _kinds;

    internal KeyRangeFilter(string vindexName, IKeyspaceIdFunction vindex, IReadOnlyList<int> columnIndexes, ColumnKind[] kinds, string keyRangeSpec, IKeyRangeMatcher keyRange)
    {
        VindexName = vindexName;
        Vindex = vindex;
        ColumnIndexes = columnIndexes;
        _kinds = kinds;
        KeyRangeSpec = keyRangeSpec;
        KeyRange = keyRange;
    }

    /// <summary>The vindex name as written in the filter or VSchema.</summary>
    public string VindexName { get; }

    /// <summary>The vindex.</summary>
    public IKeyspaceIdFunction Vindex { get; }

    /// <summary>The vindex input columns, as indexes into the table's columns.</summary>
    public IReadOnlyList<int> ColumnIndexes { get; }

    /// <summary>The key range as written (e.g. <c>-80</c>).</summary>
    public string KeyRangeSpec { get; }

    /// <summary>The parsed key range.</summary>
    public IKeyRangeMatcher KeyRange { get; }

    /// <summary>True when the row's keyspace id is in the range.</summary>
    /// <exception cref="VStreamFilterException">The vindex can't map the row (e.g. a NULL <c>hash</c> input), as in Vitess.</exception>
    public bool Matches(IRowValues row) => KeyRange.Contains(ComputeKeyspaceId(row));

    /// <summary>The row's keyspace id.</summary>
    /// <exception cref="VStreamFilterException">The vindex can't map the row.</exception>
    public byte[] ComputeKeyspaceId(IRowValues row) => MapRow(Vindex, ColumnIndexes, _kinds, row);

    internal static byte[] MapRow(IKeyspaceIdFunction vindex, IReadOnlyList<int> columns, ColumnKind[] kinds, IRowValues row)
    {
        ArgumentNullException.ThrowIfNull(row);
        byte[]? keyspaceId;
        if (columns.Count == 1)
        {
            var value = new VindexValue(kinds[0], row.GetValue(columns[0]), row.IsNull(columns[0]));
            if (vindex.TryMap(new ReadOnlySpan<VindexValue>(in value), out keyspaceId))
            {
                return keyspaceId;
            }
        }
        else
        {
            var values = new VindexValue[columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = new VindexValue(kinds[i], row.GetValue(columns[i]), row.IsNull(columns[i]));
            }

            if (vindex.TryMap(values, out keyspaceId))
            {
                return keyspaceId;
            }
        }

        var rendered = string.Join(" ", columns.Select(c => row.IsNull(c) ? "NULL" : System.Text.Encoding.UTF8.GetString(row.GetValue(c).Span)));
        throw VStreamFilterException.Create($"could not map [{rendered}] to a keyspace id");
    }
}
