namespace VGate.Kafka.Cli;

/// <summary>
/// The sink's command line: strict <c>--name value</c> / <c>--name=value</c> options turned into configuration keys
/// under <c>VGate:KafkaSink</c> (they override the JSON file and the environment). Unknown options, missing values and
/// repeated single options are errors naming the option.
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
    };

    /// <summary>What the command line says.</summary>
    internal sealed record Parsed(Dictionary<string, string?> Settings, string? ConfigFile, string? LogLevel, string? LogFormat = null);

    /// <summary>Parses <paramref name="args"/>; throws <see cref="SinkUsageException"/> for bad input.</summary>
    public static Parsed Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = new Dictionary<string, int>(StringComparer.Ordinal);
        string? configFile = null;
        string? logLevel = null;
        string? logFormat = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new SinkUsageException($"Unexpected argument '{arg}'.");
            var name = arg[2..];
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else
            {
                if (i + 1 >= args.Count)
                    throw new SinkUsageException($"Option --{name} needs a value.");
                value = args[++i];
            }

            if (name is "config" or "log-level" or "log-format")
            {
                if (!seen.Add(name))
                    throw new SinkUsageException($"Option --{name} is given more than once.");
                if (name == "config")
                    configFile = value;
                else if (name == "log-format")
                    logFormat = value.ToLowerInvariant() is "text" or "json" ? value.ToLowerInvariant() : throw new SinkUsageException($"Option --log-format must be text or json, not '{value}'.");
                else
                    logLevel = value;
                continue;
            }
            if (!Options.TryGetValue(name, out var option))
                throw new SinkUsageException($"Unknown option --{name}.");
            switch (option.Shape)
            {
                case Shape.Single:
                    if (!seen.Add(name))
                        throw new SinkUsageException($"Option --{name} is given more than once.");
                    if (name == "key-columns")
                        AddKeyColumns(settings, value);
                    else
                        settings[Prefix + option.Key] = value;
                    break;
                case Shape.Repeatable:
                    var index = repeated.GetValueOrDefault(name);
                    foreach (var item in name == "shard" ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [value])
                        settings[$"{Prefix}{option.Key}:{index++}"] = item;
                    repeated[name] = index;
                    break;
                case Shape.KeyValue:
                    var separator = value.IndexOf('=', StringComparison.Ordinal);
                    if (separator <= 0)
                        throw new SinkUsageException($"Option --{name} must be KEY=VALUE, not '{value}'.");
                    settings[$"{Prefix}{option.Key}:{value[..separator].Trim()}"] = value[(separator + 1)..];
                    break;
                default:
                    throw new InvalidOperationException("unreachable");
            }
        }
        return new Parsed(settings, configFile, logLevel, logFormat);
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
