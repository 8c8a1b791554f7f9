using System.Globalization;
using Confluent.Kafka;
using VGate.Kafka.Sink;

namespace VGate.Kafka.Producing;

/// <summary>
/// Turns <see cref="KafkaSinkOptions"/> into librdkafka settings for the sink's producer and its read-back consumer.
/// User settings (<see cref="KafkaSinkOptions.Kafka"/>) pass through, except those that would break exactly-once
/// (idempotence off, acks other than all), which <see cref="Conflicts"/> reports.
/// </summary>
public static class KafkaClientConfig
{
    // Settings only a producer understands; they are left out of the consumer's configuration so librdkafka does not
    // warn about each of them.
    private static readonly HashSet<string> ProducerOnly = new(StringComparer.Ordinal)
    {
        "acks", "request.required.acks", "linger.ms", "queue.buffering.max.ms", "batch.size", "batch.num.messages",
        "compression.type", "compression.codec", "compression.level", "enable.idempotence", "transactional.id",
        "transaction.timeout.ms", "queue.buffering.max.messages", "queue.buffering.max.kbytes", "message.send.max.retries",
        "retries", "delivery.timeout.ms", "message.timeout.ms", "partitioner", "max.in.flight.requests.per.connection",
        "max.in.flight", "sticky.partitioning.linger.ms", "enable.gapless.guarantee", "request.timeout.ms",
        "dotnet.producer.enable.background.poll", "dotnet.producer.enable.deliveries", "dotnet.producer.delivery.report.fields",
        "queue.buffering.backpressure.threshold", "retry.backoff.ms", "retry.backoff.max.ms",
    };

    /// <summary>Normalises a setting name: lowercase, <c>_</c> → <c>.</c> (so environment variables can name them).</summary>
    public static string NormalizeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Trim().ToLowerInvariant().Replace('_', '.');
    }

    /// <summary>The user's librdkafka settings with <c>bootstrap.servers</c> from the option, normalised.</summary>
    public static Dictionary<string, string> UserSettings(KafkaSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in options.Kafka)
            settings[NormalizeKey(key)] = value;
        if (!string.IsNullOrWhiteSpace(options.BootstrapServers))
            settings["bootstrap.servers"] = options.BootstrapServers;
        return settings;
    }

    /// <summary>Problems with user settings that contradict exactly-once delivery; empty when none.</summary>
    public static IEnumerable<string> Conflicts(KafkaSinkOptions options)
    {
        var settings = UserSettings(options);
        if (settings.TryGetValue("enable.idempotence", out var idempotence) && !IsTrue(idempotence))
            yield return "Kafka setting enable.idempotence must stay true: exactly-once delivery needs the idempotent producer.";
        foreach (var key in new[] { "acks", "request.required.acks" })
        {
            if (settings.TryGetValue(key, out var acks) && acks.Trim() is not ("all" or "-1"))
                yield return $"Kafka setting {key}={acks} is not allowed: exactly-once delivery needs acks=all.";
        }
        if (!options.Transactional && settings.ContainsKey("transactional.id"))
            yield return "Kafka setting transactional.id is set but Transactional is false; set Transactional=true (and TransactionalId) instead.";
        if (settings.TryGetValue("dotnet.producer.enable.deliveries", out var deliveries) && !IsTrue(deliveries))
            yield return "Kafka setting dotnet.producer.enable.deliveries must stay true: checkpoints wait for delivery reports.";
    }

    /// <summary>The producer configuration.</summary>
    public static ProducerConfig Producer(KafkaSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ProducerConfig(new Dictionary<string, string>(UserSettings(options)));
        // Defaults that the user may override through the Kafka section.
        config.Set("linger.ms", options.LingerMs.ToString(CultureInfo.InvariantCulture));
        config.Set("compression.type", options.Compression.ToLowerInvariant());
        // librdkafka's default queue (1 GiB) would let one large source transaction, produced at its COMMIT, take that
        // much memory. The limit counts keys and values only: with 64 MiB, librdkafka's threads held 100-220 MB more
        // while a 2 GB transaction was produced (headers, batches, compression buffers); with 16 MiB, about 35 MB
        // (bench/results/large-transaction-2026-12-07b.txt). The sink waits for room when it is full.
        config.Set("queue.buffering.max.kbytes", "16384");
        foreach (var (key, value) in UserSettings(options))
            config.Set(key, value);
        // Exactly-once requirements (validated above, so these only restate the user's value or fill it in).
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        // The sink reads only a report's error, partition and offset, which every report carries; "none" also skips
        // the persisted-status call into librdkafka (and keys, values, headers, timestamps) for each report.
        config.Set("dotnet.producer.delivery.report.fields", "none");
        if (options.Transactional)
        {
            if (!config.Any(c => c.Key == "transactional.id"))
                config.TransactionalId = options.EffectiveTransactionalId;
            if (!config.Any(c => c.Key == "transaction.timeout.ms"))
                config.TransactionTimeoutMs = 60_000;
        }
        return config;
    }

    /// <summary>The read-back consumer's configuration: manual assignment, read_committed, partition-EOF events.</summary>
    public static ConsumerConfig Consumer(KafkaSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = UserSettings(options).Where(s => !ProducerOnly.Contains(s.Key)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var config = new ConsumerConfig(settings);
        if (!settings.ContainsKey("group.id"))
            config.GroupId = "vgate-kafka-" + options.EffectiveConnectorName + "-readback";
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        config.EnablePartitionEof = true;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.AllowAutoCreateTopics = false;
        if (!settings.ContainsKey("fetch.wait.max.ms"))
            config.FetchWaitMaxMs = 50;
        return config;
    }

    private static bool IsTrue(string value) => value.Trim().ToLowerInvariant() is "true" or "1" or "yes" or "on";
}
