using System.Buffers;
using System.IO.Pipelines;

namespace VGate.MySql.Protocol;

/// <summary>
/// MySQL packet framing over a connected stream: a 3-byte little-endian payload length, a 1-byte sequence id, then the
/// payload. Payloads of 0xFFFFFF bytes or more are split into 0xFFFFFF-byte packets followed by a shorter (possibly empty)
/// one; this class splits on write and reassembles on read, and checks that sequence ids follow each other.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html
/// </summary>
/// <remarks>
/// Not thread-safe: one reader and one writer at a time, not overlapping (the protocol is half-duplex).
/// Reads go through a <see cref="PipeReader"/>; writes go straight to the stream. The one exception is
/// <see cref="DisposeAsync"/>, which may be called from another thread while a read is pending (a watchdog closing a silent
/// connection): the pending read then fails with <see cref="ObjectDisposedException"/> or <see cref="IOException"/>.
/// </remarks>
internal sealed class PacketChannel : IAsyncDisposable
{
    /// <summary>The largest payload one packet can carry; a packet of exactly this size continues in the next packet.</summary>
    public const int MaxPacketPayload = 0xFF_FFFF;

    /// <summary>
    /// Default <see cref="MaxPayloadLength"/>: 1 GiB (the largest event a server sends, see
    /// <see cref="Binlog.BinlogEventParser.DefaultMaxEventSize"/>) plus 4 KiB for the reply's own header bytes.
    /// </summary>
    public const int DefaultMaxPayloadLength = (1 << 30) + 4096;

    private const int HeaderLength = 4;
    private const int PipeBufferSize = 64 * 1024;

    // Pooled buffers above this size are given back after use so a single huge packet does not pin memory.
    private const int RetainedBufferLimit = 1024 * 1024;

    private const int StateIdle = 0;
    private const int StateReading = 1;
    private const int StateDisposed = 2;

    private Stream _stream;
    private PipeReader _reader;
    private byte[]? _pooled;
    private bool _advancePending;
    private SequencePosition _pendingConsumed;
    private byte _sequenceId;

    // StateIdle, StateReading or StateDisposed; decides whether DisposeAsync or the pending read completes the pipe reader.
    private int _state;

    public PacketChannel(Stream stream)
    {
        _stream = stream;
        _reader = CreateReader(stream);
    }

    /// <summary>The stream packets are read from and written to (the TLS stream after <see cref="ReplaceStream"/>).</summary>
    public Stream Stream => _stream;

    /// <summary>Called after each receive that brought bytes during <see cref="ReadPacketAsync"/> (null for none).</summary>
    public Action? DataReceived { get; set; }

    /// <summary>
    /// Largest reassembled payload accepted. A server (or anything in its place) that keeps sending 0xFFFFFF-byte
    /// packets is cut off here with a <see cref="BinlogFormatException"/> instead of growing the buffer without end.
    /// </summary>
    public int MaxPayloadLength { get; set; } = DefaultMaxPayloadLength;

    /// <summary>The sequence id the next packet read or written must carry.</summary>
    public byte SequenceId => _sequenceId;

    /// <summary>Starts a new command: the next packet written carries sequence id 0.</summary>
    public void ResetSequence() => _sequenceId = 0;

    /// <summary>
    /// Switches to another stream wrapping the current one (TLS). The current pipe must hold no unread bytes.
    /// </summary>
    public void ReplaceStream(Stream stream)
    {
        ReleasePending();
        if (_reader.TryRead(out var result))
        {
            var unread = result.Buffer.Length;
            _reader.AdvanceTo(result.Buffer.Start);
            if (unread > 0)
                throw BinlogFormatException.Create($"The server sent {unread} unexpected byte(s) before the TLS handshake");
        }

        _reader.Complete();
        _stream = stream;
        _reader = CreateReader(stream);
    }

