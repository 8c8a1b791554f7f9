using System.Text.RegularExpressions;
using Binlogdata;
using VGate.Kafka.Events;
using VGate.Kafka.Positions;
using VGate.Kafka.Producing;

namespace VGate.Kafka.Sink;

/// <summary>Checks <see cref="KafkaSinkOptions"/> and derives what the sink's parts need from them.</summary>
public static class SinkSettings
{
    private static readonly Regex TopicName = new("^[a-zA-Z0-9._-]+$", RegexOptions.CultureInvariant);
    private static readonly string[] Compressions = ["none", "gzip", "snappy", "lz4", "zstd"];
    private static readonly string[] TabletTypes = ["primary", "master", "replica", "rdonly", "batch"];

    /// <summary>Every problem with <paramref name="options"/>, each a sentence naming the option; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(KafkaSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Gateway))
            errors.Add("Gateway is required (host:port of the VStream server).");
        if (string.IsNullOrWhiteSpace(options.Keyspace))
            errors.Add("Keyspace is required.");
        if (string.IsNullOrWhiteSpace(options.TopicPrefix))
            errors.Add("TopicPrefix is required.");
        else if (!TopicName.IsMatch(options.TopicPrefix))
            errors.Add($"TopicPrefix '{options.TopicPrefix}' may only contain letters, digits, '.', '_' and '-'.");
        if (!KafkaClientConfig.UserSettings(options).TryGetValue("bootstrap.servers", out var bootstrap) || string.IsNullOrWhiteSpace(bootstrap))
            errors.Add("BootstrapServers is required (or Kafka:bootstrap.servers).");
        if (string.IsNullOrWhiteSpace(options.OffsetsTopic) || !TopicName.IsMatch(options.OffsetsTopic))
            errors.Add($"OffsetsTopic '{options.OffsetsTopic}' is not a valid topic name.");
        if (options.Username is null != options.Password is null)
            errors.Add("Username and Password must be given together.");
        if (!TabletTypes.Contains(options.TabletType.ToLowerInvariant()))
            errors.Add($"TabletType must be primary, replica or rdonly, not '{options.TabletType}'.");
        if (!Compressions.Contains(options.Compression.ToLowerInvariant()))
            errors.Add($"Compression must be one of {string.Join(", ", Compressions)}, not '{options.Compression}'.");
        CheckFile(errors, "TlsCaFile", options.TlsCaFile);
        CheckFile(errors, "TlsClientCertificateFile", options.TlsClientCertificateFile);
        CheckFile(errors, "TlsClientKeyFile", options.TlsClientKeyFile);
        if (options.TlsClientKeyFile is not null && options.TlsClientCertificateFile is null)
            errors.Add("TlsClientKeyFile needs TlsClientCertificateFile.");

        CheckRange(errors, "MaxBatchRecords", options.MaxBatchRecords, 1, 10_000_000);
        CheckRange(errors, "MaxBatchDelayMs", options.MaxBatchDelayMs, 0, 3_600_000);
        if (options.TransactionBufferBytes < 64 * 1024)
            errors.Add($"TransactionBufferBytes must be at least 65536, not {options.TransactionBufferBytes}.");
        if (options.SpillDirectory is { } spill && !Directory.Exists(spill))
            errors.Add($"SpillDirectory '{spill}' does not exist.");
        CheckRange(errors, "LingerMs", options.LingerMs, 0, 900_000);
        CheckRange(errors, "KafkaTimeoutMs", options.KafkaTimeoutMs, 1_000, 3_600_000);
        CheckRange(errors, "GrpcMaxMessageBytes", options.GrpcMaxMessageBytes, 1024 * 1024, int.MaxValue);
        CheckRange(errors, "ReconnectInitialDelayMs", options.ReconnectInitialDelayMs, 0, 3_600_000);
        CheckRange(errors, "ReconnectMaxDelayMs", options.ReconnectMaxDelayMs, 0, 3_600_000);
        CheckRange(errors, "ReconnectMaxAttempts", options.ReconnectMaxAttempts, 0, int.MaxValue);
        CheckRange(errors, "HeartbeatIntervalSeconds", options.HeartbeatIntervalSeconds, 0, 86_400);
        CheckRange(errors, "StatusIntervalSeconds", options.StatusIntervalSeconds, 0, 86_400);
        if (options.MetricsListen is { Length: > 0 } listen && !Metrics.MetricsEndpoint.TryParse(listen, out _, out _, out var listenProblem))
            errors.Add(listenProblem);
        CheckRange(errors, "RetainNativeMemoryMb", options.RetainNativeMemoryMb, 0, 2047);

