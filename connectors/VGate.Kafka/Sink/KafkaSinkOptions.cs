namespace VGate.Kafka.Sink;

/// <summary>
/// Everything the Kafka sink needs, bound from the <c>VGate:KafkaSink</c> configuration section (appsettings JSON,
/// <c>VGATE_KAFKA__…</c> environment variables, command line; see docs/kafka-sink.md for every option).
/// </summary>
public sealed class KafkaSinkOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "VGate:KafkaSink";

    // ---- source: the gateway ----

    /// <summary>The VStream server: <c>host:port</c> (plaintext HTTP/2, or TLS when a CA file is set), <c>http://…</c> or <c>https://…</c>.</summary>
    public string? Gateway { get; set; }

    /// <summary>Static-auth user sent as <c>username</c> gRPC metadata (with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    /// <summary>Static-auth password sent as <c>password</c> gRPC metadata.</summary>
    public string? Password { get; set; }

    /// <summary>Extra gRPC metadata sent with the VStream call (Debezium's <c>vitess.grpc.headers</c>).</summary>
    public Dictionary<string, string> GrpcHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>CA certificate (PEM) that signed the gateway's TLS certificate; implies TLS.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Client certificate (PEM) for mutual TLS, with <see cref="TlsClientKeyFile"/>.</summary>
    public string? TlsClientCertificateFile { get; set; }

    /// <summary>Private key (PEM) of <see cref="TlsClientCertificateFile"/>.</summary>
    public string? TlsClientKeyFile { get; set; }

    /// <summary>Largest gRPC response accepted, in bytes. Default 64 MiB.</summary>
    public int GrpcMaxMessageBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>The keyspace to stream (required).</summary>
    public string? Keyspace { get; set; }

    /// <summary>Shards to stream; empty means every shard of the keyspace.</summary>
    public List<string> Shards { get; } = [];

    /// <summary>
    /// Where to start when no checkpoint exists: <c>current</c> (default), <c>copy</c> (copy existing rows first), or a
    /// VGTID JSON array. Ignored once the offsets topic holds a checkpoint for <see cref="ConnectorName"/>.
    /// </summary>
    public string From { get; set; } = "current";

    /// <summary><c>primary</c> (default), <c>replica</c> or <c>rdonly</c>.</summary>
    public string TabletType { get; set; } = "primary";

    /// <summary>Seconds of idleness after which the gateway sends a heartbeat (and the sink a heartbeat record); 0 = off.</summary>
    public int HeartbeatIntervalSeconds { get; set; }

    /// <summary>
    /// Asks for the keyspace's heartbeat table (Debezium's <c>vitess.stream.keyspace.heartbeats</c>,
    /// <c>VStreamFlags.stream_keyspace_heartbeats</c>): its rows arrive as table <c>heartbeat</c> of the keyspace and are
    /// written like any table's, to <c>&lt;prefix&gt;.&lt;keyspace&gt;.heartbeat</c> unless the table lists leave it out. Default false.
    /// </summary>
    public bool StreamKeyspaceHeartbeats { get; set; }

    /// <summary>First delay before reconnecting after a gateway error, in milliseconds (doubles up to <see cref="ReconnectMaxDelayMs"/>).</summary>
    public int ReconnectInitialDelayMs { get; set; } = 500;

    /// <summary>Longest delay between reconnect attempts, in milliseconds.</summary>
    public int ReconnectMaxDelayMs { get; set; } = 30_000;

    /// <summary>Consecutive failed reconnect attempts after which the sink gives up; 0 = never give up.</summary>
    public int ReconnectMaxAttempts { get; set; }

    // ---- events ----

    /// <summary>Topic prefix (Debezium <c>topic.prefix</c>); data topics are <c>&lt;prefix&gt;.&lt;keyspace&gt;.&lt;table&gt;</c>. Required.</summary>
    public string? TopicPrefix { get; set; }

    /// <summary>Connector name: the key of its checkpoints in the offsets topic. Default: the topic prefix.</summary>
    public string? ConnectorName { get; set; }

    /// <summary>Regular expressions over <c>keyspace.table</c>; when any is given, only matching tables are written.</summary>
    public List<string> TableIncludeList { get; } = [];

    /// <summary>Regular expressions over <c>keyspace.table</c>; matching tables are not written.</summary>
    public List<string> TableExcludeList { get; } = [];

    /// <summary>Key column override per table (<c>keyspace.table</c> → comma-separated columns), Debezium <c>message.key.columns</c>.</summary>
    public Dictionary<string, string> KeyColumns { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>JSON with <c>schema</c> + <c>payload</c> (true, default) or the payload alone.</summary>
    public bool SchemasEnabled { get; set; } = true;

    /// <summary>Write BEGIN/END records to <c>&lt;prefix&gt;.transaction</c> and a <c>transaction</c> block in each event.</summary>
    public bool TransactionMetadata { get; set; }

    /// <summary>Follow each delete with a tombstone (null value). Default true.</summary>
    public bool TombstonesOnDelete { get; set; } = true;

    /// <summary>The value written for BLOB/TEXT columns a NOBLOB row image left out (Debezium <c>unavailable.value.placeholder</c>); null = the event mapping's default.</summary>
    public string? UnavailableValuePlaceholder { get; set; }

    /// <summary>Skip statement-based DML (SQL without rows, from a STATEMENT-format session) instead of stopping with an error. Default false.</summary>
    public bool SkipStatementDml { get; set; }

    /// <summary>Write DDL to the schema change topic <c>&lt;prefix&gt;</c>. Default false.</summary>
    public bool IncludeSchemaChanges { get; set; }

    /// <summary>How DECIMAL values are written (Debezium <c>decimal.handling.mode</c>), by name; empty = the event mapping's default.</summary>
    public string? DecimalHandling { get; set; }

    /// <summary>How FLOAT values are written (<c>double</c>, the Vitess connector's, or <c>float</c>), by name; empty = default.</summary>
    public string? FloatHandling { get; set; }

    /// <summary>Byte order of BIT(n &gt; 1) values (<c>big-endian</c>, the Vitess connector's, or <c>little-endian</c>), by name; empty = default.</summary>
    public string? BitsByteOrder { get; set; }

    /// <summary>Write columns of types the Vitess connector has no mapping for (spatial) as bytes instead of leaving them out (Debezium <c>include.unknown.datatypes</c>). Default false.</summary>
    public bool IncludeUnknownDatatypes { get; set; }

    /// <summary>Write spatial columns as Debezium MySQL's Geometry struct <c>{wkb, srid}</c>. Default false.</summary>
    public bool GeometryAsStruct { get; set; }

    /// <summary>Write VECTOR columns as Debezium MySQL's FloatVector (array of float32). Default false.</summary>
    public bool VectorAsFloatVector { get; set; }

    /// <summary>How copy-phase rows are marked (<c>create</c>, the Vitess connector's: op c; or <c>read</c>: op r, snapshot "true"), by name; empty = default.</summary>
    public string? CopyRowOperation { get; set; }

    /// <summary>How binary values are written (Debezium <c>binary.handling.mode</c>), by name; empty = default.</summary>
    public string? BinaryHandling { get; set; }

    /// <summary>Temporal precision (Debezium <c>time.precision.mode</c>), by name; empty = default.</summary>
    public string? TimePrecisionMode { get; set; }

    /// <summary>How BIGINT UNSIGNED values are written (Debezium <c>bigint.unsigned.handling.mode</c>), by name; empty = default.</summary>
    public string? BigIntUnsignedHandling { get; set; }

    /// <summary>Heartbeat topic prefix; heartbeats go to <c>&lt;this&gt;.&lt;topic prefix&gt;</c>. Default <c>__debezium-heartbeat</c>.</summary>
    public string HeartbeatTopicPrefix { get; set; } = "__debezium-heartbeat";

    // ---- Kafka ----

    /// <summary>Kafka bootstrap servers (<c>bootstrap.servers</c>); required unless given in <see cref="Kafka"/>.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>
    /// Any librdkafka setting (SASL, TLS, batching…), passed to the producer and the sink's consumers. Keys are
    /// lowercased and <c>_</c> becomes <c>.</c> so environment variables can carry them.
    /// </summary>
    public Dictionary<string, string> Kafka { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Producer compression: <c>lz4</c> (default), <c>none</c>, <c>gzip</c>, <c>snappy</c> or <c>zstd</c>. lz4 because every
    /// record with schemas repeats its table's Connect schema, so batches shrink a lot for little CPU, and fewer bytes
    /// are copied, sent and stored (bench/results/README-history-until-2026-12-07.md). Consumers decompress transparently.
    /// </summary>
    public string Compression { get; set; } = "lz4";

    /// <summary>librdkafka <c>linger.ms</c>. Default 5.</summary>
    public int LingerMs { get; set; } = 5;

    /// <summary>Most records in one sink batch (one Kafka transaction and one checkpoint). Default 20,000.</summary>
    public int MaxBatchRecords { get; set; } = 20_000;

    /// <summary>
    /// Bounded memory for large source transactions: how many serialized bytes of an open transaction's row events the sink
    /// keeps in memory until its COMMIT (its records need the VGTID that comes just before the COMMIT). The rest goes to a
    /// temporary file in <see cref="SpillDirectory"/> and is read back in order when the transaction commits; its records
    /// are then produced into one Kafka transaction, with librdkafka's queue bounded (<c>queue.buffering.max.kbytes</c>,
    /// default 16 MiB here). Default 8 MiB; at least 64 KiB.
    /// </summary>
    public long TransactionBufferBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Directory for the spill files of transactions larger than <see cref="TransactionBufferBytes"/>. Default the system temporary directory.</summary>
    public string? SpillDirectory { get; set; }

    /// <summary>Longest a batch stays open while more data keeps arriving, in milliseconds. Default 500.</summary>
    public int MaxBatchDelayMs { get; set; } = 500;

    /// <summary>The compacted topic holding checkpoints (VGTID + partition end offsets). Default <c>vgate-kafka-offsets</c>.</summary>
    public string OffsetsTopic { get; set; } = "vgate-kafka-offsets";

    /// <summary>Replication factor used when the sink creates the offsets topic; -1 = the broker's default.</summary>
    public short OffsetsTopicReplicationFactor { get; set; } = -1;

    /// <summary>Write each batch and its checkpoint in one Kafka transaction. Default true.</summary>
    public bool Transactional { get; set; } = true;

    /// <summary>The producer's <c>transactional.id</c>; default <c>vgate-kafka-&lt;connector name&gt;</c>.</summary>
    public string? TransactionalId { get; set; }

    /// <summary>Timeout for Kafka operations the sink waits on (metadata, init/commit, read-back), in milliseconds. Default 30,000.</summary>
    public int KafkaTimeoutMs { get; set; } = 30_000;

    /// <summary>
    /// MB of freed C heap memory the <c>vgate-kafka</c> process keeps instead of returning it to the kernel (glibc
    /// malloc trim threshold; see <see cref="Producing.NativeMemoryTuning"/>); 0 = the C library's defaults. Default 512.
    /// Applied by the command that owns the process, not by <see cref="KafkaSink"/>.
    /// </summary>
    public int RetainNativeMemoryMb { get; set; } = 512;

    /// <summary>
    /// What the sink does with a record larger than the producer's <c>message.max.bytes</c> (set under <see cref="Kafka"/>;
    /// librdkafka's default 1,000,000): <c>fail</c> (default) stops the sink with exit code 3 and an error naming the topic,
    /// key and size, before anything of the record's transaction is committed (a restart stops at the same record: raise
    /// the limits, or choose <c>skip</c>); <c>skip</c> leaves the record out, logs it (event 8022, topic, key, size) and
    /// counts it in <see cref="SinkStatistics.RecordsOversize"/>. Kafka Connect's nearest setting is <c>errors.tolerance</c>
    /// (<c>none</c>/<c>all</c>), which covers every error; this one covers only oversize records.
    /// </summary>
    public string OversizeRecords { get; set; } = "fail";

    /// <summary>Seconds between progress log lines; 0 = off. Default 10.</summary>
    public int StatusIntervalSeconds { get; set; } = 10;

    /// <summary>
    /// <c>host:port</c> on which the sink serves <c>GET /metrics</c> (Prometheus text, meter <c>VGate.Kafka</c>) and
    /// <c>GET /healthz</c> over plain HTTP without authentication; <c>*:port</c> listens on every address, port 0 on any
    /// free port. Default none (off). docs/metrics.md lists the metrics.
    /// </summary>
    public string? MetricsListen { get; set; }

    /// <summary>The connector name in effect: <see cref="ConnectorName"/> or else <see cref="TopicPrefix"/>.</summary>
    public string EffectiveConnectorName => string.IsNullOrEmpty(ConnectorName) ? TopicPrefix ?? "" : ConnectorName;

    /// <summary>The transactional id in effect.</summary>
    public string EffectiveTransactionalId => string.IsNullOrEmpty(TransactionalId) ? "vgate-kafka-" + EffectiveConnectorName : TransactionalId;
}
