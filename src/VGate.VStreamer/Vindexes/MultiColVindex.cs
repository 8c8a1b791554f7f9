using System.Diagnostics.CodeAnalysis;
using VGate.VStreamer.Filtering;
using FilterVindexValue = VGate.VStreamer.Filtering.VindexValue;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>multicol</c> (<c>go/vt/vtgate/vindexes/multicol.go</c>): a vindex over <c>column_count</c> columns whose
/// keyspace id is, column by column, the first <c>column_bytes</c> bytes of that column's hashing vindex
/// (<c>column_vindex</c>, default <c>hash</c>), at most 8 bytes in all.
/// </summary>
/// <remarks>
/// Fewer values than columns give Vitess a key range (a prefix), not a keyspace id, and a value a column's vindex cannot
/// map gives no destination: both have no keyspace id here.
/// </remarks>
internal sealed class MultiColVindex : IKeyspaceIdFunction
{
    public const string TypeName = "multicol";

    private readonly IVindex[] _columnVindexes;
    private readonly int[] _columnBytes;

    public MultiColVindex(IVindex[] columnVindexes, int[] columnBytes)
    {
        _columnVindexes = columnVindexes;
        _columnBytes = columnBytes;
    }

    public int ColumnCount => _columnVindexes.Length;

    public IReadOnlyList<int> ColumnBytes => _columnBytes;

    public bool IsUnique => true;

    public bool TryMap(ReadOnlySpan<FilterVindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = null;
        if (values.Length != _columnVindexes.Length)
            return false;
        var result = new List<byte>(8);
        var minLength = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!_columnVindexes[i].TryMap(SingleColumnVindexFunction.Convert(values[i]), out var hash))
                return false;
            // A shorter hash than its share leaves zeros before the next column's bytes.
            while (result.Count < minLength)
                result.Add(0);
            result.AddRange(hash.AsSpan(0, Math.Min(hash.Length, _columnBytes[i])));
            minLength += _columnBytes[i];
        }

        keyspaceId = [.. result];
        return true;
    }
}
