using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using VGate.Kafka.Positions;

namespace VGate.Kafka.Tests.Framework;

/// <summary>One record read back from Kafka.</summary>
public sealed record KafkaRecord(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, IReadOnlyList<(string Key, string Value)> Headers)
{
    public string? KeyText => Key is null ? null : Encoding.UTF8.GetString(Key);

    public string? ValueText => Value is null ? null : Encoding.UTF8.GetString(Value);

    /// <summary>
    /// The last header called <paramref name="name"/>. The names of the earlier one-header-per-fact position format
    /// (<see cref="PositionHeaders.Gtid"/> and the rest) give that fact of the record's <see cref="PositionHeaders.Position"/>
    /// header instead, in the same text form (<c>"1"</c> for a copy-phase row, null otherwise).
    /// </summary>
    public string? Header(string name)
    {
        if (Headers.LastOrDefault(h => h.Key == name).Value is { } plain)
            return plain;
        if (Headers.LastOrDefault(h => h.Key == PositionHeaders.Position).Value is not { } json
            || PositionHeaders.ReadJson(Encoding.UTF8.GetBytes(json)) is not { } position)
            return null;
        return name switch
        {
            PositionHeaders.Connector => position.Connector,
            PositionHeaders.Keyspace => position.Position.Keyspace,
            PositionHeaders.Shard => position.Position.Shard,
            PositionHeaders.Gtid => position.Position.Gtid,
            PositionHeaders.Index => position.Position.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            PositionHeaders.Kind => PositionHeaders.KindName(position.Position.Kind),
            PositionHeaders.Copy => position.Copy ? "1" : null,
            _ => null,
        };
    }

    /// <summary>The Debezium payload (the value itself without schemas, its <c>payload</c> with them).</summary>
    public JsonElement Payload
    {
        get
        {
            var root = JsonDocument.Parse(Value ?? throw new InvalidOperationException($"{this} is a tombstone")).RootElement;
            return root.TryGetProperty("payload", out var payload) && root.TryGetProperty("schema", out _) ? payload : root;
        }
    }

    public string Op => Payload.GetProperty("op").GetString()!;

    /// <summary>The key's payload as compact JSON (<c>{"id":1}</c>), with or without a schema envelope around it.</summary>
    public string? KeyPayload
    {
        get
        {
            if (Key is null)
                return null;
            var root = JsonDocument.Parse(Key).RootElement;
            var payload = root.TryGetProperty("payload", out var inner) ? inner : root;
            return JsonSerializer.Serialize(payload);
        }
    }

    public override string ToString() => $"{Topic}/{Partition}@{Offset} key={KeyText} {Header(PositionHeaders.Kind)} {Header(PositionHeaders.Gtid)}#{Header(PositionHeaders.Index)}";
}

/// <summary>Reads topics from the beginning to their current end with a plain consumer (assign, no group).</summary>
public static class TopicReader
{
    /// <summary>
    /// Every record of <paramref name="topics"/> (missing topics are empty), ordered by topic, partition, offset.
    /// <paramref name="readCommitted"/> chooses the isolation level.
    /// </summary>
    public static List<KafkaRecord> ReadAll(string bootstrapServers, IEnumerable<string> topics, bool readCommitted = true)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted,
            FetchWaitMaxMs = 10,
            AllowAutoCreateTopics = false,
        };
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var partitions = new List<TopicPartitionOffset>();
        foreach (var topic in topics.Distinct())
        {
            var entry = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
            if (entry is null)
                continue;
            partitions.AddRange(entry.Partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        }
        var records = new List<KafkaRecord>();
        if (partitions.Count == 0)
            return records;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(partitions);
        var pending = partitions.Select(p => p.TopicPartition).ToHashSet();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (pending.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Reading {string.Join(", ", pending)} did not reach the end.");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
                continue;
            if (result.IsPartitionEOF)
            {
                pending.Remove(result.TopicPartition);
                continue;
            }
            var headers = result.Message.Headers?.Select(h => (h.Key, Encoding.UTF8.GetString(h.GetValueBytes() ?? []))).ToList() ?? [];
            records.Add(new KafkaRecord(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value, headers));
        }
        consumer.Close();
        return [.. records.OrderBy(r => r.Topic, StringComparer.Ordinal).ThenBy(r => r.Partition).ThenBy(r => r.Offset)];
    }

    /// <summary>Topic names of the cluster that start with <paramref name="prefix"/>.</summary>
    public static List<string> Topics(string bootstrapServers, string prefix)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        return [.. admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }
}
