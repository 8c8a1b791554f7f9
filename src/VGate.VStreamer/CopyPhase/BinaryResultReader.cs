using System.Buffers.Binary;
using System.Text;
using VGate.MySql;
using VGate.MySql.Protocol;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// Runs the copy query as a server-side prepared statement (COM_STMT_PREPARE, COM_STMT_EXECUTE without cursor,
/// COM_STMT_CLOSE) and streams its binary result rows one by one, each rendered into the exact bytes the text protocol
/// would have carried (<see cref="BinaryRowText"/>). Nothing is buffered beyond the current packet.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html and
/// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute.html
/// </summary>
/// <remarks>
/// Why: in the text protocol the server formats every number and date of every row; for a table of mixed types that is
/// about half of mariadbd's CPU during the copy (2.15 vs 1.20 CPU-s per 1M mixed rows, bench/README.md "Copy phase").
/// When a column of the result cannot be rendered exactly (<see cref="BinaryRowText.CanRender"/>), the statement is
/// closed and the caller reads the table with <see cref="TextResultReader"/> instead.
/// </remarks>
internal sealed class BinaryResultReader
{
    private const byte ComStmtPrepare = 0x16;
    private const byte ComStmtExecute = 0x17;
    private const byte ComStmtClose = 0x19;
    private const byte OkHeader = 0x00;
    private const byte ErrorHeader = 0xFF;
    private const byte EofHeader = 0xFE;
    private const int EofPacketLength = 5;

    private readonly MySqlProtocolConnection _connection;
    private readonly uint _statementId;
    private readonly BinaryColumn[] _columns;
    private byte[] _buffer = new byte[4096];
    private ReadOnlyMemory<byte> _packet;
    private bool _done;

    private BinaryResultReader(MySqlProtocolConnection connection, uint statementId, BinaryColumn[] columns)
    {
        _connection = connection;
        _statementId = statementId;
        _columns = columns;
    }

    /// <summary>Number of columns in each row.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>The current row's rendered values; valid only until the next <see cref="ReadAsync"/>.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan(0, CurrentLength);

    private int CurrentLength { get; set; }

    /// <summary>
    /// Prepares <paramref name="sql"/>; when every column of its result can be rendered, executes it and reads the
    /// column definitions, else closes the statement and returns null (nothing else has been sent).
    /// </summary>
    /// <exception cref="CopyQueryException">The server answered with ERR, or the reply could not be read.</exception>
    public static async Task<BinaryResultReader?> ExecuteAsync(MySqlProtocolConnection connection, string sql, CancellationToken cancellationToken)
    {
        var prepare = new byte[1 + Encoding.UTF8.GetByteCount(sql)];
        prepare[0] = ComStmtPrepare;
        Encoding.UTF8.GetBytes(sql, prepare.AsSpan(1));
        await connection.WriteCommandAsync(prepare, cancellationToken).ConfigureAwait(false);

        // COM_STMT_PREPARE_OK: 0x00, statement id (4), columns (2), parameters (2), reserved (1), warnings (2).
        var ok = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        var span = ok.Span;
        if (span.IsEmpty)
            throw CopyQueryException.Malformed("empty reply to the copy query's COM_STMT_PREPARE");
        if (span[0] == ErrorHeader)
            throw CopyQueryException.FromErrorPacket(span);
        if (span[0] != OkHeader || span.Length < 9)
            throw CopyQueryException.Malformed($"unexpected {span.Length}-byte reply to COM_STMT_PREPARE");
        var statementId = BinaryPrimitives.ReadUInt32LittleEndian(span[1..]);
        var columnCount = BinaryPrimitives.ReadUInt16LittleEndian(span[5..]);
        var parameterCount = BinaryPrimitives.ReadUInt16LittleEndian(span[7..]);
        if (parameterCount != 0)
            throw CopyQueryException.Malformed($"the copy query has {parameterCount} parameters");
        if (columnCount == 0)
            throw CopyQueryException.Malformed("the copy query returns no result set");
        var prepared = await ReadColumnsAsync(connection, columnCount, cancellationToken).ConfigureAwait(false);
        if (!prepared.All(BinaryRowText.CanRender))
        {
            await CloseAsync(connection, statementId, cancellationToken).ConfigureAwait(false);
            return null;
        }

        // COM_STMT_EXECUTE: id (4), flags (1: CURSOR_TYPE_NO_CURSOR, the rows stream as the text protocol's do),
        // iteration count (4: always 1); no parameters.
        var execute = new byte[10];
        execute[0] = ComStmtExecute;
        BinaryPrimitives.WriteUInt32LittleEndian(execute.AsSpan(1), statementId);
        BinaryPrimitives.WriteUInt32LittleEndian(execute.AsSpan(6), 1);
        await connection.WriteCommandAsync(execute, cancellationToken).ConfigureAwait(false);

        var header = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        span = header.Span;
        if (span.IsEmpty)
            throw CopyQueryException.Malformed("empty reply to the copy query's COM_STMT_EXECUTE");
        if (span[0] == ErrorHeader)
            throw CopyQueryException.FromErrorPacket(span);
        if (span[0] == OkHeader)
            throw CopyQueryException.Malformed("the copy query returned no result set");
        // The column count, length-encoded: one byte below 0xFB, else 0xFC and two bytes (a table has at most 4096 columns).
        var declared = span[0] < 0xFB ? span[0] : span[0] == 0xFC && span.Length >= 3 ? BinaryPrimitives.ReadUInt16LittleEndian(span[1..]) : -1;
        if (declared != columnCount)
            throw CopyQueryException.Malformed($"the copy query's result declares {declared} columns, prepared {columnCount}");
        var columns = await ReadColumnsAsync(connection, columnCount, cancellationToken).ConfigureAwait(false);
        if (!columns.All(BinaryRowText.CanRender))
            throw CopyQueryException.Malformed("the executed copy query has columns its prepared form did not have");
        return new BinaryResultReader(connection, statementId, columns);
    }

