using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Binlog;

/// <summary>
/// Reads a binlog file (the 4-byte magic <c>fe 62 69 6e</c>, then events back to back) and parses its events with a
/// <see cref="BinlogEventParser"/>.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html#sect_protocol_replication_binlog_file
/// </summary>
/// <remarks>
/// Events are read into one reused buffer: an event, and any raw bytes it exposes, is valid only until the next event is
/// requested. An event longer than <see cref="BinlogEventParser.MaxEventSize"/> is streamed past and yielded as an
/// <see cref="OversizedEvent"/>. A file that ends inside an event throws <see cref="BinlogFormatException"/>.
/// </remarks>
public sealed class BinlogFileReader : IAsyncDisposable, IDisposable
{
    /// <summary>The magic number at the start of every binlog file.</summary>
    public static ReadOnlySpan<byte> Magic => [0xFE, 0x62, 0x69, 0x6E];

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private bool _started;

    /// <summary>Reads from a stream positioned at the start of a binlog file.</summary>
    /// <param name="stream">The file contents.</param>
    /// <param name="parser">The parser to use (a new one when <c>null</c>); its state carries over between files.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when this reader is disposed.</param>
    public BinlogFileReader(Stream stream, BinlogEventParser? parser = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        Parser = parser ?? new BinlogEventParser();
    }

    /// <summary>The parser (and its stream state: format description, table maps).</summary>
    public BinlogEventParser Parser { get; }

    /// <summary>Opens a binlog file for reading.</summary>
    public static BinlogFileReader Open(string path, BinlogEventParser? parser = null) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan), parser);

    /// <summary>Reads and parses the events asynchronously. May be enumerated once.</summary>
    public async IAsyncEnumerable<BinlogEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StartOnce();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var magic = new byte[4];
            if (await ReadFullyAsync(magic, cancellationToken).ConfigureAwait(false) != magic.Length || !magic.AsSpan().SequenceEqual(Magic))
                throw BinlogFormatException.Create("Not a binlog file: it does not start with fe 62 69 6e", 0);

            long position = magic.Length;
            while (true)
            {
                var headerRead = await ReadFullyAsync(buffer.AsMemory(0, EventHeader.Size), cancellationToken).ConfigureAwait(false);
                if (headerRead == 0)
                    yield break;
                var length = CheckHeader(buffer, headerRead, position);
                if (length > Parser.MaxEventSize)
                {
                    var header = BinlogEventParser.ReadHeader(buffer);
                    await SkipAsync(length - EventHeader.Size, buffer, position, cancellationToken).ConfigureAwait(false);
                    position += length;
                    yield return new OversizedEvent(header, Parser.MaxEventSize);
                    continue;
                }

                // The buffer grows only as the body's bytes really arrive (see EnsureCapacity).
                var filled = EventHeader.Size;
                while (filled < length)
                {
                    buffer = EnsureCapacity(buffer, filled, length);
                    var wanted = (int)Math.Min(length, buffer.Length) - filled;
                    var read = await ReadFullyAsync(buffer.AsMemory(filled, wanted), cancellationToken).ConfigureAwait(false);
                    filled += read;
                    if (read < wanted)
                        break;
                }

                CheckBody(filled - EventHeader.Size, length, position);
                position += length;
                yield return Parser.Parse(buffer.AsMemory(0, (int)length));
            }
        }
        finally
        {
            Parser.ReleaseBuffers();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads and parses the events synchronously (for tools and benchmarks). May be enumerated once.</summary>
    public IEnumerable<BinlogEvent> ReadEvents()
    {
        StartOnce();
        return Iterate();

        IEnumerable<BinlogEvent> Iterate()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                Span<byte> magic = stackalloc byte[4];
                if (ReadFully(magic) != magic.Length || !magic.SequenceEqual(Magic))
                    throw BinlogFormatException.Create("Not a binlog file: it does not start with fe 62 69 6e", 0);

                long position = magic.Length;
                while (true)
                {
                    var headerRead = ReadFully(buffer.AsSpan(0, EventHeader.Size));
                    if (headerRead == 0)
                        yield break;
                    var length = CheckHeader(buffer, headerRead, position);
                    if (length > Parser.MaxEventSize)
                    {
                        var header = BinlogEventParser.ReadHeader(buffer);
                        Skip(length - EventHeader.Size, buffer, position);
                        position += length;
                        yield return new OversizedEvent(header, Parser.MaxEventSize);
                        continue;
                    }

                    var filled = EventHeader.Size;
                    while (filled < length)
                    {
                        buffer = EnsureCapacity(buffer, filled, length);
                        var wanted = (int)Math.Min(length, buffer.Length) - filled;
                        var read = ReadFully(buffer.AsSpan(filled, wanted));
                        filled += read;
                        if (read < wanted)
                            break;
                    }

                    CheckBody(filled - EventHeader.Size, length, position);
                    position += length;
                    yield return Parser.Parse(buffer.AsMemory(0, (int)length));
                }
            }
            finally
            {
                Parser.ReleaseBuffers();
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_leaveOpen)
            _stream.Dispose();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _leaveOpen ? ValueTask.CompletedTask : _stream.DisposeAsync();

    private void StartOnce()
    {
        if (_started)
            throw new InvalidOperationException("A BinlogFileReader can be enumerated only once.");
        _started = true;
    }

    private static uint CheckHeader(byte[] buffer, int headerRead, long position)
    {
        if (headerRead < EventHeader.Size)
            throw BinlogFormatException.Create($"Binlog file ends inside an event header at file offset {position} ({headerRead} of {EventHeader.Size} bytes)");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(9));
        if (length < EventHeader.Size)
            throw BinlogFormatException.Create($"Event at file offset {position} declares length {length}, less than the {EventHeader.Size}-byte header");
        return length;
    }

    private static void CheckBody(int bodyRead, uint length, long position)
    {
        if (bodyRead < length - EventHeader.Size)
            throw BinlogFormatException.Create($"Binlog file ends inside the event at file offset {position}: it declares {length} bytes, {EventHeader.Size + bodyRead} remain");
    }

    // Called when the first filled bytes of a length-byte event are in the buffer: doubles it (up to length) once it is
    // full. Growing only as bytes arrive means a header declaring a gigabyte in a truncated or hostile file costs the
    // bytes that are really there, not the declared length.
    private static byte[] EnsureCapacity(byte[] buffer, int filled, long length)
    {
        if (filled < buffer.Length || buffer.Length >= length)
            return buffer;
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, (long)buffer.Length * 2));
        buffer.AsSpan(0, filled).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private async ValueTask<int> ReadFullyAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < target.Length)
        {
            var n = await _stream.ReadAsync(target[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
                break;
            total += n;
        }

        return total;
    }

    private int ReadFully(Span<byte> target)
    {
        var total = 0;
        while (total < target.Length)
        {
            var n = _stream.Read(target[total..]);
            if (n == 0)
                break;
            total += n;
        }

        return total;
    }

    private async ValueTask SkipAsync(long count, byte[] buffer, long position, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var n = await ReadFullyAsync(buffer.AsMemory(0, (int)Math.Min(count, buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
                throw BinlogFormatException.Create($"Binlog file ends inside the oversized event at file offset {position}");
            count -= n;
        }
    }

    private void Skip(long count, byte[] buffer, long position)
    {
        while (count > 0)
        {
            var n = ReadFully(buffer.AsSpan(0, (int)Math.Min(count, buffer.Length)));
            if (n == 0)
                throw BinlogFormatException.Create($"Binlog file ends inside the oversized event at file offset {position}");
            count -= n;
        }
    }
}
