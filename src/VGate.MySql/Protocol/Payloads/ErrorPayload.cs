namespace VGate.MySql.Protocol.Payloads;

/// <summary>
/// An ERR packet: error code, optional SQLSTATE marker and state, and message.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html and
/// https://mariadb.com/kb/en/err_packet/
/// </summary>
internal sealed class ErrorPayload
{
    /// <summary>The header byte of an ERR packet.</summary>
    public const byte Signature = 0xFF;

    private const string DefaultSqlState = "HY000";

    private ErrorPayload(int errorCode, string sqlState, string message)
    {
        ErrorCode = errorCode;
        SqlState = sqlState;
        Message = message;
    }

    public int ErrorCode { get; }

    /// <summary>The SQLSTATE, or <c>HY000</c> when the packet has none (ERR packets sent before the handshake completes).</summary>
    public string SqlState { get; }

    public string Message { get; }

    public static bool IsError(ReadOnlySpan<byte> payload) => payload.Length >= 3 && payload[0] == Signature;

    public static ErrorPayload Create(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        var header = reader.ReadByte();
        if (header != Signature)
            throw BinlogFormatException.Create($"Expected an ERR packet (0xFF) but got header 0x{header:X2}", 0);
        var code = reader.ReadUInt16();
        var state = DefaultSqlState;
        if (reader.Remaining >= 6 && reader.PeekByte() == (byte)'#')
        {
            reader.Skip(1);
            state = reader.ReadString(5);
        }

        var message = reader.ReadString(reader.Remaining);
        return new ErrorPayload(code, state, message);
    }

    /// <summary>Creates the exception that reports this error to callers.</summary>
    public MySqlServerException ToException() => MySqlServerException.Create(ErrorCode, SqlState, Message);
}
