using System.Collections.Immutable;

namespace VGate.Kafka.Events;

/// <summary>
/// What <see cref="DebeziumEventBuilder"/> writes. The names follow the Debezium Vitess connector's options; each
/// property names the Debezium option it stands for. docs/kafka-events.md describes the output in full.
/// </summary>
public sealed class DebeziumEventOptions
{
    /// <summary>
    /// Debezium's <c>topic.prefix</c>: the first part of every topic name and <c>source.name</c>. Required, never
    /// empty; it must not change over the life of a sink, because topics and schema names derive from it.
    /// </summary>
    public required string TopicPrefix { get; init; }

    /// <summary>
    /// The JSON converter's <c>schemas.enable</c>: true (default) writes <c>{"schema":…,"payload":…}</c>, false only the
    /// payload.
    /// </summary>
    public bool SchemasEnabled { get; init; } = true;

    /// <summary>
    /// <c>provide.transaction.metadata</c>: adds the <c>transaction</c> block to data events and writes BEGIN/END records
    /// to <c>&lt;prefix&gt;.transaction</c>. Default false.
    /// </summary>
    public bool TransactionMetadata { get; init; }

    /// <summary>
    /// <c>tombstones.on.delete</c>: a null-value record with the same key after each delete. Default true. As in
    /// Debezium, a table without a key gets one too (null key, null value).
    /// </summary>
    public bool TombstonesOnDelete { get; init; } = true;

    /// <summary>
    /// <c>unavailable.value.placeholder</c>: the value written for a BLOB or TEXT column that a partial row image
    /// (<c>binlog_row_image=NOBLOB</c>, told by the row change's <c>data_columns</c>) left out, instead of a NULL that a
    /// consumer would apply. TEXT columns get it as a string, BLOB columns as its UTF-8 bytes in the
    /// <see cref="BinaryHandling"/> form. Default <c>__debezium_unavailable_value</c>, Debezium's.
    /// </summary>
    public string UnavailableValuePlaceholder { get; init; } = "__debezium_unavailable_value";

    /// <summary>
    /// What to do with statement-based DML (INSERT/UPDATE/DELETE/REPLACE events carrying only SQL, from a source session
    /// with <c>binlog_format=STATEMENT</c>): false (default) stops with an error naming the statement, because its
    /// changes cannot become records and would otherwise be missing from Kafka without a word; true skips it (the
    /// changes are then missing from Kafka).
    /// </summary>
    public bool SkipStatementDml { get; init; }

    /// <summary>
    /// <c>decimal.handling.mode</c>. Default <see cref="DecimalHandling.String"/>: the Vitess connector writes DECIMAL as
    /// its text whatever this property says; <see cref="DecimalHandling.Precise"/> and <see cref="DecimalHandling.Double"/>
    /// are what Debezium's MySQL connector does with them.
    /// </summary>
    public DecimalHandling DecimalHandling { get; init; } = DecimalHandling.String;

    /// <summary>How FLOAT columns are written. Default <see cref="FloatHandling.Double"/>, as the Vitess connector does.</summary>
    public FloatHandling FloatHandling { get; init; } = FloatHandling.Double;

    /// <summary>The byte order of <c>BIT(n &gt; 1)</c> values. Default <see cref="BitsByteOrder.BigEndian"/>, as the Vitess connector does.</summary>
    public BitsByteOrder BitsByteOrder { get; init; } = BitsByteOrder.BigEndian;

    /// <summary>
    /// <c>include.unknown.datatypes</c>: what happens to a column of a type the Vitess connector has no mapping for
    /// (GEOMETRY and the other spatial types, VECTOR): false (default) leaves the column out of the schema and the rows, as the
    /// Vitess connector does; true writes VStream's bytes in the <see cref="BinaryHandling"/> form. See also
    /// <see cref="GeometryAsStruct"/>.
    /// </summary>
    public bool IncludeUnknownDatatypes { get; init; }

