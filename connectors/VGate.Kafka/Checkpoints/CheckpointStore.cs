using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using VGate.Kafka.Logging;
using VGate.Kafka.Producing;
using VGate.Kafka.Sink;

namespace VGate.Kafka.Checkpoints;

/// <summary>
/// Reads and writes the connector's checkpoints in the offsets topic: records keyed by the connector (Kafka
/// Connect's key format), in the partition Kafka's default partitioner gives that key, so the topic can be shared by
/// many connectors and read like Connect's <c>connect-offsets</c>. The last record with the key wins; a tombstone
/// (null value) for the key resets the connector.
/// </summary>
internal sealed class CheckpointStore
{
    private readonly KafkaClients _kafka;
    private readonly string _topic;
    private readonly short _replicationFactor;
    private readonly ILogger _logger;
    private TopicPartition? _partition;

    public CheckpointStore(KafkaClients kafka, KafkaSinkOptions options, ILogger logger)
    {
        _kafka = kafka;
        _topic = options.OffsetsTopic;
        _replicationFactor = options.OffsetsTopicReplicationFactor;
        _logger = logger;
        Key = CheckpointCodec.Key(options.EffectiveConnectorName, options.TopicPrefix ?? "");
    }

    /// <summary>This connector's record key.</summary>
    public byte[] Key { get; }

    /// <summary>The offsets-topic partition holding this connector's checkpoints (after <see cref="OpenAsync"/>).</summary>
    public TopicPartition Partition => _partition ?? throw new InvalidOperationException("The checkpoint store is not open.");

    /// <summary>Makes sure the offsets topic exists (creating it compacted if possible) and finds this connector's partition.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (!await Task.Run(() => _kafka.TopicExists(_topic), cancellationToken).ConfigureAwait(false))
        {
            var problem = await _kafka.TryCreateCompactedTopicAsync(_topic, _replicationFactor).ConfigureAwait(false);
            if (problem is null)
                Log.OffsetsTopicCreated(_logger, _topic);
            else
                Log.OffsetsTopicCreateFailed(_logger, _topic, problem);
        }
        var partitions = await _kafka.GetPartitionCountAsync(_topic, cancellationToken).ConfigureAwait(false);
        _partition = new TopicPartition(_topic, KafkaPartitioner.Partition(Key, partitions));
    }

    /// <summary>
    /// The newest checkpoint of this connector, or null when there is none (or the newest record is a tombstone).
    /// Reads backwards in growing windows from the end, so a long uncompacted history is not read in full.
    /// Throws <see cref="KafkaSinkException"/> when the newest checkpoint cannot be parsed: silently starting over
    /// would duplicate or lose data.
    /// </summary>
    public Task<Checkpoint?> ReadLastAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        var partition = Partition;
        var watermarks = _kafka.QueryWatermarks(partition);
        var end = watermarks.High.Value;
        var low = watermarks.Low.Value;
        long window = 256;
        while (end > low)
        {
            var start = Math.Max(low, end - window);
            var found = FindLast(partition, start, end, cancellationToken);
            if (found is { } record)
            {
                if (record.Value is null)
                    return null;
                try
                {
                    return CheckpointCodec.Decode(record.Value);
                }
                catch (FormatException ex)
                {
                    throw new KafkaSinkException(SinkFailure.Kafka,
                        $"The newest checkpoint of {CheckpointCodec.KeyText(Key)} in {partition.Topic}/{partition.Partition.Value}@{record.Offset} is invalid: {ex.Message} " +
                        "Fix it, or write a tombstone for the key to start over.", ex);
                }
            }
            end = start;
            window *= 4;
        }
        return (Checkpoint?)null;
    }, cancellationToken);

    /// <summary>Produces <paramref name="checkpoint"/> (inside the open transaction, if any); wait for its delivery before relying on it.</summary>
    public ValueTask WriteAsync(Checkpoint checkpoint, CancellationToken cancellationToken) =>
        _kafka.ProduceAsync(Partition, Key, CheckpointCodec.Encode(checkpoint), null, cancellationToken);

    private (long Offset, byte[]? Value)? FindLast(TopicPartition partition, long start, long end, CancellationToken cancellationToken)
    {
        var consumer = _kafka.Consumer;
        consumer.Assign(new TopicPartitionOffset(partition, start));
        try
        {
            (long, byte[]?)? last = null;
            var deadline = DateTime.UtcNow + _kafka.Timeout;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow > deadline)
                    throw new KafkaSinkException(SinkFailure.Kafka, $"Reading checkpoints from {partition} did not reach offset {end} within {_kafka.Timeout.TotalSeconds:0} s.");
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    throw new KafkaSinkException(SinkFailure.Kafka, $"Reading checkpoints from {partition} failed: {ex.Error.Reason} ({ex.Error.Code}).", ex);
                }
                if (result is null)
                    continue;
                if (result.IsPartitionEOF)
                    return last;
                if (result.Offset.Value >= end)
                    return last;
                if (result.Message.Key is { } key && key.AsSpan().SequenceEqual(Key))
                    last = (result.Offset.Value, result.Message.Value);
            }
        }
        finally
        {
            consumer.Unassign();
        }
    }
}
