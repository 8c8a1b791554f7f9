using System.Buffers;
using System.Runtime.CompilerServices;

namespace VGate.VStreamer.Values;

/// <summary>
/// Row images as <see cref="RowValueWriter"/> writes them — the text of each value back to back, and one length per value
/// (−1 for NULL) — kept in reused arrays: every image of one ROW event, until <see cref="RowChangeEncoder"/> writes them
/// out as <c>query.Row</c>s. One per stream; not thread-safe.
/// </summary>
internal sealed class RowImageBuffer : IBufferWriter<byte>
{
    private byte[] _values = new byte[4096];
    private long[] _lengths = new long[64];
    private int _valuesLength;
    private int _count;

    /// <summary>Bytes of values written since <see cref="Clear"/> (differences give a value's length).</summary>
    public int RowLength => _valuesLength;

    /// <summary>Lengths added since <see cref="Clear"/>.</summary>
    public int LengthCount => _count;

    /// <summary>All values written since <see cref="Clear"/>, back to back.</summary>
    public ReadOnlySpan<byte> Values => _values.AsSpan(0, _valuesLength);

    /// <summary>All lengths added since <see cref="Clear"/>.</summary>
    public ReadOnlySpan<long> Lengths => _lengths.AsSpan(0, _count);

    /// <summary>Forgets everything written.</summary>
    public void Clear()
    {
        _valuesLength = 0;
        _count = 0;
    }

    /// <summary>Adds the length of one value (−1 for NULL).</summary>
    public void AddLength(long length)
    {
        if (_count == _lengths.Length)
            Array.Resize(ref _lengths, _lengths.Length * 2);
        _lengths[_count++] = length;
    }

    /// <summary>Writes the bytes of one value (or a piece of it).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _valuesLength += bytes.Length;
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        if (sizeHint < 1)
            sizeHint = 1;
        if (_values.Length - _valuesLength < sizeHint)
            Grow(sizeHint);
        return _values.AsSpan(_valuesLength);
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpan(sizeHint);
        return _values.AsMemory(_valuesLength);
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_values.Length - _valuesLength))
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advanced past the end of the requested span.");
        _valuesLength += count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int sizeHint) => Array.Resize(ref _values, Math.Max(_values.Length * 2, _valuesLength + sizeHint));
}
