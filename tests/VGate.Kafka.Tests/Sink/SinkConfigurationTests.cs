using System.Collections;
using VGate.Kafka.Cli;
using VGate.Kafka.Events;
using VGate.Kafka.Producing;
using VGate.Kafka.Sink;

namespace VGate.Kafka.Tests.Sink;

/// <summary>Configuration from JSON, environment and command line; validation of bad input with clear messages.</summary>
public sealed class SinkConfigurationTests : IDisposable
{
    private static readonly string[] QuickStart =
        ["--gateway", "127.0.0.1:15991", "--keyspace", "commerce", "--bootstrap-servers", "k1:9092,k2:9092", "--topic-prefix", "shop"];

    private readonly string _directory = Directory.CreateTempSubdirectory("vgate-kafka-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static KafkaSinkOptions Load(string[] args, IDictionary? environment = null) =>
        SinkConfiguration.Load(args, environment ?? new Hashtable());

    [Fact]
    public void Load_QuickStart_NeedsNoFileAndIsValid()
    {
        var options = Load(QuickStart);

        Assert.Equal("127.0.0.1:15991", options.Gateway);
        Assert.Equal("commerce", options.Keyspace);
        Assert.Equal("shop", options.TopicPrefix);
        Assert.Equal("shop", options.EffectiveConnectorName);
        Assert.Equal("vgate-kafka-shop", options.EffectiveTransactionalId);
        Assert.True(options.Transactional);
        Assert.Equal("current", options.From);
        Assert.Empty(SinkSettings.Validate(options));
        Assert.Equal("current", SinkSettings.StartPosition(options).ShardGtids.Single().Gtid);
    }

    [Fact]
    public void Load_EveryCommandLineOption_LandsInItsOption()
    {
        var ca = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(ca, "x");
        var options = Load([.. QuickStart, "--username", "u", "--password", "p", "--grpc-header", "x-team=data", "--ca", ca,
            "--shard", "-80,80-", "--shard", "c0-", "--from", "copy", "--tablet-type", "replica", "--heartbeat", "5",
            "--connector-name", "shop-cdc", "--table-include", "commerce\\.orders", "--table-exclude", ".*_tmp",
            "--key-columns", "commerce.orders:customer_id,order_id;commerce.items:sku", "--schemas", "false",
            "--transaction-metadata", "true", "--tombstones", "false", "--schema-changes", "true", "--decimal-handling", "string",
            "--kafka", "security.protocol=SASL_SSL", "--kafka", "sasl.mechanism=PLAIN", "--compression", "zstd", "--linger-ms", "20",
            "--max-batch-records", "5000", "--max-batch-delay-ms=250", "--offsets-topic", "offsets", "--transactional", "false",
            "--kafka-timeout-ms", "9000", "--status-interval", "0", "--reconnect-max-attempts", "3", "--retain-native-memory-mb", "64"]);

        Assert.Equal(("u", "p", "data", ca), (options.Username, options.Password, options.GrpcHeaders["x-team"], options.TlsCaFile));
        Assert.Equal(["-80", "80-", "c0-"], options.Shards);
        Assert.Equal(("copy", "replica", 5), (options.From, options.TabletType, options.HeartbeatIntervalSeconds));
        Assert.Equal("shop-cdc", options.EffectiveConnectorName);
        Assert.Equal(["commerce\\.orders"], options.TableIncludeList);
        Assert.Equal([".*_tmp"], options.TableExcludeList);
        Assert.Equal("customer_id,order_id", options.KeyColumns["commerce.orders"]);
        Assert.Equal("sku", options.KeyColumns["commerce.items"]);
        Assert.False(options.SchemasEnabled);
        Assert.True(options.TransactionMetadata);
        Assert.False(options.TombstonesOnDelete);
        Assert.True(options.IncludeSchemaChanges);
        Assert.Equal("string", options.DecimalHandling);
        Assert.Equal("SASL_SSL", options.Kafka["security.protocol"]);
        Assert.Equal(("zstd", 20, 5000, 250), (options.Compression, options.LingerMs, options.MaxBatchRecords, options.MaxBatchDelayMs));
        Assert.Equal(("offsets", false, 9000, 0, 3), (options.OffsetsTopic, options.Transactional, options.KafkaTimeoutMs, options.StatusIntervalSeconds, options.ReconnectMaxAttempts));
        Assert.Equal(64, options.RetainNativeMemoryMb);
        Assert.Empty(SinkSettings.Validate(options));
        Assert.Equal(["-80", "80-", "c0-"], SinkSettings.StartPosition(options).ShardGtids.Select(s => s.Shard));
        Assert.All(SinkSettings.StartPosition(options).ShardGtids, s => Assert.Equal("", s.Gtid));
    }

    [Fact]
    public void EventOptions_NoMappingOptions_TheVitessConnectorsDefaults()
    {
        var events = SinkSettings.EventOptions(Load(QuickStart), TimeProvider.System);

        Assert.Equal(
            (DecimalHandling.String, FloatHandling.Double, BitsByteOrder.BigEndian, false, false, CopyRowOperation.Create, true),
            (events.DecimalHandling, events.FloatHandling, events.BitsByteOrder, events.IncludeUnknownDatatypes, events.GeometryAsStruct, events.CopyRowOperation, events.TombstonesOnDelete));
    }

    [Fact]
    public void EventOptions_MappingOptionsFromTheCommandLine_ReachTheEventMapping()
    {
        var options = Load([.. QuickStart, "--decimal-handling", "precise", "--float-handling", "float", "--bits-byte-order", "little-endian",
            "--include-unknown-datatypes", "true", "--geometry-struct", "true", "--copy-row-op", "read"]);

        Assert.Empty(SinkSettings.Validate(options));
        var events = SinkSettings.EventOptions(options, TimeProvider.System);
        Assert.Equal(
            (DecimalHandling.Precise, FloatHandling.Float, BitsByteOrder.LittleEndian, true, true, CopyRowOperation.Read),
            (events.DecimalHandling, events.FloatHandling, events.BitsByteOrder, events.IncludeUnknownDatatypes, events.GeometryAsStruct, events.CopyRowOperation));
    }

    [Fact]
    public void EventOptions_MappingOptionsFromTheEnvironment_ReachTheEventMapping()
    {
        var environment = new Hashtable
        {
            ["VGATE_KAFKA__FLOATHANDLING"] = "float",
            ["VGATE_KAFKA__BITSBYTEORDER"] = "LittleEndian",
            ["VGATE_KAFKA__INCLUDEUNKNOWNDATATYPES"] = "true",
            ["VGATE_KAFKA__COPYROWOPERATION"] = "Read",
        };

        var events = SinkSettings.EventOptions(Load(QuickStart, environment), TimeProvider.System);

        Assert.Equal((FloatHandling.Float, BitsByteOrder.LittleEndian, true, CopyRowOperation.Read),
            (events.FloatHandling, events.BitsByteOrder, events.IncludeUnknownDatatypes, events.CopyRowOperation));
    }

    [Fact]
    public void Load_JsonThenEnvironmentThenCommandLine_LaterSourcesWin()
    {
        var file = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(file, """
            {
              "VGate": {
                "KafkaSink": {
                  "Gateway": "from-file:1", "Keyspace": "file_ks", "TopicPrefix": "file", "BootstrapServers": "file:9092",
                  "MaxBatchRecords": 111, "Kafka": { "client.id": "from-file", "linger.ms": "7" },
                  "KeyColumns": { "file_ks.t": "a" }
                }
              }
            }
            """);
        var environment = new Hashtable
        {
            ["VGATE_KAFKA__TOPICPREFIX"] = "env",
            ["VGATE_KAFKA__MAXBATCHRECORDS"] = "222",
            ["VGATE_KAFKA__KAFKA__SASL_MECHANISM"] = "SCRAM-SHA-512",
            ["UNRELATED"] = "x",
        };

        var options = Load(["--config", file, "--topic-prefix", "cli"], environment);

        Assert.Equal(("from-file:1", "file_ks", "cli", 222), (options.Gateway, options.Keyspace, options.TopicPrefix, options.MaxBatchRecords));
        Assert.Equal("a", options.KeyColumns["file_ks.t"]);
        var settings = KafkaClientConfig.UserSettings(options);
        Assert.Equal("from-file", settings["client.id"]);
        Assert.Equal("SCRAM-SHA-512", settings["sasl.mechanism"]);
        Assert.Equal("file:9092", settings["bootstrap.servers"]);
    }

    [Theory]
    [InlineData(new[] { "--gateway" }, "Required argument missing for option: '--gateway'.")]
    [InlineData(new[] { "--gatway", "x" }, "Unrecognized command or argument '--gatway'.")]
    [InlineData(new[] { "--keyspace", "a", "--keyspace", "b" }, "Option '--keyspace' expects a single argument but 2 were provided.")]
    [InlineData(new[] { "gateway" }, "Unrecognized command or argument 'gateway'.")]
    [InlineData(new[] { "--kafka", "acks" }, "Option --kafka must be KEY=VALUE, not 'acks'.")]
    [InlineData(new[] { "--key-columns", "orders" }, "Option --key-columns must be keyspace.table:col1,col2;keyspace.table2:col, not 'orders'.")]
    [InlineData(new[] { "--config", "/nonexistent/vgate.json" }, "Configuration file '/nonexistent/vgate.json' does not exist.")]
    public void Load_BadCommandLine_UsageErrorNamingTheOption(string[] args, string message)
    {
        var error = Assert.Throws<SinkUsageException>(() => Load(args));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Load_SecretReferences_AreResolvedFromEnvironmentAndFile()
    {
        var variable = "VGATE_TEST_SINK_PW_" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(_directory, "sasl");
        File.WriteAllText(file, "kafka/?@#%secret\n");
        Environment.SetEnvironmentVariable(variable, "gw/?@#%secret");
        try
        {
            var options = Load([.. QuickStart, "--username", "cdc", "--password", $"{{env:{variable}}}",
                "--kafka", $"sasl.password={{file:{file}}}", "--kafka", "client.id={notareference}",
                "--grpc-header", $"authorization={{env:{variable}}}"]);

            Assert.Equal("gw/?@#%secret", options.Password);
            Assert.Equal("kafka/?@#%secret", options.Kafka["sasl.password"]);
            Assert.Equal("{notareference}", options.Kafka["client.id"]);
            Assert.Equal("gw/?@#%secret", options.GrpcHeaders["authorization"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Load_SecretReferenceToNothing_ConfigurationErrorNamingTheVariable()
    {
        var ex = Assert.Throws<KafkaSinkException>(() => Load([.. QuickStart, "--username", "cdc", "--password", "{env:VGATE_TEST_SURELY_UNSET_42}"]));

        Assert.Equal(SinkFailure.Configuration, ex.Failure);
        Assert.Contains("'VGATE_TEST_SURELY_UNSET_42'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NumberOptionWithText_ConfigurationErrorNamingTheKey()
    {
        var error = Assert.Throws<KafkaSinkException>(() => Load([.. QuickStart, "--max-batch-records", "many"]));

        Assert.Equal(SinkFailure.Configuration, error.Failure);
        Assert.Contains("VGate:KafkaSink:MaxBatchRecords", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeyInJson_ConfigurationError()
    {
        var file = Path.Combine(_directory, "typo.json");
        File.WriteAllText(file, """{ "VGate": { "KafkaSink": { "Gatewy": "x:1" } } }""");

        var error = Assert.Throws<KafkaSinkException>(() => Load(["--config", file]));

        Assert.Contains("Gatewy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BrokenJson_ConfigurationErrorNamingTheFile()
    {
        var file = Path.Combine(_directory, "broken.json");
        File.WriteAllText(file, "{ \"VGate\": ");

        var error = Assert.Throws<KafkaSinkException>(() => Load(["--config", file]));

        Assert.Equal(SinkFailure.Configuration, error.Failure);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--gateway", " " }, "Gateway is required")]
    [InlineData(new[] { "--from", "yesterday" }, "From must be current, copy or a VGTID JSON array")]
    [InlineData(new[] { "--from", "[{\"keyspace\":\"other\",\"shard\":\"0\",\"gtid\":\"current\"}]" }, "From names another keyspace")]
    [InlineData(new[] { "--from", "[{\"keyspace\":\"commerce\",\"shard\":\"0\",\"gtid\":\"current\"}]", "--shard", "0" }, "Shards cannot be combined with a VGTID")]
    [InlineData(new[] { "--from", "[{\"keyspace\":\"commerce\",\"shard\":" }, "From must be current, copy or a VGTID JSON array: Invalid VGTID JSON")]
    [InlineData(new[] { "--table-include", "orders(" }, "TableIncludeList entry 'orders(' is not a valid regular expression")]
    [InlineData(new[] { "--key-columns", "orders:id" }, "KeyColumns entry 'orders' must be keyspace.table.")]
    [InlineData(new[] { "--compression", "brotli" }, "Compression must be one of none, gzip, snappy, lz4, zstd, not 'brotli'.")]
    [InlineData(new[] { "--tablet-type", "leader" }, "TabletType must be primary, replica or rdonly, not 'leader'.")]
    [InlineData(new[] { "--max-batch-records", "0" }, "MaxBatchRecords must be from 1 to 10000000, not 0.")]
    [InlineData(new[] { "--retain-native-memory-mb", "-1" }, "RetainNativeMemoryMb must be from 0 to 2047, not -1.")]
    [InlineData(new[] { "--transaction-buffer-bytes", "1000" }, "TransactionBufferBytes must be at least 65536, not 1000.")]
    [InlineData(new[] { "--spill-directory", "/nonexistent/spill" }, "SpillDirectory '/nonexistent/spill' does not exist.")]
    [InlineData(new[] { "--username", "u" }, "Username and Password must be given together.")]
    [InlineData(new[] { "--ca", "/nonexistent/ca.pem" }, "TlsCaFile '/nonexistent/ca.pem' does not exist.")]
    [InlineData(new[] { "--topic-prefix", "shop/eu" }, "TopicPrefix 'shop/eu' may only contain")]
    [InlineData(new[] { "--decimal-handling", "roman" }, "DecimalHandling: 'roman' is not one of")]
    [InlineData(new[] { "--bigint-unsigned-handling", "huge" }, "BigIntUnsignedHandling: 'huge' is not one of")]
    [InlineData(new[] { "--float-handling", "half" }, "FloatHandling: 'half' is not one of double, float")]
    [InlineData(new[] { "--bits-byte-order", "middle" }, "BitsByteOrder: 'middle' is not one of bigendian, littleendian")]
    [InlineData(new[] { "--copy-row-op", "snapshot" }, "CopyRowOperation: 'snapshot' is not one of create, read")]
    [InlineData(new[] { "--kafka", "acks=1" }, "Kafka setting acks=1 is not allowed: exactly-once delivery needs acks=all.")]
    [InlineData(new[] { "--kafka", "enable.idempotence=false" }, "Kafka setting enable.idempotence must stay true")]
    [InlineData(new[] { "--transactional", "false", "--kafka", "transactional.id=x" }, "Kafka setting transactional.id is set but Transactional is false")]
    public void Validate_BadValue_ExplainsTheProblem(string[] extra, string expected)
    {
        // The quick-start options, with those named in `extra` replaced.
        var replaced = extra.Where((_, i) => i % 2 == 0).ToHashSet();
        var options = Load([.. QuickStart.Chunk(2).Where(p => !replaced.Contains(p[0])).SelectMany(p => p), .. extra]);

        var errors = SinkSettings.Validate(options);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void EventOptions_IncludeExcludeAndKeyColumns_FilterByKeyspaceTable()
    {
        var options = Load([.. QuickStart, "--table-include", "commerce\\.(orders|items)", "--table-exclude", ".*\\.items", "--key-columns", "commerce.orders:a, b"]);

        var events = SinkSettings.EventOptions(options, TimeProvider.System);

        Assert.True(events.TableFilter!("commerce", "orders"));
        Assert.True(events.TableFilter!("COMMERCE", "Orders"));
        Assert.False(events.TableFilter!("commerce", "items"));
        Assert.False(events.TableFilter!("commerce", "orders_archive"));
        Assert.Equal(["a", "b"], events.KeyColumns["commerce.orders"]);
        Assert.Equal("shop", events.TopicPrefix);
    }

    [Fact]
    public void ProducerConfig_ExactlyOnceSettingsAndPassThrough()
    {
        var options = Load([.. QuickStart, "--kafka", "batch.num.messages=5000", "--kafka", "linger.ms=50", "--compression", "lz4"]);

        var producer = KafkaClientConfig.Producer(options).ToDictionary(e => e.Key, e => e.Value);
        var consumer = KafkaClientConfig.Consumer(options).ToDictionary(e => e.Key, e => e.Value);

        Assert.Equal("true", producer["enable.idempotence"], ignoreCase: true);
        Assert.Equal("-1", producer["acks"]);
        Assert.Equal("vgate-kafka-shop", producer["transactional.id"]);
        Assert.Equal("50", producer["linger.ms"]);
        Assert.Equal("lz4", producer["compression.type"]);
        Assert.Equal("5000", producer["batch.num.messages"]);
        // Bounded memory: librdkafka's queue is 16 MiB unless the user sets it.
        Assert.Equal("16384", producer["queue.buffering.max.kbytes"]);
        Assert.Equal("1000", KafkaClientConfig.Producer(Load([.. QuickStart, "--kafka", "queue.buffering.max.kbytes=1000"])).Get("queue.buffering.max.kbytes"));
        Assert.Equal("k1:9092,k2:9092", consumer["bootstrap.servers"]);
        Assert.Equal("read_committed", consumer["isolation.level"]);
        Assert.False(consumer.ContainsKey("linger.ms"));
        Assert.False(consumer.ContainsKey("batch.num.messages"));
    }

    [Fact]
    public void Load_SharedEnvironmentPrefix_FileThenEnvironmentThenCommandLine()
    {
        var file = Path.Combine(_directory, "shared.json");
        File.WriteAllText(file, """{ "VGate": { "KafkaSink": { "Keyspace": "file_ks", "MaxBatchRecords": 111, "LingerMs": 1 }, "Server": { "Listen": "127.0.0.1:1" } } }""");
        var environment = new Hashtable
        {
            // The form vgate serve reads too (VGATE_Section__Key), and the sink's older one, which it beats.
            ["VGATE_KafkaSink__MaxBatchRecords"] = "222",
            ["VGATE_KAFKA__MAXBATCHRECORDS"] = "333",
            ["VGATE_KAFKA__LINGERMS"] = "44",
            ["VGATE_KafkaSink__Kafka__client.id"] = "from-env",
            ["VGATE_Server__Listen"] = "the server's, not read here",
        };

        var options = Load(["--config", file, "--gateway", "127.0.0.1:15991", "--keyspace", "cli_ks", "--bootstrap-servers", "k:9092", "--topic-prefix", "shop"], environment);

        Assert.Equal(("cli_ks", 222, 44), (options.Keyspace, options.MaxBatchRecords, options.LingerMs));
        Assert.Equal("from-env", options.Kafka["client.id"]);
    }

    [Fact]
    public void Load_UnknownKeyInEnvironment_ConfigurationErrorNamingTheKey()
    {
        var error = Assert.Throws<KafkaSinkException>(() => Load(QuickStart, new Hashtable { ["VGATE_KafkaSink__BootstrapServer"] = "x:1" }));

        Assert.Equal(SinkFailure.Configuration, error.Failure);
        Assert.Contains("BootstrapServer", error.Message, StringComparison.Ordinal);
    }
}
