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

    [LoggerMessage(EventIds.MinimizeSkewNotHonoured, LogLevel.Warning, "minimize_skew was requested but is not implemented yet; shards are not aligned by timestamp")]
    public static partial void MinimizeSkewNotHonoured(ILogger logger);

    [LoggerMessage(EventIds.ChunkingIgnoredWithMinimizeSkew, LogLevel.Warning, "transaction_chunk_size {ChunkSize} is ignored because minimize_skew is set (the two can deadlock)")]
    public static partial void ChunkingIgnoredWithMinimizeSkew(ILogger logger, long chunkSize);

    [LoggerMessage(EventIds.ShardOpened, LogLevel.Debug, "{Keyspace}/{Shard}: streaming from {Source} at '{Position}'")]
    public static partial void ShardOpened(ILogger logger, string keyspace, string shard, string source, string position);

    [LoggerMessage(EventIds.ShardRetrying, LogLevel.Warning, "{Keyspace}/{Shard}: stream from {Source} failed ({Failures} in a row), reopening at '{Position}': {Reason}")]
    public static partial void ShardRetrying(ILogger logger, string keyspace, string shard, string source, int failures, string position, string reason);

    [LoggerMessage(EventIds.ShardGivingUp, LogLevel.Warning, "{Keyspace}/{Shard}: giving up after {Failures} consecutive failures: {Reason}")]
    public static partial void ShardGivingUp(ILogger logger, string keyspace, string shard, int failures, string reason);
}
