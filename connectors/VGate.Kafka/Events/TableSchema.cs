using System.Text.Json;
using Binlogdata;

namespace VGate.Kafka.Events;

/// <summary>
/// A table as one FIELD event describes it on one shard: its columns and their conversions, the key columns, the topic,
/// and (when schemas are on) the key and envelope schemas rendered once as JSON, so rows only write payloads. Immutable;
/// a later FIELD for the same table replaces the whole object, while rows already buffered keep the one they were
/// read with.
/// </summary>
internal sealed class TableSchema
{
    private TableSchema(string keyspace, string shard, string table, DebeziumEventOptions options)
    {
        Keyspace = keyspace;
        Shard = shard;
        Table = table;
        KeyspaceText = DebeziumJson.Encode(keyspace);
        ShardText = DebeziumJson.Encode(shard);
        TableText = DebeziumJson.Encode(table);
        DataCollection = keyspace + "." + table;
        Topic = options.TopicPrefix + "." + keyspace + "." + table;
        Columns = [];
        KeyIndexes = [];
    }

    public string Keyspace { get; }

    public string Shard { get; }

    public string Table { get; }

    public JsonEncodedText KeyspaceText { get; }

    public JsonEncodedText ShardText { get; }

    public JsonEncodedText TableText { get; }

    /// <summary>The transaction-metadata name of the table: <c>keyspace.table</c>.</summary>
    public string DataCollection { get; }

    /// <summary><c>&lt;prefix&gt;.&lt;keyspace&gt;.&lt;table&gt;</c>.</summary>
    public string Topic { get; }

    /// <summary>False when <see cref="DebeziumEventOptions.TableFilter"/> excludes the table: its rows are dropped.</summary>
    public bool Included { get; private init; }

    public ColumnConverter[] Columns { get; private init; }

    /// <summary>The column indexes of the record key, in key order; empty for a table without a key.</summary>
    public int[] KeyIndexes { get; private init; }

    /// <summary>The key schema JSON; null when schemas are off or the table has no key.</summary>
    public byte[]? KeySchema { get; private init; }

    /// <summary>The envelope schema JSON; null when schemas are off.</summary>
    public byte[]? EnvelopeSchema { get; private init; }

    /// <summary>
    /// Reads a FIELD event. <paramref name="keyspace"/> and <paramref name="table"/> are already resolved (the table
    /// without its <c>keyspace.</c> prefix). Throws <see cref="DebeziumEventException"/> for a column type without a
    /// mapping or a key-column override naming a missing column.
    /// </summary>
    public static TableSchema Create(FieldEvent field, string keyspace, string shard, string table, DebeziumEventOptions options, JsonBuffer json)
    {
        var included = options.TableFilter?.Invoke(keyspace, table) ?? true;
        if (!included)
            return new TableSchema(keyspace, shard, table, options) { Included = false };

        var columns = new ColumnConverter[field.Fields.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            var column = field.Fields[i];
            columns[i] = ColumnConverter.Create(column, field.EnumSetStringValues, options, $"{keyspace}.{table}.{column.Name} on shard {shard}");
        }
        var keyIndexes = KeyColumns(columns, field, keyspace, shard, table, options);

        var prefix = options.TopicPrefix + "." + keyspace + "." + table;
        byte[]? keySchema = null;
        byte[]? envelopeSchema = null;
        if (options.SchemasEnabled)
        {
            if (keyIndexes.Length > 0)
            {
                var writer = json.Start();
                ConnectSchemaWriter.BeginStruct(writer);
                foreach (var index in keyIndexes)
                    columns[index].WriteSchema(writer, columns[index].Optional);
                ConnectSchemaWriter.EndStruct(writer, optional: false, field: null, prefix + ".Key");
                keySchema = json.ToArray();
            }
            envelopeSchema = WriteEnvelopeSchema(json, columns, prefix);
        }

        return new TableSchema(keyspace, shard, table, options)
        {
            Included = true,
            Columns = columns,
            KeyIndexes = keyIndexes,
            KeySchema = keySchema,
            EnvelopeSchema = envelopeSchema,
        };
    }

