using Microsoft.Extensions.Logging;

namespace VGate.Gateway.Heartbeats;

/// <summary>Source-generated log messages of the heartbeat writer (event ids 3400–3499, next to the gateway's in Logging/EventIds).</summary>
internal static partial class HeartbeatLog
{
    [LoggerMessage(3400, LogLevel.Information, "{Keyspace}/{Shard}: writing heartbeats to {Table} on {Source} every {Interval}")]
    public static partial void Started(ILogger logger, string keyspace, string shard, string table, string source, TimeSpan interval);

    [LoggerMessage(3401, LogLevel.Warning, "{Keyspace}/{Shard}: heartbeat on {Source} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string keyspace, string shard, string source, string reason);

    [LoggerMessage(3402, LogLevel.Information, "{Keyspace}/{Shard}: heartbeats on {Source} written again")]
    public static partial void Recovered(ILogger logger, string keyspace, string shard, string source);

    [LoggerMessage(3403, LogLevel.Information, "{Keyspace}/{Shard}: {Table} not created on {Source} ({Reason}); writing to it as it is")]
    public static partial void NotCreated(ILogger logger, string keyspace, string shard, string table, string source, string reason);
}