        foreach (var (name, list) in new[] { ("TableIncludeList", options.TableIncludeList), ("TableExcludeList", options.TableExcludeList) })
        {
            foreach (var pattern in list)
            {
                try
                {
                    _ = new Regex(pattern, RegexOptions.CultureInvariant);
                }
                catch (ArgumentException ex)
                {
                    errors.Add($"{name} entry '{pattern}' is not a valid regular expression: {ex.Message}");
                }
            }
        }
        foreach (var (table, columns) in options.KeyColumns)
        {
            if (table.Split('.').Length != 2 || table.Split('.').Any(string.IsNullOrWhiteSpace))
                errors.Add($"KeyColumns entry '{table}' must be keyspace.table.");
            if (SplitColumns(columns).Count == 0)
                errors.Add($"KeyColumns entry '{table}' names no column.");
        }
        if (options.OversizeRecords is not ("fail" or "skip"))
            errors.Add($"OversizeRecords must be fail or skip, not '{options.OversizeRecords}'.");
        if (KafkaClientConfig.UserSettings(options).TryGetValue("message.max.bytes", out var maxBytes) && (!int.TryParse(maxBytes, out var max) || max <= 0))
            errors.Add($"Kafka:message.max.bytes must be a positive integer, not '{maxBytes}'.");
        CheckEnum<DecimalHandling>(errors, "DecimalHandling", options.DecimalHandling);
        CheckEnum<BinaryHandling>(errors, "BinaryHandling", options.BinaryHandling);
        CheckEnum<TimePrecisionMode>(errors, "TimePrecisionMode", options.TimePrecisionMode);
        CheckEnum<BigIntUnsignedHandling>(errors, "BigIntUnsignedHandling", options.BigIntUnsignedHandling);
        CheckEnum<FloatHandling>(errors, "FloatHandling", options.FloatHandling);
        CheckEnum<BitsByteOrder>(errors, "BitsByteOrder", options.BitsByteOrder);
        CheckEnum<CopyRowOperation>(errors, "CopyRowOperation", options.CopyRowOperation);