    /// <summary>
    /// The key: the <c>message.key.columns</c> override; else the columns with PRI_KEY_FLAG in FIELD order; else (as the
    /// Vitess connector does) the first NOT NULL column with UNIQUE_KEY_FLAG; else none.
    /// </summary>
    private static int[] KeyColumns(ColumnConverter[] columns, FieldEvent field, string keyspace, string shard, string table, DebeziumEventOptions options)
    {
        if (options.KeyColumns.TryGetValue(keyspace + "." + table, out var names))
        {
            var indexes = new int[names.Count];
            for (var k = 0; k < names.Count; k++)
            {
                indexes[k] = Array.FindIndex(columns, c => c.Name == names[k]);
                if (indexes[k] < 0)
                {
                    throw new DebeziumEventException(
                        $"{keyspace}.{table} on shard {shard}: key column '{names[k]}' from the key-columns option is not a column of the table " +
                        $"(columns: {string.Join(", ", columns.Select(c => c.Name))})");
                }
                if (columns[indexes[k]].IsOmitted)
                {
                    throw new DebeziumEventException(
                        $"{keyspace}.{table} on shard {shard}: key column '{names[k]}' from the key-columns option has type {ColumnConverter.TypeName(columns[indexes[k]].Type)}, " +
                        "which is left out of the records; turn on include.unknown.datatypes (IncludeUnknownDatatypes) to key by it");
                }
            }
            return indexes;
        }

        // A column left out of the records (include.unknown.datatypes off) has no schema, so it is not in the key either.
        var primary = new List<int>();
        for (var i = 0; i < field.Fields.Count; i++)
        {
            if ((field.Fields[i].Flags & (uint)Query.MySqlFlag.PriKeyFlag) != 0 && !columns[i].IsOmitted)
                primary.Add(i);
        }
        if (primary.Count > 0)
            return [.. primary];
        for (var i = 0; i < field.Fields.Count; i++)
        {
            var flags = field.Fields[i].Flags;
            if ((flags & (uint)Query.MySqlFlag.UniqueKeyFlag) != 0 && (flags & (uint)Query.MySqlFlag.NotNullFlag) != 0 && !columns[i].IsOmitted)
                return [i];
        }
        return [];
    }

    private static byte[] WriteEnvelopeSchema(JsonBuffer json, ColumnConverter[] columns, string prefix)
    {
        var writer = json.Start();
        ConnectSchemaWriter.BeginStruct(writer);
        WriteValueSchema(writer, columns, prefix, "before");
        WriteValueSchema(writer, columns, prefix, "after");
        WriteSourceSchema(writer, "source");
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "op");
        ConnectSchemaWriter.Primitive(writer, "int64", optional: true, "ts_ms");
        ConnectSchemaWriter.Primitive(writer, "int64", optional: true, "ts_us");
        ConnectSchemaWriter.Primitive(writer, "int64", optional: true, "ts_ns");
        ConnectSchemaWriter.BeginStruct(writer);
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "id");
        ConnectSchemaWriter.Primitive(writer, "int64", optional: false, "total_order");
        ConnectSchemaWriter.Primitive(writer, "int64", optional: false, "data_collection_order");
        ConnectSchemaWriter.EndStruct(writer, optional: true, "transaction", "event.block", 1);
        ConnectSchemaWriter.EndStruct(writer, optional: false, field: null, prefix + ".Envelope", 2);
        return json.ToArray();
    }

    private static void WriteValueSchema(Utf8JsonWriter writer, ColumnConverter[] columns, string prefix, string field)
    {
        ConnectSchemaWriter.BeginStruct(writer);
        foreach (var column in columns)
            column.WriteSchema(writer, column.Optional);
        ConnectSchemaWriter.EndStruct(writer, optional: true, field, prefix + ".Value");
    }

    /// <summary>The schema of the Vitess connector's <c>source</c> block (<c>io.debezium.connector.vitess.Source</c>).</summary>
    public static void WriteSourceSchema(Utf8JsonWriter writer, string field)
    {
        ConnectSchemaWriter.BeginStruct(writer);
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "version");
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "connector");
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "name");
        ConnectSchemaWriter.Primitive(writer, "int64", optional: false, "ts_ms");
        ConnectSchemaWriter.Primitive(
            writer, "string", optional: true, "snapshot", "io.debezium.data.Enum", 1,
            [new("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental")], "false");
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "db");
        ConnectSchemaWriter.Primitive(writer, "string", optional: true, "sequence");
        ConnectSchemaWriter.Primitive(writer, "int64", optional: true, "ts_us");
        ConnectSchemaWriter.Primitive(writer, "int64", optional: true, "ts_ns");
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "keyspace");
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "table");
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "shard");
        ConnectSchemaWriter.Primitive(writer, "string", optional: false, "vgtid");
        ConnectSchemaWriter.EndStruct(writer, optional: false, field, "io.debezium.connector.vitess.Source", 1);
    }
}
