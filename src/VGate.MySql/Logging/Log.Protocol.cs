using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace VGate.MySql.Logging;

/// <summary>
/// Source-generated log messages. This part holds the client/server protocol connection events, EventIds 1000-1099.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "Connecting", Level = LogLevel.Debug,
        Message = "Connecting to {Endpoint} as {User}")]
    public static partial void Connecting(ILogger logger, string endpoint, string user);

    [LoggerMessage(EventId = 1001, EventName = "Connected", Level = LogLevel.Information,
        Message = "Connected to {Endpoint}: server {ServerVersion}, connection id {ConnectionId}, auth plugin {AuthPlugin}, transport {Transport}")]
    public static partial void Connected(ILogger logger, string endpoint, string serverVersion, uint connectionId, string authPlugin, VGate.MySql.Protocol.MySqlTransportSecurity transport);

    [LoggerMessage(EventId = 1002, EventName = "TlsEstablished", Level = LogLevel.Debug,
        Message = "TLS established with {Endpoint}: {TlsProtocol}, {CipherSuite}")]
    public static partial void TlsEstablished(ILogger logger, string endpoint, SslProtocols tlsProtocol, TlsCipherSuite cipherSuite);

    [LoggerMessage(EventId = 1003, EventName = "AuthSwitch", Level = LogLevel.Debug,
        Message = "Server {Endpoint} switched authentication to plugin {AuthPlugin}")]
    public static partial void AuthSwitch(ILogger logger, string endpoint, string authPlugin);

    [LoggerMessage(EventId = 1004, EventName = "FullAuthentication", Level = LogLevel.Debug,
        Message = "Server {Endpoint} asked for caching_sha2_password full authentication; sending the password by {Method}")]
    public static partial void FullAuthentication(ILogger logger, string endpoint, string method);

    [LoggerMessage(EventId = 1005, EventName = "PublicKeyRequested", Level = LogLevel.Debug,
        Message = "Requesting the server's RSA public key for plugin {AuthPlugin}")]
    public static partial void PublicKeyRequested(ILogger logger, string authPlugin);

    [LoggerMessage(EventId = 1006, EventName = "ConnectFailed", Level = LogLevel.Debug,
        Message = "Connecting to {Endpoint} failed")]
    public static partial void ConnectFailed(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(EventId = 1007, EventName = "Closing", Level = LogLevel.Debug,
        Message = "Closing connection {ConnectionId} to {Endpoint}")]
    public static partial void Closing(ILogger logger, uint connectionId, string endpoint);

    [LoggerMessage(EventId = 1008, EventName = "QuitFailed", Level = LogLevel.Debug,
        Message = "Sending COM_QUIT to {Endpoint} failed; closing the socket anyway")]
    public static partial void QuitFailed(ILogger logger, string endpoint, Exception exception);
}
