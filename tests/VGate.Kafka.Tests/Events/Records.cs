using System.Text.Json;
using Binlogdata;
using VGate.Kafka.Events;

namespace VGate.Kafka.Tests.Events;

/// <summary>Feeds events to a builder and reads the records back as JSON for assertions.</summary>
internal static class Records
{
    /// <summary>Runs every event through a new builder; returns the records and the builder's final position.</summary>
    public static (List<ChangeRecord> Records, VGtid? Position) Build(IEnumerable<VEvent> events, DebeziumEventOptions options)
    {
        using var builder = new DebeziumEventBuilder(options);
        var records = new List<ChangeRecord>();
        foreach (var vevent in events)
            builder.Add(vevent, records);
        return (records, builder.Position);
    }

    public static DebeziumEventOptions Options() =>
        new() { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider() };

    /// <summary>The value's payload: the <c>payload</c> member with schemas on, the whole document without.</summary>
    public static JsonElement Payload(byte[]? json, bool schemas = true)
    {
        Assert.NotNull(json);
        var root = JsonDocument.Parse(json).RootElement;
        return schemas ? root.GetProperty("payload") : root;
    }

    /// <summary>The value's schema (schemas on).</summary>
    public static JsonElement Schema(byte[]? json)
    {
        Assert.NotNull(json);
        return JsonDocument.Parse(json).RootElement.GetProperty("schema");
    }

    /// <summary>The member schema named <paramref name="field"/> inside a struct schema's <c>fields</c>.</summary>
    public static JsonElement Field(JsonElement structSchema, string field) =>
        structSchema.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("field").GetString() == field);

    /// <summary>The change records (no tombstones, no metadata) of a topic.</summary>
    public static List<ChangeRecord> Changes(IEnumerable<ChangeRecord> records) => records.Where(r => r.Position.Kind == RecordKind.Change).ToList();

    public static string Op(ChangeRecord record, bool schemas = true) => Payload(record.Value, schemas).GetProperty("op").GetString()!;
}
