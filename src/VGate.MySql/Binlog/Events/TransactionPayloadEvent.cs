using System.Buffers;
using VGate.MySql.Protocol;
using ZstdSharp;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// TRANSACTION_PAYLOAD_EVENT (40, MySQL 8.0.20+ with <c>binlog_transaction_compression=ON</c>): a whole transaction's
/// events (QUERY BEGIN, TABLE_MAP, ROWS…, XID), without checksums, compressed together. The header is a list of
/// (type, length, value) fields — all length-encoded integers — ending with type 0; the payload follows.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Transaction__payload__event.html
/// </summary>
/// <remarks>
/// <see cref="Payload"/> references the buffer passed to <see cref="BinlogEventParser.Parse(ReadOnlyMemory{byte})"/>:
/// valid only until the next event is requested from the outer stream, so enumerate <see cref="ReadEvents"/> before
/// that.
/// </remarks>
public sealed class TransactionPayloadEvent : BinlogEvent
{
    private const ulong EndMarkField = 0;
    private const ulong PayloadSizeField = 1;
    private const ulong CompressionTypeField = 2;
    private const ulong UncompressedSizeField = 3;

    private readonly BinlogEventParser _parser;

    private TransactionPayloadEvent(EventHeader header, ulong payloadSize, TransactionCompression compression,
        ulong uncompressedSize, ReadOnlyMemory<byte> payload, BinlogEventParser parser)
        : base(header)
    {
        PayloadSize = payloadSize;
        Compression = compression;
        UncompressedSize = uncompressedSize;
        Payload = payload;
        _parser = parser;
    }

    /// <summary>Size of the (compressed) payload in bytes, as declared.</summary>
    public ulong PayloadSize { get; }

    /// <summary>How the payload is compressed.</summary>
    public TransactionCompression Compression { get; }

    /// <summary>Size of the inner events once decompressed, as declared (0 when absent).</summary>
    public ulong UncompressedSize { get; }

