using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using VGate.Kafka.Positions;

namespace VGate.Kafka.Checkpoints;

/// <summary>
/// The offsets-topic record format. The key is Kafka Connect's source-offset key, as Debezium's Vitess connector
/// writes it: <c>["&lt;connector name&gt;",{"server":"&lt;topic prefix&gt;"}]</c>. The value keeps Debezium's <c>vgtid</c>
/// (the VGTID JSON as a string) and adds the sink's own fields:
/// <code>
/// {"vgtid":"[{\"keyspace\":…}]","offsets":{"topic":{"0":42,"1":17}},"sequence":12,"ts_ms":1764000000000,"version":1}
/// </code>
/// </summary>
public static class CheckpointCodec
{
    /// <summary>Format version written in <c>version</c>.</summary>
    public const int Version = 1;

    /// <summary>The record key for <paramref name="connectorName"/>.</summary>
    public static byte[] Key(string connectorName, string topicPrefix)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(connectorName);
            writer.WriteStartObject();
            writer.WriteString("server", topicPrefix);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }
        return buffer.ToArray();
    }

    /// <summary>Serialises <paramref name="checkpoint"/>.</summary>
    public static byte[] Encode(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("vgtid", VGtidJson.Format(checkpoint.Vgtid));
            writer.WriteStartObject("offsets");
            foreach (var topic in checkpoint.EndOffsets.GroupBy(e => e.Key.Topic).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(topic.Key);
                foreach (var (partition, offset) in topic.OrderBy(e => e.Key.Partition.Value))
                    writer.WriteNumber(partition.Partition.Value.ToString(CultureInfo.InvariantCulture), offset);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteNumber("sequence", checkpoint.Sequence);
            writer.WriteNumber("ts_ms", checkpoint.TimestampMs);
            writer.WriteNumber("version", Version);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Parses a checkpoint value; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static Checkpoint Decode(ReadOnlySpan<byte> value)
    {
        try
        {
            using var document = JsonDocument.Parse(value.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("a checkpoint is a JSON object.");
            if (!root.TryGetProperty("vgtid", out var vgtidText) || vgtidText.ValueKind != JsonValueKind.String)
                throw new FormatException("the checkpoint has no \"vgtid\" string.");
            var vgtid = VGtidJson.Parse(vgtidText.GetString()!);
            var offsets = new Dictionary<TopicPartition, long>();
            if (root.TryGetProperty("offsets", out var topics))
            {
                if (topics.ValueKind != JsonValueKind.Object)
                    throw new FormatException("\"offsets\" must be an object of topics.");
                foreach (var topic in topics.EnumerateObject())
                {
                    foreach (var partition in topic.Value.EnumerateObject())
                    {
                        if (!int.TryParse(partition.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || !partition.Value.TryGetInt64(out var offset) || offset < 0)
                            throw new FormatException($"bad offset entry {topic.Name}/{partition.Name}.");
                        offsets[new TopicPartition(topic.Name, number)] = offset;
                    }
                }
            }
            var sequence = root.TryGetProperty("sequence", out var s) && s.TryGetInt64(out var sv) ? sv : 0;
            var timestamp = root.TryGetProperty("ts_ms", out var t) && t.TryGetInt64(out var tv) ? tv : 0;
            return new Checkpoint(vgtid, offsets, sequence, timestamp);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the checkpoint is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The key as text, for messages.</summary>
    public static string KeyText(byte[] key) => Encoding.UTF8.GetString(key);
}
