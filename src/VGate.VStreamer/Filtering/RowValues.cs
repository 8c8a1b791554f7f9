using System.Text;

namespace VGate.VStreamer.Filtering;

/// <summary>An <see cref="IRowValues"/> over one byte array per column (null = SQL NULL).</summary>
public sealed class RowValues : IRowValues
{
    private readonly ReadOnlyMemory<byte>?[] _values;

    /// <summary>Wraps the values (not copied).</summary>
    public RowValues(IReadOnlyList<byte[]?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new ReadOnlyMemory<byte>?[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            // Not a conditional expression: null would convert to an empty ReadOnlyMemory through byte[].
            if (values[i] is { } value)
            {
                _values[i] = value;
            }
        }
    }

    private RowValues(ReadOnlyMemory<byte>?[] values)
    {
        _values = values;
    }

    /// <inheritdoc/>
    public int Count => _values.Length;

    /// <summary>A row from UTF-8 text values (null = SQL NULL); handy in tests and tools.</summary>
    public static RowValues FromText(params string?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new RowValues(values.Select(v => v is null ? null : Encoding.UTF8.GetBytes(v)).ToArray());
    }

    /// <summary>
    /// A row in <c>query.Row</c> layout: <paramref name="lengths"/> per column (-1 = NULL) over the concatenated
    /// <paramref name="values"/>. The slices refer to <paramref name="values"/>; nothing is copied.
    /// </summary>
    public static RowValues FromQueryRow(ReadOnlySpan<long> lengths, ReadOnlyMemory<byte> values)
    {
        var result = new ReadOnlyMemory<byte>?[lengths.Length];
        var offset = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 0)
            {
                continue;
            }

            var length = checked((int)lengths[i]);
            result[i] = values.Slice(offset, length);
            offset += length;
        }

        return new RowValues(result);
    }

    /// <inheritdoc/>
    public bool IsNull(int column) => _values[column] is null;

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> GetValue(int column) => _values[column] ?? ReadOnlyMemory<byte>.Empty;
}
