using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using VGate.Kafka.Logging;
using VGate.Kafka.Positions;
using VGate.Kafka.Producing;
using VGate.Kafka.Sink;

namespace VGate.Kafka.Recovery;

/// <summary>
/// Reads what the sink wrote after a checkpoint: every partition named in the checkpoint, from its checkpointed end
/// offset to the current end (read_committed), collecting this connector's records into a <see cref="DedupeIndex"/>.
/// </summary>
internal static class ReadBack
{
    /// <summary>The result: present records, and each partition's end as seen by the scan.</summary>
    public sealed record Result(DedupeIndex Present, Dictionary<TopicPartition, long> Ends, long RecordsRead);

    public static Task<Result> ScanAsync(KafkaClients kafka, IReadOnlyDictionary<TopicPartition, long> from, string connector, ILogger logger, CancellationToken cancellationToken) =>
        Task.Run(() => Scan(kafka, from, connector, logger, cancellationToken), cancellationToken);

    private static Result Scan(KafkaClients kafka, IReadOnlyDictionary<TopicPartition, long> from, string connector, ILogger logger, CancellationToken cancellationToken)
    {
        var index = new DedupeIndex(logger);
        var ends = new Dictionary<TopicPartition, long>(from);
        var pending = new HashSet<TopicPartition>();
        var assignment = new List<TopicPartitionOffset>();
        foreach (var (partition, offset) in from)
        {
            var watermarks = kafka.QueryWatermarks(partition);
            if (watermarks.High.Value <= offset)
                continue;
            var start = offset;
            if (watermarks.Low.Value > offset)
            {
                Log.ReadBackTruncated(logger, partition.Topic, partition.Partition.Value, offset, watermarks.Low.Value);
                start = watermarks.Low.Value;
            }
            assignment.Add(new TopicPartitionOffset(partition, start));
            pending.Add(partition);
        }
        long read = 0;
        if (assignment.Count == 0)
            return new Result(index, ends, read);

        var consumer = kafka.Consumer;
        consumer.Assign(assignment);
        try
        {
            var deadline = DateTime.UtcNow + kafka.Timeout + kafka.Timeout;
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow > deadline)
                {
                    throw new KafkaSinkException(SinkFailure.Kafka,
                        $"Reading back {string.Join(", ", pending)} did not reach the end in time; the sink cannot know what it wrote after its last checkpoint.");
                }
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                }
                catch (ConsumeException ex)
                {
                    throw new KafkaSinkException(SinkFailure.Kafka, $"Reading back what was written after the checkpoint failed: {ex.Error.Reason} ({ex.Error.Code}).", ex);
                }
                if (result is null)
                    continue;
                if (result.IsPartitionEOF)
                {
                    pending.Remove(result.TopicPartition);
                    ends[result.TopicPartition] = Math.Max(ends.GetValueOrDefault(result.TopicPartition), result.Offset.Value);
                    continue;
                }
                read++;
                ends[result.TopicPartition] = Math.Max(ends.GetValueOrDefault(result.TopicPartition), result.Offset.Value + 1);
                if (PositionHeaders.Read(result.Message.Headers) is not { } header || header.Connector != connector)
                    continue;
                if (RecordIdentity.Of(header.Position, header.Copy, result.Topic, result.Message.Key) is { } identity)
                    index.Add(identity, result.TopicPartition, result.Offset.Value, header.Position.Keyspace + "/" + header.Position.Shard, header.Copy);
            }
        }
        finally
        {
            consumer.Unassign();
        }
        Log.ReadBack(logger, read, assignment.Count, index.Count);
        return new Result(index, ends, read);
    }
}