    /// <summary>The payload bytes. Not owned: valid only until the next event is requested from the stream.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>
    /// Decompresses the payload as a stream and parses the inner events one at a time with the parser that produced this
    /// event (so TABLE_MAPs inside update its table cache). Memory stays bounded by the largest inner event: an inner
    /// event longer than <see cref="BinlogEventParser.MaxEventSize"/> is streamed past and reported as an
    /// <see cref="OversizedEvent"/>. Each inner event, and any raw bytes it exposes, is valid only until the next one is
    /// requested. Truncated or corrupt payloads throw <see cref="BinlogFormatException"/>.
    /// </summary>
    public IEnumerable<BinlogEvent> ReadEvents()
    {
        var payload = Payload;
        var compression = Compression;
        var uncompressedSize = UncompressedSize;
        var parser = _parser;
        var header = Header;
        return Iterate();

        IEnumerable<BinlogEvent> Iterate()
        {
            using var input = OpenPayload(payload, compression);
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            ulong consumed = 0;
            try
            {
                while (true)
                {
                    var headerRead = ReadFully(input, buffer.AsSpan(0, EventHeader.Size));
                    if (headerRead == 0)
                        break;
                    if (headerRead < EventHeader.Size)
                        throw BinlogFormatException.Create($"TRANSACTION_PAYLOAD at log position {header.NextPosition} ends inside an inner event header ({headerRead} of {EventHeader.Size} bytes)");

                    var innerHeader = BinlogEventParser.ReadHeader(buffer.AsSpan(0, EventHeader.Size));
                    var length = innerHeader.EventLength;
                    if (length < EventHeader.Size)
                        throw BinlogFormatException.Create($"Inner {innerHeader.Type} event of TRANSACTION_PAYLOAD declares length {length}, less than the header");
                    if (uncompressedSize != 0 && consumed + length > uncompressedSize)
                        throw BinlogFormatException.Create($"Inner {innerHeader.Type} event of TRANSACTION_PAYLOAD declares length {length}, past the declared uncompressed size {uncompressedSize} (at {consumed})");

                    if (length > (uint)parser.MaxEventSize)
                    {
                        Discard(input, length - EventHeader.Size, buffer, innerHeader);
                        consumed += length;
                        yield return new OversizedEvent(innerHeader, parser.MaxEventSize);
                        continue;
                    }

                    // The buffer grows (doubling) only as the payload really inflates: the declared length of a
                    // corrupt or hostile inner header must not make the parser allocate before the bytes exist.
                    var filled = EventHeader.Size;
                    while (filled < length)
                    {
                        if (filled == buffer.Length)
                        {
                            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, (long)buffer.Length * 2));
                            buffer.AsSpan(0, filled).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }

                        var wanted = (int)Math.Min(length, buffer.Length) - filled;
                        var read = ReadFully(input, buffer.AsSpan(filled, wanted));
                        filled += read;
                        if (read < wanted)
                            break;
                    }

                    if (filled < length)
                        throw BinlogFormatException.Create($"Inner {innerHeader.Type} event of TRANSACTION_PAYLOAD at log position {header.NextPosition} declares {length} bytes but the payload ends after {filled}");
                    consumed += length;
                    yield return parser.ParseInner(buffer.AsMemory(0, (int)length));
                }

                if (uncompressedSize != 0 && consumed != uncompressedSize)
                    throw BinlogFormatException.Create($"TRANSACTION_PAYLOAD declares {uncompressedSize} uncompressed bytes but holds {consumed}");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum; sliced, not copied.</param>
    /// <param name="parser">The parser whose context parses the inner events.</param>
    internal static TransactionPayloadEvent Parse(EventHeader header, ReadOnlyMemory<byte> body, BinlogEventParser parser)
    {
        var reader = new PacketReader(body.Span);
        ulong? payloadSize = null;
        ulong uncompressedSize = 0;
        var compression = TransactionCompression.None;
        while (true)
        {
            var field = reader.ReadLengthEncodedInteger();
            if (field == EndMarkField)
                break;
            var value = new PacketReader(reader.ReadBytes(reader.ReadLengthEncodedLength()));
            switch (field)
            {
                case PayloadSizeField:
                    payloadSize = value.ReadLengthEncodedInteger();
                    break;
                case CompressionTypeField:
                    var type = value.ReadLengthEncodedInteger();
                    compression = type switch
                    {
                        0 => TransactionCompression.Zstd,
                        255 => TransactionCompression.None,
                        _ => throw BinlogFormatException.Create($"TRANSACTION_PAYLOAD compression type {type} is not supported (0 = zstd, 255 = none)"),
                    };
                    break;
                case UncompressedSizeField:
                    uncompressedSize = value.ReadLengthEncodedInteger();
                    break;
                default:
                    // Fields added by later servers are skipped by their length.
                    break;
            }
        }

        var rest = reader.Remaining;
        var size = payloadSize ?? (ulong)rest;
        if (size != (ulong)rest)
            throw BinlogFormatException.Create($"TRANSACTION_PAYLOAD declares a {size}-byte payload but {rest} byte(s) follow the header", reader.Offset);
        return new TransactionPayloadEvent(header, size, compression, uncompressedSize, body[reader.Offset..], parser);
    }

    private static Stream OpenPayload(ReadOnlyMemory<byte> payload, TransactionCompression compression)
    {
        var raw = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
        return compression == TransactionCompression.Zstd ? new DecompressionStream(raw) : raw;
    }

    // Reads until the span is full or the stream ends; returns the bytes read. Decoder errors become format errors.
    private static int ReadFully(Stream input, Span<byte> target)
    {
        var total = 0;
        try
        {
            while (total < target.Length)
            {
                var n = input.Read(target[total..]);
                if (n == 0)
                    break;
                total += n;
            }
        }
        catch (ZstdException ex)
        {
            throw BinlogFormatException.Create("TRANSACTION_PAYLOAD is not a valid zstd stream: " + ex.Message, -1, ex);
        }
        catch (EndOfStreamException ex)
        {
            // ZstdSharp reports a frame cut short this way (found by BinlogFuzzTests).
            throw BinlogFormatException.Create("TRANSACTION_PAYLOAD's zstd stream ends inside a frame: " + ex.Message, -1, ex);
        }

        return total;
    }

    private static void Discard(Stream input, long count, byte[] buffer, EventHeader innerHeader)
    {
        while (count > 0)
        {
            var n = ReadFully(input, buffer.AsSpan(0, (int)Math.Min(count, buffer.Length)));
            if (n == 0)
                throw BinlogFormatException.Create($"Inner {innerHeader.Type} event of TRANSACTION_PAYLOAD declares {innerHeader.EventLength} bytes but the payload ends first");
            count -= n;
        }
    }
}
