using System.Text.Json;

namespace VGate.Kafka.Events;

/// <summary>
/// The schemas of the records that do not depend on a table, rendered once: transaction metadata
/// (<c>io.debezium.connector.common.TransactionMetadataKey/Value</c>), heartbeats
/// (<c>io.debezium.connector.common.ServerNameKey</c>, <c>io.debezium.connector.vitess.Heartbeat</c>) and schema changes
/// (<c>io.debezium.connector.vitess.SchemaChangeKey/Value</c>), as in Debezium's <c>SchemaFactory</c>.
/// </summary>
internal static class FixedSchemas
{
    public static readonly byte[] TransactionKey = Render(w =>
    {
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "id");
        ConnectSchemaWriter.EndStruct(w, optional: false, field: null, "io.debezium.connector.common.TransactionMetadataKey", 1);
    });

    public static readonly byte[] TransactionValue = Render(w =>
    {
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "status");
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "id");
        ConnectSchemaWriter.Primitive(w, "int64", optional: true, "event_count");
        ConnectSchemaWriter.BeginArray(w);
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "data_collection");
        ConnectSchemaWriter.Primitive(w, "int64", optional: false, "event_count");
        ConnectSchemaWriter.EndStruct(w, optional: true, field: null, "event.collection", 1);
        ConnectSchemaWriter.EndArray(w, optional: true, "data_collections");
        ConnectSchemaWriter.Primitive(w, "int64", optional: false, "ts_ms");
        ConnectSchemaWriter.EndStruct(w, optional: false, field: null, "io.debezium.connector.common.TransactionMetadataValue", 1);
    });

    public static readonly byte[] HeartbeatKey = Render(w =>
    {
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "serverName");
        ConnectSchemaWriter.EndStruct(w, optional: false, field: null, "io.debezium.connector.common.ServerNameKey", 1);
    });

    public static readonly byte[] HeartbeatValue = Render(w =>
    {
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "vgtid");
        ConnectSchemaWriter.Primitive(w, "int64", optional: false, "ts_ms");
        ConnectSchemaWriter.EndStruct(w, optional: false, field: null, "io.debezium.connector.vitess.Heartbeat", 1);
    });

    public static readonly byte[] SchemaChangeKey = Render(w =>
    {
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "databaseName");
        ConnectSchemaWriter.EndStruct(w, optional: false, field: null, "io.debezium.connector.vitess.SchemaChangeKey", 1);
    });

    public static readonly byte[] SchemaChangeValue = Render(w =>
    {
        ConnectSchemaWriter.BeginStruct(w);
        TableSchema.WriteSourceSchema(w, "source");
        ConnectSchemaWriter.Primitive(w, "int64", optional: false, "ts_ms");
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "databaseName");
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "schemaName");
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "ddl");
        ConnectSchemaWriter.BeginArray(w);
        WriteChangeSchema(w);
        ConnectSchemaWriter.EndArray(w, optional: false, "tableChanges");
        ConnectSchemaWriter.EndStruct(w, optional: false, field: null, "io.debezium.connector.vitess.SchemaChangeValue", 1);
    });

    /// <summary>Debezium's <c>io.debezium.connector.schema.Change</c> (the element type of <c>tableChanges</c>).</summary>
    private static void WriteChangeSchema(Utf8JsonWriter w)
    {
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "type");
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "id");
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "defaultCharsetName");
        StringArray(w, "primaryKeyColumnNames");
        ConnectSchemaWriter.BeginArray(w);
        ConnectSchemaWriter.BeginStruct(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "name");
        ConnectSchemaWriter.Primitive(w, "int32", optional: false, "jdbcType");
        ConnectSchemaWriter.Primitive(w, "int32", optional: true, "nativeType");
        ConnectSchemaWriter.Primitive(w, "string", optional: false, "typeName");
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "typeExpression");
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "charsetName");
        ConnectSchemaWriter.Primitive(w, "int32", optional: true, "length");
        ConnectSchemaWriter.Primitive(w, "int32", optional: true, "scale");
        ConnectSchemaWriter.Primitive(w, "int32", optional: false, "position");
        ConnectSchemaWriter.Primitive(w, "boolean", optional: true, "optional");
        ConnectSchemaWriter.Primitive(w, "boolean", optional: true, "autoIncremented");
        ConnectSchemaWriter.Primitive(w, "boolean", optional: true, "generated");
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "comment");
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "defaultValueExpression");
        StringArray(w, "enumValues");
        ConnectSchemaWriter.EndStruct(w, optional: false, field: null, "io.debezium.connector.schema.Column", 1);
        ConnectSchemaWriter.EndArray(w, optional: false, "columns");
        ConnectSchemaWriter.Primitive(w, "string", optional: true, "comment");
        ConnectSchemaWriter.EndStruct(w, optional: true, "table", "io.debezium.connector.schema.Table", 1);
        ConnectSchemaWriter.EndStruct(w, optional: false, field: null, "io.debezium.connector.schema.Change", 1);
    }

    private static void StringArray(Utf8JsonWriter w, string field)
    {
        ConnectSchemaWriter.BeginArray(w);
        ConnectSchemaWriter.Primitive(w, "string", optional: false, field: null);
        ConnectSchemaWriter.EndArray(w, optional: true, field);
    }

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        using var json = new JsonBuffer(1024);
        write(json.Start());
        return json.ToArray();
    }
}
