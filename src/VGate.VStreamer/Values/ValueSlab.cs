using System.Buffers;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace VGate.VStreamer.Values;

/// <summary>
/// Where a stream writes the values of its <c>query.Row</c>s: rows are written back to back into one large array (the
/// slab) and handed out as <see cref="ByteString"/>s that wrap their slice of it (<see cref="UnsafeByteOperations"/>),
/// instead of one copied array per row. That saves an object and a copy per row, and the GC sees one 32 KB array per
/// few hundred rows instead of a few hundred small ones.
/// </summary>
/// <remarks>
/// Safe because a slab is never written again where a handed-out row lies: rows only go forward, and a full slab is
/// replaced by a new array (never pooled or reused), so a row's bytes are immutable for as long as its
/// <see cref="ByteString"/> (and whatever holds the VEvent — the gateway's hub ring, a client's send queue) keeps the
/// array alive. The cost is that one live row keeps its whole slab alive: at most <see cref="SlabSize"/> bytes per
/// retained row, and in practice nothing, because VEvents are retained (and dropped) in stream order. Rows larger than
/// <see cref="LargeRow"/> get an exact-size copy instead, so a big row never pins a big, mostly empty array. One
/// instance per stream; not thread-safe.
/// </remarks>
internal sealed class ValueSlab : IBufferWriter<byte>
{
    /// <summary>Size of a fresh slab: below the large-object heap threshold (85,000 bytes), so slabs die young in gen0/gen1.</summary>
    public const int SlabSize = 32 * 1024;

    /// <summary>Rows longer than this are copied out into their own array (see remarks).</summary>
    public const int LargeRow = SlabSize / 4;

    // Not zeroed: only written bytes are ever handed out.
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(SlabSize);
    private int _rowStart;
    private int _position;

    /// <summary>Bytes written for the current row so far.</summary>
    public int RowLength => _position - _rowStart;

    /// <summary>Starts a row (drops anything written since the last <see cref="EndRow"/>).</summary>
    public void BeginRow() => _position = _rowStart;

    /// <summary>Returns at least <paramref name="sizeHint"/> writable bytes (at least 1) after the current row's bytes.</summary>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        if (sizeHint < 1)
            sizeHint = 1;
        if (_buffer.Length - _position < sizeHint)
            Grow(sizeHint);
        return _buffer.AsSpan(_position);
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpan(sizeHint);
        return _buffer.AsMemory(_position);
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _position))
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advanced past the end of the requested span.");
        _position += count;
    }

    /// <summary>Ends the row and returns its bytes as a <see cref="ByteString"/> that the slab never overwrites.</summary>
    public ByteString EndRow()
    {
        var length = _position - _rowStart;
        if (length > LargeRow)
        {
            // Copied out; its space in the slab is used again by the next row.
            var copy = ByteString.CopyFrom(_buffer.AsSpan(_rowStart, length));
            _position = _rowStart;
            return copy;
        }
        var row = UnsafeByteOperations.UnsafeWrap(new ReadOnlyMemory<byte>(_buffer, _rowStart, length));
        _rowStart = _position;
        return row;
    }

    // The current row moves to a new array (the old one stays with the rows handed out from it). A row that keeps
    // growing doubles its array, so writing a large value in small pieces stays linear.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int sizeHint)
    {
        var length = _position - _rowStart;
        var size = Math.Max(SlabSize, checked((length * 2) + sizeHint));
        var next = GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(_rowStart, length).CopyTo(next);
        _buffer = next;
        _rowStart = 0;
        _position = length;
    }
}
