using Microsoft.Extensions.Logging;
using Vtrpc;

namespace VGate.Gateway.Logging;

/// <summary>Source-generated log messages of the gateway.</summary>
internal static partial class Log
{
    [LoggerMessage(EventIds.StreamStarted, LogLevel.Information, "VStream started over {ShardCount} shard(s) from {Role} sources")]
    public static partial void StreamStarted(ILogger logger, int shardCount, string role);

    [LoggerMessage(EventIds.StreamEnded, LogLevel.Debug, "VStream ended by the client")]
    public static partial void StreamEnded(ILogger logger);

    [LoggerMessage(EventIds.StreamFailed, LogLevel.Warning, "VStream failed with {Code}: {Reason}")]
    public static partial void StreamFailed(ILogger logger, Code code, string reason);

    [LoggerMessage(EventIds.ChunkingIgnoredWithMinimizeSkew, LogLevel.Warning, "transaction_chunk_size {ChunkSize} is ignored because minimize_skew is set (as in Vitess); transactions larger than {Limit} bytes are still sent in pieces")]
    public static partial void ChunkingIgnoredWithMinimizeSkew(ILogger logger, long chunkSize, long limit);

    [LoggerMessage(EventIds.OversizeEventSkipped, LogLevel.Warning, "{Event}: a ROW event over VGate:Limits:MaxEventBytes ({Limit} bytes) was left out of the stream (VGate:Limits:OversizeEvents is Skip)")]
    public static partial void OversizeEventSkipped(ILogger logger, string @event, int limit);

    [LoggerMessage(EventIds.ShardOpened, LogLevel.Debug, "{Keyspace}/{Shard}: streaming from {Source} at '{Position}'")]
    public static partial void ShardOpened(ILogger logger, string keyspace, string shard, string source, string position);

    [LoggerMessage(EventIds.ShardRetrying, LogLevel.Warning, "{Keyspace}/{Shard}: stream from {Source} failed ({Failures} in a row), reopening at '{Position}': {Reason}")]
    public static partial void ShardRetrying(ILogger logger, string keyspace, string shard, string source, int failures, string position, string reason);

    [LoggerMessage(EventIds.ShardGivingUp, LogLevel.Warning, "{Keyspace}/{Shard}: giving up after {Failures} consecutive failures: {Reason}")]
    public static partial void ShardGivingUp(ILogger logger, string keyspace, string shard, int failures, string reason);

    [LoggerMessage(EventIds.HubStarted, LogLevel.Debug, "{Keyspace}/{Shard}: fan-out hub started at '{Position}'")]
    public static partial void HubStarted(ILogger logger, string keyspace, string shard, string position);

    [LoggerMessage(EventIds.HubClosed, LogLevel.Debug, "{Keyspace}/{Shard}: fan-out hub closed (no subscribers left)")]
    public static partial void HubClosed(ILogger logger, string keyspace, string shard);

    [LoggerMessage(EventIds.HubFailed, LogLevel.Warning, "{Keyspace}/{Shard}: fan-out hub failed with {Code}: {Reason}")]
    public static partial void HubFailed(ILogger logger, string keyspace, string shard, Code code, string reason);

    [LoggerMessage(EventIds.SubscribersDetached, LogLevel.Information, "{Keyspace}/{Shard}: {Count} subscriber(s) fell behind the fan-out hub's ring and continue on their own connection")]
    public static partial void SubscribersDetached(ILogger logger, string keyspace, string shard, int count);

    [LoggerMessage(EventIds.SourceUnhealthy, LogLevel.Warning, "{Keyspace}/{Shard}: source {Source} is unreachable: {Reason}")]
    public static partial void SourceUnhealthy(ILogger logger, string keyspace, string shard, string source, string reason);

    [LoggerMessage(EventIds.SourceHealthy, LogLevel.Information, "{Keyspace}/{Shard}: source {Source} is reachable again")]
    public static partial void SourceHealthy(ILogger logger, string keyspace, string shard, string source);

    [LoggerMessage(EventIds.SourceLagging, LogLevel.Warning, "{Keyspace}/{Shard}: replica {Source} is not usable as a first choice: {Reason}")]
    public static partial void SourceLagging(ILogger logger, string keyspace, string shard, string source, string reason);

    [LoggerMessage(EventIds.SourceTransportInsecure, LogLevel.Warning, "{Keyspace}/{Shard}: source {Source} is connected over {Risk}; set ssl-mode=verify-identity (or verify-ca) and ssl-ca in its URI, or use a Unix socket (docs/security/secrets.md)")]
    public static partial void SourceTransportInsecure(ILogger logger, string keyspace, string shard, string source, string risk);

    [LoggerMessage(EventIds.SourceLeaving, LogLevel.Warning, "{Keyspace}/{Shard}: moving the stream off source {Source} ({Reason}) to a healthy one ({Better}) after the current transaction")]
    public static partial void SourceLeaving(ILogger logger, string keyspace, string shard, string source, string reason, string better);
}
