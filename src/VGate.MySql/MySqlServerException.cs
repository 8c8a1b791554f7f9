namespace VGate.MySql;

/// <summary>
/// An ERR packet sent by the server, with its numeric error code and SQLSTATE.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html
/// </summary>
public sealed class MySqlServerException : Exception
{
    private MySqlServerException(int errorCode, string sqlState, string message, Exception? inner = null)
        : base($"Server error {errorCode} ({sqlState}): {message}", inner)
    {
        ErrorCode = errorCode;
        SqlState = sqlState;
        ServerMessage = message;
    }

    /// <summary>The server's numeric error code (for example 1045 for access denied, 1236 for a binlog read error).</summary>
    public int ErrorCode { get; }

    /// <summary>The five-character SQLSTATE, or <c>HY000</c> when the packet carried none.</summary>
    public string SqlState { get; }

    /// <summary>The server's message, unchanged.</summary>
    public string ServerMessage { get; }

    internal static MySqlServerException Create(int errorCode, string sqlState, string message) =>
        new(errorCode, sqlState, message);
}
