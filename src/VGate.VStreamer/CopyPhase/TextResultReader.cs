using System.Buffers.Binary;
using System.Text;
using VGate.MySql.Protocol;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// Streams one text-protocol result set (COM_QUERY) from a <see cref="MySqlProtocolConnection"/> row by row, handing out
/// each row's packet so values can be taken as the exact bytes the server sent (MySQL's text form of every type: floats
/// as MySQL prints them, DECIMAL exact, temporal values in the session time zone, BINARY(n) padded, ENUM/SET as strings).
/// Nothing is buffered beyond the current packet.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset.html
/// </summary>
/// <remarks>
/// Why not MySqlConnector: its data reader converts text values to CLR types (double, DateTime, TimeSpan…) and only
/// gives raw bytes for binary columns, so every type would have to be formatted back into MySQL's text, which loses the
/// server's exact float output. The raw packets here are the server's text verbatim.
/// </remarks>
internal sealed class TextResultReader
{
    private const byte ComQuery = 0x03;
    private const byte OkHeader = 0x00;
    private const byte ErrorHeader = 0xFF;
    private const byte EofHeader = 0xFE;
    private const byte NullValue = 0xFB;

    /// <summary>An EOF packet (the pre-CLIENT_DEPRECATE_EOF terminator of the column definitions) is exactly 5 bytes.</summary>
    private const int EofPacketLength = 5;

    private readonly MySqlProtocolConnection _connection;
    private ReadOnlyMemory<byte> _pending;
    private bool _done;

    private TextResultReader(MySqlProtocolConnection connection, int columnCount)
    {
        _connection = connection;
        ColumnCount = columnCount;
    }

    /// <summary>Number of columns in each row.</summary>
    public int ColumnCount { get; }

    /// <summary>The current row's packet; valid only until the next <see cref="ReadAsync"/>.</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>Sends <paramref name="sql"/> and reads the result set header and column definitions.</summary>
    /// <exception cref="CopyQueryException">The server answered with ERR, or with no result set.</exception>
    public static async Task<TextResultReader> ExecuteAsync(MySqlProtocolConnection connection, string sql, CancellationToken cancellationToken)
    {
        var payload = new byte[1 + Encoding.UTF8.GetByteCount(sql)];
        payload[0] = ComQuery;
        Encoding.UTF8.GetBytes(sql, payload.AsSpan(1));
        await connection.WriteCommandAsync(payload, cancellationToken).ConfigureAwait(false);

        var header = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        var span = header.Span;
        if (span.IsEmpty)
            throw CopyQueryException.Malformed("empty reply to the copy query");
        if (span[0] == ErrorHeader)
            throw CopyQueryException.FromErrorPacket(span);
        if (span[0] == OkHeader)
            throw CopyQueryException.Malformed("the copy query returned no result set");
        var offset = 0;
        var declared = ReadLength(span, ref offset);
        if (declared > int.MaxValue)
            throw CopyQueryException.Malformed($"the copy query's result declares {declared} columns");
        var columnCount = (int)declared;
        var reader = new TextResultReader(connection, columnCount);
        for (var i = 0; i < columnCount; i++)
        {
            var definition = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (!definition.IsEmpty && definition.Span[0] == ErrorHeader)
                throw CopyQueryException.FromErrorPacket(definition.Span);
        }

        // Without CLIENT_DEPRECATE_EOF an EOF packet (5 bytes) ends the definitions; with it, the rows follow at once and
        // the result ends with an OK packet that has the 0xFE header (at least 7 bytes). Either way the next packet decides.
        var next = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        if (next.Length == EofPacketLength && next.Span[0] == EofHeader)
            return reader;
        reader._pending = next.ToArray();
        return reader;
    }

    /// <summary>Moves to the next row; false at the end of the result set.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (_done)
            return false;
        ReadOnlyMemory<byte> packet;
        if (!_pending.IsEmpty)
        {
            packet = _pending;
            _pending = default;
        }
        else
        {
            packet = await _connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        }
        var span = packet.Span;
        if (span.IsEmpty)
            throw CopyQueryException.Malformed("empty row packet");
        if (span[0] == ErrorHeader)
            throw CopyQueryException.FromErrorPacket(span);
        if (span[0] == EofHeader && span.Length < 0xFFFFFF)
        {
            _done = true;
            Current = default;
            return false;
        }
        Current = packet;
        return true;
    }

    /// <summary>
    /// Splits a text row into its cells: <paramref name="cells"/>[i] gets the offset and length of value i in
    /// <paramref name="row"/>, or length −1 for NULL.
    /// </summary>
    /// <returns>The total length of the non-NULL values.</returns>
    public static int SplitRow(ReadOnlySpan<byte> row, Span<(int Offset, int Length)> cells)
    {
        var offset = 0;
        var total = 0;
        for (var i = 0; i < cells.Length; i++)
        {
            if (offset >= row.Length)
                throw CopyQueryException.Malformed($"row packet ends at byte {offset} before value {i + 1} of {cells.Length}");
            if (row[offset] == NullValue)
            {
                offset++;
                cells[i] = (0, -1);
                continue;
            }
            var length = ReadLength(row, ref offset);
            if (length > (ulong)(row.Length - offset))
                throw CopyQueryException.Malformed($"value {i + 1} claims {length} bytes but the row has {row.Length - offset} left");
            cells[i] = (offset, (int)length);
            offset += (int)length;
            total += (int)length;
        }
        if (offset != row.Length)
            throw CopyQueryException.Malformed($"row packet has {row.Length - offset} bytes after its {cells.Length} values");
        return total;
    }

    /// <summary>Reads a length-encoded integer, bounds-checked.</summary>
    private static ulong ReadLength(ReadOnlySpan<byte> span, ref int offset)
    {
        var first = span[offset];
        var size = first switch
        {
            < 0xFB => 0,
            0xFC => 2,
            0xFD => 3,
            0xFE => 8,
            _ => throw CopyQueryException.Malformed($"invalid length prefix 0x{first:X2} at byte {offset}"),
        };
        if (span.Length - offset - 1 < size)
            throw CopyQueryException.Malformed($"length prefix at byte {offset} needs {size} bytes, {span.Length - offset - 1} left");
        var bytes = span.Slice(offset + 1, size);
        offset += 1 + size;
        return size switch
        {
            0 => first,
            2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            3 => (ulong)(bytes[0] | (bytes[1] << 8) | (bytes[2] << 16)),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
    }
}