    /// <summary>Moves to the next row; false at the end of the result set (the statement is closed then).</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (_done)
            return false;
        var packet = await _connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        if (packet.IsEmpty)
            throw CopyQueryException.Malformed("empty row packet");
        var first = packet.Span[0];
        if (first == ErrorHeader)
            throw CopyQueryException.FromErrorPacket(packet.Span);
        if (first == EofHeader && packet.Length < 0xFFFFFF)
        {
            _done = true;
            CurrentLength = 0;
            _packet = default;
            await CloseAsync(_connection, _statementId, cancellationToken).ConfigureAwait(false);
            return false;
        }
        _packet = packet;
        return true;
    }

    /// <summary>
    /// Renders the current row: <paramref name="cells"/>[i] gets value i's offset and length in
    /// <see cref="Current"/>, length −1 for NULL.
    /// </summary>
    /// <returns>The total length of the non-NULL values.</returns>
    public int RenderRow(Span<(int Offset, int Length)> cells)
    {
        var row = _packet.Span;
        var needed = BinaryRowText.MaxRenderedLength(row, _columns.Length);
        if (_buffer.Length < needed)
            _buffer = new byte[Math.Max(needed, _buffer.Length * 2)];
        try
        {
            CurrentLength = BinaryRowText.Render(row, _columns, cells, _buffer);
        }
        catch (BinlogFormatException e)
        {
            throw CopyQueryException.Malformed(e.Message);
        }
        return CurrentLength;
    }

    private static async Task<BinaryColumn[]> ReadColumnsAsync(MySqlProtocolConnection connection, int count, CancellationToken cancellationToken)
    {
        var columns = new BinaryColumn[count];
        for (var i = 0; i < count; i++)
        {
            var definition = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (!definition.IsEmpty && definition.Span[0] == ErrorHeader)
                throw CopyQueryException.FromErrorPacket(definition.Span);
            try
            {
                columns[i] = BinaryColumn.FromDefinition(definition.Span);
            }
            catch (BinlogFormatException e)
            {
                throw CopyQueryException.Malformed("column definition: " + e.Message);
            }
        }
        if (!connection.DeprecateEof)
        {
            var eof = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (eof.Length != EofPacketLength || eof.Span[0] != EofHeader)
                throw CopyQueryException.Malformed($"expected an EOF packet after {count} column definitions");
        }
        return columns;
    }

    /// <summary>COM_STMT_CLOSE: the server sends no reply.</summary>
    private static async Task CloseAsync(MySqlProtocolConnection connection, uint statementId, CancellationToken cancellationToken)
    {
        var close = new byte[5];
        close[0] = ComStmtClose;
        BinaryPrimitives.WriteUInt32LittleEndian(close.AsSpan(1), statementId);
        await connection.WriteCommandAsync(close, cancellationToken).ConfigureAwait(false);
    }
}
