namespace VGate.Server.Logging;

/// <summary>Server log messages. Event ids 7000–7099. Never log passwords or request metadata values other than the user name.</summary>
internal static partial class Log
{
    [LoggerMessage(7000, LogLevel.Information, "VStream started for {Keyspaces} from {Peer}", EventName = "VStreamStarted")]
    public static partial void VStreamStarted(ILogger logger, string keyspaces, string peer);

    [LoggerMessage(7001, LogLevel.Information, "VStream from {Peer} ended after {Responses} responses", EventName = "VStreamEnded")]
    public static partial void VStreamEnded(ILogger logger, string peer, long responses);

    [LoggerMessage(7002, LogLevel.Information, "Call {Method} from {Peer} was cancelled by the client", EventName = "CallCancelled")]
    public static partial void CallCancelled(ILogger logger, string method, string peer);

    [LoggerMessage(7003, LogLevel.Warning, "Call {Method} failed with {Code}: {Message}", EventName = "CallFailed")]
    public static partial void CallFailed(ILogger logger, string method, Vtrpc.Code code, string message);

    [LoggerMessage(7004, LogLevel.Error, "Call {Method} failed unexpectedly", EventName = "CallFailedUnexpectedly")]
    public static partial void CallFailedUnexpectedly(ILogger logger, string method, Exception exception);

    [LoggerMessage(7010, LogLevel.Warning, "Call {Method} from {Peer} has no username/password metadata", EventName = "AuthMissing")]
    public static partial void AuthMissing(ILogger logger, string method, string peer);

    [LoggerMessage(7011, LogLevel.Warning, "Call {Method} from {Peer}: user {User} gave invalid credentials", EventName = "AuthDenied")]
    public static partial void AuthDenied(ILogger logger, string method, string peer, string user);

    [LoggerMessage(7012, LogLevel.Information, "Static authentication on: {Users} users from {File}", EventName = "AuthEnabled")]
    public static partial void AuthEnabled(ILogger logger, int users, string file);

    [LoggerMessage(7020, LogLevel.Debug, "Execute {Sql} (target '{Target}')", EventName = "Execute")]
    public static partial void Execute(ILogger logger, string sql, string target);

    [LoggerMessage(7021, LogLevel.Information, "Execute rejected {Code}: {Message}", EventName = "ExecuteRejected")]
    public static partial void ExecuteRejected(ILogger logger, Vtrpc.Code code, string message);

    [LoggerMessage(7022, LogLevel.Warning, "Listing tables of {Keyspace}/{Shard} failed", EventName = "ListTablesFailed")]
    public static partial void ListTablesFailed(ILogger logger, string keyspace, string shard, Exception exception);

    [LoggerMessage(7023, LogLevel.Warning, "Reading the table status of {Keyspace}/{Shard} failed", EventName = "TableStatusFailed")]
    public static partial void TableStatusFailed(ILogger logger, string keyspace, string shard, Exception exception);
    [LoggerMessage(7013, LogLevel.Information, "Reloaded the {What} '{File}' ({Count} entries)", EventName = "SecurityReloaded")]
    public static partial void SecurityReloaded(ILogger logger, string what, string file, int count);

    [LoggerMessage(7014, LogLevel.Error, "The {What} '{File}' changed but cannot be loaded; the previous one stays in use: {Reason}", EventName = "SecurityReloadFailed")]
    public static partial void SecurityReloadFailed(ILogger logger, string what, string file, string reason);

    [LoggerMessage(7015, LogLevel.Warning, "Client certificate {Subject} rejected: {Reason}", EventName = "ClientCertificateRejected")]
    public static partial void ClientCertificateRejected(ILogger logger, string subject, string reason);

    [LoggerMessage(7016, LogLevel.Warning, "Call {Method} from {Peer}: user {User} may not read {What}", EventName = "AccessDenied")]
    public static partial void AccessDenied(ILogger logger, string method, string peer, string user, string what);

    [LoggerMessage(7017, LogLevel.Warning, "GET /metrics from {Peer} without valid credentials", EventName = "MetricsDenied")]
    public static partial void MetricsDenied(ILogger logger, string peer);

    [LoggerMessage(7018, LogLevel.Warning, "Listening on {Addresses} without authentication: anyone who reaches the port can read every keyspace (AllowUnauthenticated is set)", EventName = "OpenServer")]
    public static partial void OpenServer(ILogger logger, string addresses);
}
