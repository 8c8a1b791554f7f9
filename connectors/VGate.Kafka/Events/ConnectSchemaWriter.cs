using System.Text.Json;

namespace VGate.Kafka.Events;

/// <summary>
/// Writes Kafka Connect schemas in the JSON converter's form (<c>JsonConverter.asJsonSchema</c>): <c>type</c>, then
/// <c>fields</c>/<c>items</c>, <c>optional</c>, <c>name</c>, <c>version</c>, <c>doc</c>, <c>parameters</c>,
/// <c>default</c>, and for a struct member last its <c>field</c> name. Used once per FIELD event, not per row.
/// </summary>
internal static class ConnectSchemaWriter
{
    /// <summary>A primitive or logical-type schema, e.g. <c>{"type":"int32","optional":false,"name":"io.debezium.time.Date","version":1,"field":"d"}</c>.</summary>
    public static void Primitive(
        Utf8JsonWriter writer,
        string type,
        bool optional,
        string? field,
        string? name = null,
        int? version = null,
        IReadOnlyList<KeyValuePair<string, string>>? parameters = null,
        string? defaultValue = null,
        string? doc = null)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        Tail(writer, optional, field, name, version, parameters, defaultValue, doc);
    }

    /// <summary>Opens a struct schema and its <c>fields</c> array; close it with <see cref="EndStruct"/>.</summary>
    public static void BeginStruct(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "struct");
        writer.WriteStartArray("fields");
    }

    /// <summary>Closes the <c>fields</c> array and the struct schema.</summary>
    public static void EndStruct(Utf8JsonWriter writer, bool optional, string? field, string? name = null, int? version = null, string? doc = null)
    {
        writer.WriteEndArray();
        Tail(writer, optional, field, name, version, null, null, doc);
    }

    /// <summary>Opens an array schema; the element schema follows (written with <c>field</c> null); close with <see cref="EndArray"/>.</summary>
    public static void BeginArray(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "array");
        writer.WritePropertyName("items");
    }

    /// <summary>Closes an array schema.</summary>
    public static void EndArray(Utf8JsonWriter writer, bool optional, string? field, string? name = null, int? version = null) =>
        Tail(writer, optional, field, name, version, null, null, null);

    private static void Tail(
        Utf8JsonWriter writer,
        bool optional,
        string? field,
        string? name,
        int? version,
        IReadOnlyList<KeyValuePair<string, string>>? parameters,
        string? defaultValue,
        string? doc)
    {
        writer.WriteBoolean("optional", optional);
        if (name is not null)
            writer.WriteString("name", name);
        if (version is { } v)
            writer.WriteNumber("version", v);
        if (doc is not null)
            writer.WriteString("doc", doc);
        if (parameters is not null)
        {
            writer.WriteStartObject("parameters");
            foreach (var (key, value) in parameters)
                writer.WriteString(key, value);
            writer.WriteEndObject();
        }
        if (defaultValue is not null)
            writer.WriteString("default", defaultValue);
        if (field is not null)
            writer.WriteString("field", field);
        writer.WriteEndObject();
    }
}
