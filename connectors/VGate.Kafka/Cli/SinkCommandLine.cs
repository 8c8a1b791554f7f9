using System.CommandLine;

namespace VGate.Kafka.Cli;

/// <summary>
/// The sink's command line (System.CommandLine): <c>--name value</c> / <c>--name=value</c> options turned into
/// configuration keys under <c>VGate:KafkaSink</c> (they override the JSON file and the environment). Unknown options,
/// missing values and repeated single options are errors naming the option.
/// </summary>
internal static class SinkCommandLine
{
    private const string Prefix = "VGate:KafkaSink:";

    private enum Shape
    {
        Single,
        Repeatable,
        KeyValue,
    }

    // option name → (configuration key, shape)
    private static readonly Dictionary<string, (string Key, Shape Shape)> Options = new(StringComparer.Ordinal)
    {
        ["gateway"] = ("Gateway", Shape.Single),
        ["username"] = ("Username", Shape.Single),
        ["password"] = ("Password", Shape.Single),
        ["grpc-header"] = ("GrpcHeaders", Shape.KeyValue),
        ["ca"] = ("TlsCaFile", Shape.Single),
        ["tls-cert"] = ("TlsClientCertificateFile", Shape.Single),
        ["tls-key"] = ("TlsClientKeyFile", Shape.Single),
        ["grpc-max-message-bytes"] = ("GrpcMaxMessageBytes", Shape.Single),
        ["keyspace"] = ("Keyspace", Shape.Single),
        ["shard"] = ("Shards", Shape.Repeatable),
        ["from"] = ("From", Shape.Single),
        ["tablet-type"] = ("TabletType", Shape.Single),
        ["heartbeat"] = ("HeartbeatIntervalSeconds", Shape.Single),
        ["stream-keyspace-heartbeats"] = ("StreamKeyspaceHeartbeats", Shape.Single),
        ["reconnect-initial-delay-ms"] = ("ReconnectInitialDelayMs", Shape.Single),
        ["reconnect-max-delay-ms"] = ("ReconnectMaxDelayMs", Shape.Single),
        ["reconnect-max-attempts"] = ("ReconnectMaxAttempts", Shape.Single),
        ["topic-prefix"] = ("TopicPrefix", Shape.Single),
        ["connector-name"] = ("ConnectorName", Shape.Single),
        ["table-include"] = ("TableIncludeList", Shape.Repeatable),
        ["table-exclude"] = ("TableExcludeList", Shape.Repeatable),
        ["key-columns"] = ("KeyColumns", Shape.Single),
        ["schemas"] = ("SchemasEnabled", Shape.Single),
        ["transaction-metadata"] = ("TransactionMetadata", Shape.Single),
        ["tombstones"] = ("TombstonesOnDelete", Shape.Single),
        ["unavailable-value-placeholder"] = ("UnavailableValuePlaceholder", Shape.Single),
        ["skip-statement-dml"] = ("SkipStatementDml", Shape.Single),
        ["schema-changes"] = ("IncludeSchemaChanges", Shape.Single),
        ["decimal-handling"] = ("DecimalHandling", Shape.Single),
        ["oversize-records"] = ("OversizeRecords", Shape.Single),
        ["binary-handling"] = ("BinaryHandling", Shape.Single),
        ["time-precision"] = ("TimePrecisionMode", Shape.Single),
        ["bigint-unsigned-handling"] = ("BigIntUnsignedHandling", Shape.Single),
        ["float-handling"] = ("FloatHandling", Shape.Single),
        ["bits-byte-order"] = ("BitsByteOrder", Shape.Single),
        ["include-unknown-datatypes"] = ("IncludeUnknownDatatypes", Shape.Single),
        ["geometry-struct"] = ("GeometryAsStruct", Shape.Single),
        ["vector-float-vector"] = ("VectorAsFloatVector", Shape.Single),
        ["copy-row-op"] = ("CopyRowOperation", Shape.Single),
        ["heartbeat-topic-prefix"] = ("HeartbeatTopicPrefix", Shape.Single),
        ["bootstrap-servers"] = ("BootstrapServers", Shape.Single),
        ["kafka"] = ("Kafka", Shape.KeyValue),
        ["compression"] = ("Compression", Shape.Single),
        ["linger-ms"] = ("LingerMs", Shape.Single),
        ["retain-native-memory-mb"] = ("RetainNativeMemoryMb", Shape.Single),
        ["max-batch-records"] = ("MaxBatchRecords", Shape.Single),
        ["max-batch-delay-ms"] = ("MaxBatchDelayMs", Shape.Single),
        ["transaction-buffer-bytes"] = ("TransactionBufferBytes", Shape.Single),
        ["spill-directory"] = ("SpillDirectory", Shape.Single),
        ["offsets-topic"] = ("OffsetsTopic", Shape.Single),
        ["offsets-topic-replication-factor"] = ("OffsetsTopicReplicationFactor", Shape.Single),
        ["transactional"] = ("Transactional", Shape.Single),
        ["transactional-id"] = ("TransactionalId", Shape.Single),
        ["kafka-timeout-ms"] = ("KafkaTimeoutMs", Shape.Single),
        ["status-interval"] = ("StatusIntervalSeconds", Shape.Single),
        ["metrics-listen"] = ("MetricsListen", Shape.Single),
    };