    /// <summary>
    /// Reads the next packet and returns its payload (split packets reassembled).
    /// </summary>
    /// <returns>
    /// The payload. It is valid only until the next call to <see cref="ReadPacketAsync"/>, <see cref="ReplaceStream"/> or
    /// <see cref="DisposeAsync"/>: it points into the pipe's buffer or into a pooled buffer that is reused.
    /// </returns>
    /// <exception cref="BinlogFormatException">The packet's sequence id is not the expected one.</exception>
    /// <exception cref="EndOfStreamException">The server closed the connection before a whole packet arrived.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadPacketAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Interlocked.CompareExchange(ref _state, StateReading, StateIdle) != StateIdle, this);
        try
        {
            return await ReadPacketCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _state, StateIdle, StateReading) == StateDisposed)
            {
                // DisposeAsync ran while this read was pending and left the pipe reader to this side.
                await _reader.CompleteAsync().ConfigureAwait(false);
                if (_pooled is not null)
                {
                    ArrayPool<byte>.Shared.Return(_pooled);
                    _pooled = null;
                }
            }
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadPacketCoreAsync(CancellationToken cancellationToken)
    {
        ReleasePending();
        var assembled = 0;
        var continued = false;
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled || Volatile.Read(ref _state) == StateDisposed)
                throw new ObjectDisposedException(nameof(PacketChannel), "The connection was closed while a packet was being read.");
            var buffer = result.Buffer;
            DataReceived?.Invoke();
            if (TryParseHeader(buffer, out var length, out var sequenceId) && buffer.Length >= HeaderLength + length)
            {
                if (sequenceId != _sequenceId)
                {
                    _reader.AdvanceTo(buffer.Start);
                    throw BinlogFormatException.CreateForPacketOutOfOrder(_sequenceId, sequenceId);
                }

                _sequenceId++;
                var payload = buffer.Slice(HeaderLength, length);
                if (!continued && length < MaxPacketPayload)
                {
                    if (payload.IsSingleSegment)
                    {
                        // Hot path (binlog events): hand out the pipe's own memory without copying, and advance the pipe
                        // only when the next packet is requested.
                        _pendingConsumed = payload.End;
                        _advancePending = true;
                        return payload.First;
                    }

                    // The packet straddles pipe segments: copy it into a reused pooled buffer.
                    var copy = EnsureCapacity(length, preserve: 0);
                    payload.CopyTo(copy);
                    _reader.AdvanceTo(payload.End);
                    return copy.AsMemory(0, length);
                }

                // One fragment of a split packet: append it to the pooled reassembly buffer.
                if ((long)assembled + length > MaxPayloadLength)
                {
                    _reader.AdvanceTo(payload.End);
                    throw BinlogFormatException.Create(
                        $"A split packet grows past {assembled + (long)length} bytes, more than the limit of {MaxPayloadLength} (max event bytes)");
                }

                var target = EnsureCapacity(assembled + length, preserve: assembled);
                payload.CopyTo(target.AsSpan(assembled));
                assembled += length;
                _reader.AdvanceTo(payload.End);
                if (length < MaxPacketPayload)
                    return target.AsMemory(0, assembled);
                continued = true;
                continue;
            }

            if (result.IsCompleted)
            {
                var received = buffer.Length;
                _reader.AdvanceTo(buffer.End);
                throw ProtocolErrors.CreateForUnexpectedEnd(received, assembled);
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Writes <paramref name="payload"/> as one logical packet, split into 0xFFFFFF-byte packets when needed (a payload that is
    /// an exact multiple of 0xFFFFFF bytes ends with an empty packet), and flushes.
    /// </summary>
    public async ValueTask WritePacketAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == StateDisposed, this);
        var offset = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(payload.Length, MaxPacketPayload) + HeaderLength);
        try
        {
            while (true)
            {
                var chunk = Math.Min(MaxPacketPayload, payload.Length - offset);
                WriteHeader(buffer, chunk, _sequenceId++);
                payload.Span.Slice(offset, chunk).CopyTo(buffer.AsSpan(HeaderLength));
                await _stream.WriteAsync(buffer.AsMemory(0, chunk + HeaderLength), cancellationToken).ConfigureAwait(false);
                offset += chunk;
                if (chunk < MaxPacketPayload)
                    break;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the stream. Safe to call while a read is pending on another thread; that read then fails.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var previous = Interlocked.Exchange(ref _state, StateDisposed);
        if (previous == StateDisposed)
            return;
        if (previous == StateReading)
        {
            // Wake the pending read; it completes the pipe reader itself when it unwinds.
            _reader.CancelPendingRead();
        }
        else
        {
            // The pooled buffer may still be referenced by the last returned payload, so it is left to the GC, not the pool.
            _advancePending = false;
            _pooled = null;
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private static PipeReader CreateReader(Stream stream) =>
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: PipeBufferSize, minimumReadSize: 4096, leaveOpen: true));

    private static bool TryParseHeader(in ReadOnlySequence<byte> buffer, out int length, out byte sequenceId)
    {
        if (buffer.Length < HeaderLength)
        {
            length = 0;
            sequenceId = 0;
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        length = header[0] | (header[1] << 8) | (header[2] << 16);
        sequenceId = header[3];
        return true;
    }

    private static void WriteHeader(Span<byte> buffer, int length, byte sequenceId)
    {
        buffer[0] = (byte)length;
        buffer[1] = (byte)(length >> 8);
        buffer[2] = (byte)(length >> 16);
        buffer[3] = sequenceId;
    }

    private void ReleasePending()
    {
        if (_advancePending)
        {
            _advancePending = false;
            _reader.AdvanceTo(_pendingConsumed);
        }

        if (_pooled is { Length: > RetainedBufferLimit })
        {
            ArrayPool<byte>.Shared.Return(_pooled);
            _pooled = null;
        }
    }

    private byte[] EnsureCapacity(int size, int preserve)
    {
        if (_pooled is not null && _pooled.Length >= size)
            return _pooled;
        var newSize = Math.Max(size, _pooled is null ? 0 : (int)Math.Min((long)_pooled.Length * 2, Array.MaxLength));
        var grown = ArrayPool<byte>.Shared.Rent(newSize);
        if (_pooled is not null)
        {
            _pooled.AsSpan(0, preserve).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_pooled);
        }

        _pooled = grown;
        return grown;
    }
}
