using System.Net.Sockets;
using System.Security.Authentication;

namespace VGate.MySql.Protocol;

/// <summary>
/// The failures of SQL that VGate runs on a source over <see cref="MySqlProtocolConnection"/> (schema, positions, health
/// and prerequisite checks), for callers that treat all of them alike (e.g. report the source unhealthy, or fall back).
/// </summary>
public static class SourceSqlErrors
{
    /// <summary>
    /// True for every way a query on a source can fail other than cancellation and programming errors: the server
    /// refused (<see cref="MySqlServerException"/>), TLS or the login could not be set up safely
    /// (<see cref="AuthenticationException"/>), the server could not be reached or the connection broke
    /// (<see cref="SocketException"/>, <see cref="IOException"/>, <see cref="TimeoutException"/>), or an answer could
    /// not be read (<see cref="BinlogFormatException"/>, <see cref="FormatException"/>).
    /// </summary>
    public static bool IsSourceFailure(Exception exception) => exception is MySqlServerException or AuthenticationException
        or SocketException or IOException or TimeoutException or BinlogFormatException or FormatException;
}