    /// <summary>
    /// Writes spatial columns as Debezium MySQL's <c>io.debezium.data.geometry.Geometry</c> struct (<c>{wkb, srid}</c>)
    /// instead of following <see cref="IncludeUnknownDatatypes"/>. Default false (the Vitess connector has no such
    /// mapping).
    /// </summary>
    public bool GeometryAsStruct { get; init; }

    /// <summary>
    /// Writes VECTOR columns as Debezium MySQL's <c>io.debezium.data.FloatVector</c> (an array of float32) instead of
    /// following <see cref="IncludeUnknownDatatypes"/>. Default false (the Vitess connector has no mapping for VECTOR).
    /// </summary>
    public bool VectorAsFloatVector { get; init; }

    /// <summary>How copy-phase rows are marked. Default <see cref="CopyRowOperation.Create"/>, as the Vitess connector does.</summary>
    public CopyRowOperation CopyRowOperation { get; init; } = CopyRowOperation.Create;

    /// <summary><c>binary.handling.mode</c>. Default <see cref="BinaryHandling.Base64"/> (Debezium's <c>bytes</c>).</summary>
    public BinaryHandling BinaryHandling { get; init; } = BinaryHandling.Base64;

    /// <summary><c>time.precision.mode</c>. Default <see cref="TimePrecisionMode.AdaptiveTimeMicroseconds"/>.</summary>
    public TimePrecisionMode TimePrecisionMode { get; init; } = TimePrecisionMode.AdaptiveTimeMicroseconds;

    /// <summary><c>bigint.unsigned.handling.mode</c>. Default <see cref="BigIntUnsignedHandling.String"/>, as in the Vitess connector.</summary>
    public BigIntUnsignedHandling BigIntUnsignedHandling { get; init; } = BigIntUnsignedHandling.String;

    /// <summary>
    /// <c>message.key.columns</c>: <c>"keyspace.table"</c> → the columns that form the record key, in key order, instead
    /// of the primary key. Default empty. A column not in the table fails the stream at the table's FIELD event.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> KeyColumns { get; init; } = ImmutableDictionary<string, IReadOnlyList<string>>.Empty;

    /// <summary>
    /// <c>table.include.list</c>/<c>table.exclude.list</c> as a predicate: (keyspace, table) → include? Null (default)
    /// includes every table. Excluded tables produce no data events and no schema-change records.
    /// </summary>
    public Func<string, string, bool>? TableFilter { get; init; }

    /// <summary>
    /// <c>vitess.stream.keyspace.heartbeats</c>: the rows of internal tables (<c>is_internal_table</c>, the keyspace's
    /// <c>heartbeat</c> table) become records like any table's; false (default) skips them.
    /// </summary>
    public bool IncludeInternalTables { get; init; }

    /// <summary><c>include.schema.changes</c>: DDL statements go to the topic named <see cref="TopicPrefix"/>. Default false.</summary>
    public bool IncludeSchemaChanges { get; init; }

    /// <summary>
    /// <c>topic.heartbeat.prefix</c>: HEARTBEAT events become records on <c>&lt;prefix&gt;.&lt;TopicPrefix&gt;</c>.
    /// Default <c>__debezium-heartbeat</c>; null turns heartbeat records off.
    /// </summary>
    public string? HeartbeatTopicPrefix { get; init; } = "__debezium-heartbeat";

    /// <summary>
    /// How many serialized bytes of the open transaction's row events the builder keeps in memory until its COMMIT (each
    /// record carries the VGTID after the transaction, so none can be rendered before). Row events past this go to a
    /// temporary file in <see cref="SpillDirectory"/> and are read back in order when the transaction commits, so a
    /// transaction of any size holds about this much. Default 8 MiB (the objects take two to three times that).
    /// </summary>
    public long MaxBufferedRowBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>Where the spill files of large transactions go (see <see cref="MaxBufferedRowBytes"/>). Default the system temporary directory.</summary>
    public string? SpillDirectory { get; init; }

    /// <summary>The clock for the envelope's <c>ts_ms</c> (processing time) and heartbeat times. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
