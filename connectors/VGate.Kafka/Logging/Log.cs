using Microsoft.Extensions.Logging;

namespace VGate.Kafka.Logging;

/// <summary>Kafka sink log messages. Event ids 8000–8099. Never log passwords or SASL secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(8000, LogLevel.Information, "Kafka sink {Connector} starting: gateway {Gateway}, keyspace {Keyspace}, Kafka {Bootstrap}, offsets topic {OffsetsTopic}, transactional {Transactional}", EventName = "Starting")]
    public static partial void Starting(ILogger logger, string connector, string gateway, string keyspace, string bootstrap, string offsetsTopic, bool transactional);

    [LoggerMessage(8001, LogLevel.Information, "Resuming from checkpoint #{Sequence} ({Partitions} partitions): {Vgtid}", EventName = "CheckpointLoaded")]
    public static partial void CheckpointLoaded(ILogger logger, long sequence, int partitions, string vgtid);

    [LoggerMessage(8002, LogLevel.Information, "No checkpoint for {Connector} in {OffsetsTopic}; starting from {Vgtid}", EventName = "NoCheckpoint")]
    public static partial void NoCheckpoint(ILogger logger, string connector, string offsetsTopic, string vgtid);

    [LoggerMessage(8003, LogLevel.Information, "Read back {Records} records written after the checkpoint in {Partitions} partitions; {Present} of them will be skipped when the stream replays them", EventName = "ReadBack")]
    public static partial void ReadBack(ILogger logger, long records, int partitions, int present);

    [LoggerMessage(8004, LogLevel.Information, "Recovery complete: {Skipped} records already in Kafka were skipped, {Pruned} were never replayed by the source", EventName = "RecoveryComplete")]
    public static partial void RecoveryComplete(ILogger logger, long skipped, long pruned);

    [LoggerMessage(8005, LogLevel.Warning, "Record {Identity} at {Topic}/{Partition}@{Offset} was not replayed by the source; it stays in Kafka as written", EventName = "RecoveryPruned")]
    public static partial void RecoveryPruned(ILogger logger, string identity, string topic, int partition, long offset);

    [LoggerMessage(8006, LogLevel.Information, "{Records} records ({Rate:F0}/s), {Transactions} source transactions, {Checkpoints} checkpoints; commit latency p50 {P50:F1} ms, p99 {P99:F1} ms; memory {ResidentMb} MB resident, managed heap {HeapMb} MB ({CommittedMb} MB committed); position {Vgtid}", EventName = "Progress")]
    public static partial void Progress(ILogger logger, long records, double rate, long transactions, long checkpoints, double p50, double p99, long residentMb, long heapMb, long committedMb, string vgtid);

    [LoggerMessage(8007, LogLevel.Warning, "VStream failed ({Reason}); reconnecting in {DelayMs} ms (attempt {Attempt})", EventName = "GatewayRetry")]
    public static partial void GatewayRetry(ILogger logger, string reason, int delayMs, int attempt);

    [LoggerMessage(8008, LogLevel.Information, "VStream opened at {Gateway} from {Vgtid}", EventName = "StreamOpened")]
    public static partial void StreamOpened(ILogger logger, string gateway, string vgtid);

    [LoggerMessage(8009, LogLevel.Information, "Topic {Topic} ({Partitions} partitions) registered in the checkpoint", EventName = "TopicRegistered")]
    public static partial void TopicRegistered(ILogger logger, string topic, int partitions);

    [LoggerMessage(8010, LogLevel.Warning, "Kafka: {Reason} ({Code})", EventName = "KafkaError")]
    public static partial void KafkaError(ILogger logger, string reason, string code);

    [LoggerMessage(EventId = 8011, EventName = "Librdkafka", Message = "librdkafka {Name} {Facility}: {Message}")]
    public static partial void Librdkafka(ILogger logger, LogLevel level, string name, string facility, string message);

    [LoggerMessage(8012, LogLevel.Warning, "Could not create offsets topic {Topic} ({Reason}); relying on broker auto-creation", EventName = "OffsetsTopicCreateFailed")]
    public static partial void OffsetsTopicCreateFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(8013, LogLevel.Information, "Created offsets topic {Topic} (1 partition, cleanup.policy=compact)", EventName = "OffsetsTopicCreated")]
    public static partial void OffsetsTopicCreated(ILogger logger, string topic);

    [LoggerMessage(8014, LogLevel.Warning, "Kafka transaction aborted ({Reason}); re-reading the last checkpoint and replaying from it", EventName = "TransactionAborted")]
    public static partial void TransactionAborted(ILogger logger, string reason);

    [LoggerMessage(8015, LogLevel.Information, "Stopped; last checkpoint #{Sequence}: {Vgtid}", EventName = "Stopped")]
    public static partial void Stopped(ILogger logger, long sequence, string vgtid);

    [LoggerMessage(8016, LogLevel.Debug, "Checkpoint #{Sequence} written: {Records} records in the batch, position {Vgtid}", EventName = "CheckpointWritten")]
    public static partial void CheckpointWritten(ILogger logger, long sequence, int records, string vgtid);

    [LoggerMessage(8017, LogLevel.Warning, "Partition {Topic}/{Partition}: records from offset {Offset} on were deleted by retention before they could be read back (log start {LogStart}); they cannot be checked for duplicates", EventName = "ReadBackTruncated")]
    public static partial void ReadBackTruncated(ILogger logger, string topic, int partition, long offset, long logStart);

    [LoggerMessage(8018, LogLevel.Warning, "The same change {Identity} is in Kafka twice ({Topic}/{Partition}@{Offset})", EventName = "DuplicatePresent")]
    public static partial void DuplicatePresent(ILogger logger, string identity, string topic, int partition, long offset);

    [LoggerMessage(8019, LogLevel.Information, "Transactional producer {TransactionalId} initialised (older instances with this id are fenced)", EventName = "TransactionsInitialised")]
    public static partial void TransactionsInitialised(ILogger logger, string transactionalId);

    [LoggerMessage(8020, LogLevel.Critical, "Stopping with exit code {ExitCode}: {Message}", EventName = "SinkFailed")]
    public static partial void SinkFailed(ILogger logger, int exitCode, string message);

    [LoggerMessage(8021, LogLevel.Information, "Native memory: {Tuning}", EventName = "NativeMemoryTuned")]
    public static partial void NativeMemoryTuned(ILogger logger, string tuning);

    [LoggerMessage(8022, LogLevel.Warning, "Left out a record of {Size} bytes for {Topic} (key {Key}, from {Keyspace}/{Shard} at {Gtid}): it is over message.max.bytes ({Limit}) and OversizeRecords is skip", EventName = "OversizeRecordSkipped")]
    public static partial void OversizeRecordSkipped(ILogger logger, int size, string topic, string key, string keyspace, string shard, string gtid, int limit);

    [LoggerMessage(8023, LogLevel.Information, "Metrics: GET /metrics and /healthz on http://{EndPoint}", EventName = "MetricsListening")]
    public static partial void MetricsListening(ILogger logger, string endPoint);

    [LoggerMessage(8024, LogLevel.Debug, "Metrics endpoint: a request failed: {Reason}", EventName = "MetricsRequestFailed")]
    public static partial void MetricsRequestFailed(ILogger logger, string reason);
}