    /// <summary>What the command line says.</summary>
    internal sealed record Parsed(Dictionary<string, string?> Settings, string? ConfigFile, string? LogLevel, string? LogFormat = null);

    /// <summary>
    /// The sink's options as a System.CommandLine command (<c>vgate kafka-sink</c>, or the root of <c>vgate-kafka</c>):
    /// every option takes text; the values are checked when the configuration is bound and validated.
    /// </summary>
    internal static void AddOptions(Command command)
    {
        foreach (var (name, (_, shape)) in Options)
            command.Options.Add(shape == Shape.Single ? new Option<string>("--" + name) : new Option<string[]>("--" + name));
        command.Options.Add(new Option<string>("--config"));
        command.Options.Add(new Option<string>("--log-level"));
        command.Options.Add(new Option<string>("--log-format"));
        // --check-config: load and validate the configuration, print nothing more, exit 0 (or 1/2 as a run would).
        command.Options.Add(new Option<bool>("--check-config"));
    }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="SinkUsageException"/> for bad input.</summary>
    public static Parsed Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = new RootCommand();
        AddOptions(command);
        var result = command.Parse(args);
        CliRunner.ThrowOnError(result);
        return FromParseResult(result);
    }

    /// <summary>The configuration keys the options of a parsed command line set.</summary>
    internal static Parsed FromParseResult(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, option) in Options)
        {
            switch (option.Shape)
            {
                case Shape.Single:
                    if (result.GetValue<string>("--" + name) is not { } value)
                        break;
                    if (name == "key-columns")
                        AddKeyColumns(settings, value);
                    else
                        settings[Prefix + option.Key] = value;
                    break;
                case Shape.Repeatable:
                    var index = 0;
                    foreach (var given in result.GetValue<string[]>("--" + name) ?? [])
                    {
                        foreach (var item in name == "shard" ? given.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [given])
                            settings[$"{Prefix}{option.Key}:{index++}"] = item;
                    }
                    break;
                case Shape.KeyValue:
                    foreach (var given in result.GetValue<string[]>("--" + name) ?? [])
                    {
                        var separator = given.IndexOf('=', StringComparison.Ordinal);
                        if (separator <= 0)
                            throw new SinkUsageException($"Option --{name} must be KEY=VALUE, not '{given}'.");
                        settings[$"{Prefix}{option.Key}:{given[..separator].Trim()}"] = given[(separator + 1)..];
                    }
                    break;
                default:
                    throw new InvalidOperationException("unreachable");
            }
        }
        var logFormat = result.GetValue<string>("--log-format") is { } format
            ? format.ToLowerInvariant() is "text" or "json" ? format.ToLowerInvariant() : throw new SinkUsageException($"Option --log-format must be text or json, not '{format}'.")
            : null;
        return new Parsed(settings, result.GetValue<string>("--config"), result.GetValue<string>("--log-level"), logFormat);
    }

    /// <summary>Debezium <c>message.key.columns</c> syntax: <c>ks.t1:c1,c2;ks.t2:c3</c>.</summary>
    private static void AddKeyColumns(Dictionary<string, string?> settings, string value)
    {
        foreach (var entry in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == entry.Length - 1)
                throw new SinkUsageException($"Option --key-columns must be keyspace.table:col1,col2;keyspace.table2:col, not '{value}'.");
            settings[$"{Prefix}KeyColumns:{entry[..colon].Trim()}"] = entry[(colon + 1)..].Trim();
        }
    }
}