        if (!string.IsNullOrWhiteSpace(options.Keyspace))
        {
            try
            {
                var start = StartPosition(options);
                if (start.ShardGtids.Any(s => s.Keyspace != options.Keyspace))
                    errors.Add($"From names another keyspace than Keyspace '{options.Keyspace}'.");
                if (IsVgtid(options.From) && options.Shards.Count > 0)
                    errors.Add("Shards cannot be combined with a VGTID in From: the VGTID names its shards.");
            }
            catch (FormatException ex)
            {
                errors.Add($"From must be current, copy or a VGTID JSON array: {ex.Message}");
            }
        }
        errors.AddRange(KafkaClientConfig.Conflicts(options));
        return errors;
    }

    /// <summary>The VStream start position when there is no checkpoint.</summary>
    public static VGtid StartPosition(KafkaSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var from = options.From.Trim();
        if (IsVgtid(from))
            return VGtidJson.Parse(from);
        var gtid = from.ToLowerInvariant() switch
        {
            "current" => "current",
            "copy" => "",
            _ => throw new FormatException($"'{options.From}' is neither current, copy nor a JSON array."),
        };
        var vgtid = new VGtid();
        if (options.Shards.Count == 0)
            vgtid.ShardGtids.Add(new ShardGtid { Keyspace = options.Keyspace, Shard = "", Gtid = gtid });
        foreach (var shard in options.Shards)
            vgtid.ShardGtids.Add(new ShardGtid { Keyspace = options.Keyspace, Shard = shard, Gtid = gtid });
        return vgtid;
    }

    /// <summary>The event-mapping options for these sink options.</summary>
    public static DebeziumEventOptions EventOptions(KafkaSinkOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var include = options.TableIncludeList.Select(Anchored).ToList();
        var exclude = options.TableExcludeList.Select(Anchored).ToList();
        Func<string, string, bool>? filter = include.Count == 0 && exclude.Count == 0
            ? null
            : (keyspace, table) =>
            {
                var name = keyspace + "." + table;
                return (include.Count == 0 || include.Any(r => r.IsMatch(name))) && !exclude.Any(r => r.IsMatch(name));
            };
        var keyColumns = options.KeyColumns.ToDictionary(
            e => e.Key, e => (IReadOnlyList<string>)SplitColumns(e.Value), StringComparer.OrdinalIgnoreCase);
        var topicPrefix = options.TopicPrefix ?? throw new ArgumentException("TopicPrefix is required.", nameof(options));
        // Unset enum options keep the event mapping's own defaults.
        var defaults = new DebeziumEventOptions { TopicPrefix = topicPrefix };
        return new DebeziumEventOptions
        {
            TopicPrefix = topicPrefix,
            SchemasEnabled = options.SchemasEnabled,
            TransactionMetadata = options.TransactionMetadata,
            TombstonesOnDelete = options.TombstonesOnDelete,
            UnavailableValuePlaceholder = options.UnavailableValuePlaceholder ?? defaults.UnavailableValuePlaceholder,
            SkipStatementDml = options.SkipStatementDml,
            IncludeInternalTables = options.StreamKeyspaceHeartbeats,
            DecimalHandling = ParseEnum<DecimalHandling>(options.DecimalHandling) ?? defaults.DecimalHandling,
            BinaryHandling = ParseEnum<BinaryHandling>(options.BinaryHandling) ?? defaults.BinaryHandling,
            TimePrecisionMode = ParseEnum<TimePrecisionMode>(options.TimePrecisionMode) ?? defaults.TimePrecisionMode,
            BigIntUnsignedHandling = ParseEnum<BigIntUnsignedHandling>(options.BigIntUnsignedHandling) ?? defaults.BigIntUnsignedHandling,
            FloatHandling = ParseEnum<FloatHandling>(options.FloatHandling) ?? defaults.FloatHandling,
            BitsByteOrder = ParseEnum<BitsByteOrder>(options.BitsByteOrder) ?? defaults.BitsByteOrder,
            IncludeUnknownDatatypes = options.IncludeUnknownDatatypes,
            GeometryAsStruct = options.GeometryAsStruct,
            VectorAsFloatVector = options.VectorAsFloatVector,
            CopyRowOperation = ParseEnum<CopyRowOperation>(options.CopyRowOperation) ?? defaults.CopyRowOperation,
            KeyColumns = keyColumns,
            TableFilter = filter,
            IncludeSchemaChanges = options.IncludeSchemaChanges,
            HeartbeatTopicPrefix = string.IsNullOrEmpty(options.HeartbeatTopicPrefix) ? null : options.HeartbeatTopicPrefix,
            TimeProvider = timeProvider,
            MaxBufferedRowBytes = options.TransactionBufferBytes,
            SpillDirectory = options.SpillDirectory,
        };
    }

    private static bool IsVgtid(string from) => from.TrimStart().StartsWith('[') || from.TrimStart().StartsWith('{');

    private static Regex Anchored(string pattern) =>
        new("^(?:" + pattern + ")$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static List<string> SplitColumns(string columns) =>
        [.. columns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Parses an enum by name ignoring case, '_' and '-' (so <c>adaptive_time_microseconds</c> works); null for empty.</summary>
    private static T? ParseEnum<T>(string? text)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var wanted = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase))
                return Enum.Parse<T>(name);
        }
        throw new FormatException($"'{text}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
    }

    private static void CheckEnum<T>(List<string> errors, string name, string? text)
        where T : struct, Enum
    {
        try
        {
            ParseEnum<T>(text);
        }
        catch (FormatException ex)
        {
            errors.Add($"{name}: {ex.Message}");
        }
    }

    private static void CheckRange(List<string> errors, string name, long value, long min, long max)
    {
        if (value < min || value > max)
            errors.Add($"{name} must be from {min} to {max}, not {value}.");
    }

    private static void CheckFile(List<string> errors, string name, string? path)
    {
        if (path is not null && !File.Exists(path))
            errors.Add($"{name} '{path}' does not exist.");
    }
}
