using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using VGate.Kafka.Logging;
using VGate.Kafka.Sink;

namespace VGate.Kafka.Producing;

/// <summary>
/// The sink's Kafka clients: one long-lived idempotent (optionally transactional) producer, an admin client on the
/// producer's connection, and one consumer for reading checkpoints and reading back. Tracks every produced record
/// until its delivery report arrives, so a checkpoint is only written once everything before it is acknowledged.
/// </summary>
/// <remarks>
/// Only the sink's loop calls these methods (one thread at a time). Delivery reports arrive on librdkafka's poll
/// thread (or inside a flush or commit) and touch only their partition's end offset, the delivered count and, to
/// record a failure or wake a waiter, the fields guarded by <c>_lock</c>: the per-record path takes no lock and
/// allocates nothing of ours.
/// </remarks>
internal sealed class KafkaClients : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly IAdminClient _admin;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, PartitionDeliveries> _partitions = [];
    private readonly List<PartitionDeliveries> _partitionList = [];
    private readonly ExactLengthArrays _keyArrays = new();
    private readonly ExactLengthArrays _valueArrays = new();
    private readonly Message<byte[]?, byte[]?> _message = new();
    private string? _lastTopic;
    private PartitionDeliveries?[] _lastTopicPartitions = [];
    // Records handed to librdkafka (written by the sink's loop only) and delivery reports received (written by the
    // report callbacks): separate counters, so producing and receiving reports do not write the same cache line.
    private long _produced;
    private long _delivered;
    // The produced count a waiter needs delivered before it is woken; long.MaxValue while nobody waits.
    private long _waitTarget = long.MaxValue;
    private TaskCompletionSource? _drained;
    private string? _deliveryError;
    private Error? _fatalError;
    private bool _inTransaction;

    /// <summary>How long repeats of a librdkafka warning or non-fatal error are held back after one is logged.</summary>
    internal static readonly TimeSpan RepeatWindow = TimeSpan.FromSeconds(30);

    private readonly RepeatLimiter _repeats = new(RepeatWindow, TimeProvider.System);

    public KafkaClients(KafkaSinkOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = loggerFactory.CreateLogger("VGate.Kafka.Kafka");
        _timeout = TimeSpan.FromMilliseconds(options.KafkaTimeoutMs);
        Transactional = options.Transactional;
        _producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfig.Producer(options))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => OnLog(message))
            .Build();
        _admin = new DependentAdminClientBuilder(_producer.Handle).Build();
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfig.Consumer(options))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => OnLog(message))
            .Build();
    }

    public bool Transactional { get; }

    /// <summary>Called for every error librdkafka reports (also those not logged), for the sink's error counter.</summary>
    public Action? ErrorReported { get; set; }

    public IConsumer<byte[]?, byte[]?> Consumer => _consumer;

    public TimeSpan Timeout => _timeout;

    /// <summary>Registers this producer's transactional.id, fencing older instances and aborting their open transaction.</summary>
    public Task InitTransactionsAsync() => Task.Run(() =>
    {
        try
        {
            _producer.InitTransactions(_timeout);
        }
        catch (KafkaException ex)
        {
            throw new KafkaSinkException(SinkFailure.Kafka, $"Kafka InitTransactions failed: {ex.Error.Reason} ({ex.Error.Code}). " +
                "With Transactional=true the brokers must support transactions (or set Transactional=false).", ex);
        }
    });

    /// <summary>Begins a Kafka transaction unless one is open (no-op without transactions).</summary>
    public void EnsureTransaction()
    {
        if (!Transactional || _inTransaction)
            return;
        try
        {
            _producer.BeginTransaction();
        }
        catch (KafkaException ex)
        {
            throw Fatal("BeginTransaction failed", ex.Error, ex);
        }
        _inTransaction = true;
    }

    public bool InTransaction => _inTransaction;

    /// <summary>Commits the open transaction. Throws <see cref="TransactionAbortedException"/> after aborting when Kafka says so.</summary>
    public async Task CommitTransactionAsync(CancellationToken cancellationToken)
    {
        if (!_inTransaction)
            return;
        var deadline = DateTime.UtcNow + _timeout;
        while (true)
        {
            try
            {
                await Task.Run(() => _producer.CommitTransaction(_timeout), CancellationToken.None).ConfigureAwait(false);
                _inTransaction = false;
                return;
            }
            catch (KafkaRetriableException ex) when (DateTime.UtcNow < deadline)
            {
                Log.KafkaError(_logger, "commit will be retried: " + ex.Error.Reason, ex.Error.Code.ToString());
            }
            catch (KafkaTxnRequiresAbortException ex)
            {
                await AbortTransactionAsync(cancellationToken).ConfigureAwait(false);
                throw new TransactionAbortedException(ex.Error.Reason, ex);
            }
            catch (KafkaException ex)
            {
                throw Fatal("CommitTransaction failed", ex.Error, ex);
            }
        }
    }

    /// <summary>
    /// Aborts the open transaction, if any, and waits for the purged records' delivery reports, whose errors are then
    /// forgotten: an aborted transaction's records are replayed.
    /// </summary>
    public async Task AbortTransactionAsync(CancellationToken cancellationToken)
    {
        if (!_inTransaction)
            return;
        try
        {
            await Task.Run(() => _producer.AbortTransaction(_timeout), CancellationToken.None).ConfigureAwait(false);
        }
        catch (KafkaException ex)
        {
            throw Fatal("AbortTransaction failed", ex.Error, ex);
        }
        _inTransaction = false;
        await WaitForReportsAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
            _deliveryError = null;
        TakeDeliveredEnds();
    }

    /// <summary>
    /// Hands one record whose key and value (null for none) are in buffers to librdkafka for
    /// <paramref name="partition"/>, through reused arrays (<see cref="ExactLengthArrays"/>): the buffers may be written
    /// over as soon as this returns. Otherwise as the <c>byte[]</c> overload.
    /// </summary>
    public ValueTask ProduceAsync(TopicPartition partition, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, Headers? headers, CancellationToken cancellationToken)
    {
        // The arrays are only used by this one call; the sink's loop does not produce again before it completes.
        var keyArray = key is { } keyBytes ? _keyArrays.Fill(keyBytes.Span) : null;
        var valueArray = value is { } valueBytes ? _valueArrays.Fill(valueBytes.Span) : null;
        return ProduceAsync(partition, keyArray, valueArray, headers, cancellationToken);
    }

    /// <summary>
    /// Hands one record to librdkafka for <paramref name="partition"/>. Waits while librdkafka's queue is full. Failures
    /// surface from <see cref="WaitForDeliveriesAsync"/> (or at once for records Kafka can never take).
    /// </summary>
    public async ValueTask ProduceAsync(TopicPartition partition, byte[]? key, byte[]? value, Headers? headers, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        // One message object for every call: Confluent.Kafka reads it during Produce and keeps none of it (delivery
        // reports carry neither key nor value, see KafkaClientConfig), and librdkafka has copied the bytes by then.
        var message = _message;
        message.Key = key;
        message.Value = value;
        message.Headers = headers;
        var deliveries = Deliveries(partition);
        while (true)
        {
            _produced++;
            try
            {
                _producer.Produce(partition, message, deliveries.OnDelivery);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                _produced--;
                // librdkafka's buffer is full: wait for deliveries to make room. Not a busy loop: 1 ms steps.
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                ThrowIfFailed();
            }
            catch (ProduceException<byte[]?, byte[]?> ex)
            {
                _produced--;
                throw new KafkaSinkException(SinkFailure.Kafka,
                    $"Kafka refused a record for {partition.Topic} ({(value?.Length ?? 0) + (key?.Length ?? 0)} bytes): {ex.Error.Reason} ({ex.Error.Code}).", ex);
            }
            catch (KafkaException ex)
            {
                _produced--;
                throw Fatal("Produce failed", ex.Error, ex);
            }
        }
    }

    /// <summary>The delivery tracking of one partition, made on its first record.</summary>
    private PartitionDeliveries Deliveries(TopicPartition partition)
    {
        // Records of one table arrive together: the last topic's partitions are an array lookup.
        var index = partition.Partition.Value;
        if (ReferenceEquals(partition.Topic, _lastTopic) && (uint)index < (uint)_lastTopicPartitions.Length && _lastTopicPartitions[index] is { } cached)
            return cached;
        if (!_partitions.TryGetValue(partition, out var deliveries))
        {
            deliveries = new PartitionDeliveries(this, partition);
            _partitions[partition] = deliveries;
            _partitionList.Add(deliveries);
        }
        if (!ReferenceEquals(partition.Topic, _lastTopic))
        {
            _lastTopic = partition.Topic;
            Array.Clear(_lastTopicPartitions);
        }
        if (index >= 0 && index < 4096)
        {
            if (index >= _lastTopicPartitions.Length)
                Array.Resize(ref _lastTopicPartitions, Math.Max(index + 1, _lastTopicPartitions.Length * 2));
            _lastTopicPartitions[index] = deliveries;
        }
        return deliveries;
    }

    /// <summary>
    /// Waits until every record produced so far has its delivery report. Throws <see cref="KafkaSinkException"/> when
    /// any delivery failed or the producer hit a fatal error.
    /// </summary>
    public async Task WaitForDeliveriesAsync(CancellationToken cancellationToken)
    {
        await WaitForReportsAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfFailed();
    }

    private async Task WaitForReportsAsync(CancellationToken cancellationToken)
    {
        // Only the sink's loop produces and waits, so _produced is stable here.
        var target = _produced;
        while (true)
        {
            if (Volatile.Read(ref _delivered) >= target)
                return;
            Task wait;
            lock (_lock)
            {
                if (_fatalError is not null)
                    return;
                _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _drained.Task;
                // Published with a full fence before _delivered is read again: a report counted after that read sees
                // the target and wakes this waiter (OnDelivered increments with a full fence before reading it).
                Interlocked.Exchange(ref _waitTarget, target);
            }
            if (Volatile.Read(ref _delivered) >= target)
            {
                lock (_lock)
                {
                    _waitTarget = long.MaxValue;
                    _drained = null;
                }
                return;
            }
            try
            {
                // Delivery reports always come (librdkafka fails a message after message.timeout.ms); this timeout only
                // guards against a wedged client.
                await wait.WaitAsync(_timeout + _timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                throw new KafkaSinkException(SinkFailure.Kafka,
                    $"{target - Volatile.Read(ref _delivered)} records got no delivery report within {(_timeout + _timeout).TotalSeconds:0} s.", ex);
            }
        }
    }

    /// <summary>Delivered end offsets (last offset + 1) of the partitions that got reports since the last call.</summary>
    public Dictionary<TopicPartition, long> TakeDeliveredEnds()
    {
        var result = new Dictionary<TopicPartition, long>();
        foreach (var deliveries in _partitionList)
        {
            if (deliveries.TakeEnd() is { } end)
                result[deliveries.Partition] = end;
        }
        return result;
    }

    /// <summary>Partition count of <paramref name="topic"/>, asking the broker to create it when it does not exist.</summary>
    public Task<int> GetPartitionCountAsync(string topic, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var deadline = DateTime.UtcNow + _timeout;
        var delay = TimeSpan.FromMilliseconds(50);
        string? problem;
        while (true)
        {
            try
            {
                // A metadata request for one topic from a producer lets the broker auto-create it.
                var metadata = _admin.GetMetadata(topic, _timeout);
                var entry = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
                if (entry is not null && entry.Error.Code == ErrorCode.NoError && entry.Partitions.Count > 0)
                    return entry.Partitions.Count;
                problem = entry is null ? "no metadata" : $"{entry.Error.Reason} ({entry.Error.Code})";
            }
            catch (KafkaException ex)
            {
                problem = $"{ex.Error.Reason} ({ex.Error.Code})";
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new KafkaSinkException(SinkFailure.Kafka,
                    $"Topic {topic} is not available: {problem}. Create it, or enable auto.create.topics.enable on the brokers.");
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }, cancellationToken);

    /// <summary>True when the topic exists (no auto-creation).</summary>
    public bool TopicExists(string topic)
    {
        var metadata = _admin.GetMetadata(_timeout);
        return metadata.Topics.Any(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
    }

    /// <summary>Creates a compacted single-partition topic; returns null on success or the reason it failed.</summary>
    public async Task<string?> TryCreateCompactedTopicAsync(string topic, short replicationFactor)
    {
        try
        {
            var specification = new Confluent.Kafka.Admin.TopicSpecification
            {
                Name = topic,
                NumPartitions = 1,
                ReplicationFactor = replicationFactor,
                Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
            };
            // Brokers answer CreateTopics at once; a cluster without the API (librdkafka's mock) would only time out.
            var wait = TimeSpan.FromMilliseconds(Math.Min(_timeout.TotalMilliseconds, 5_000));
            await _admin.CreateTopicsAsync([specification], new Confluent.Kafka.Admin.CreateTopicsOptions { RequestTimeout = wait, OperationTimeout = wait }).ConfigureAwait(false);
            return null;
        }
        catch (Confluent.Kafka.Admin.CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
            return null;
        }
        catch (Confluent.Kafka.Admin.CreateTopicsException ex)
        {
            return string.Join("; ", ex.Results.Select(r => $"{r.Error.Reason} ({r.Error.Code})"));
        }
        catch (KafkaException ex)
        {
            return $"{ex.Error.Reason} ({ex.Error.Code})";
        }
    }

    /// <summary>Low and high watermark of a partition, asked of the broker.</summary>
    public WatermarkOffsets QueryWatermarks(TopicPartition partition)
    {
        try
        {
            return _consumer.QueryWatermarkOffsets(partition, _timeout);
        }
        catch (KafkaException ex)
        {
            throw new KafkaSinkException(SinkFailure.Kafka, $"Reading the end offset of {partition} failed: {ex.Error.Reason} ({ex.Error.Code}).", ex);
        }
    }

    /// <summary>Throws when a delivery failed or the producer reported a fatal error.</summary>
    public void ThrowIfFailed()
    {
        Error? fatal;
        string? delivery;
        lock (_lock)
        {
            fatal = _fatalError;
            delivery = _deliveryError;
        }
        if (fatal is not null)
            throw Fatal("The Kafka producer hit a fatal error", fatal, null);
        if (delivery is not null)
            throw new KafkaSinkException(SinkFailure.Kafka, delivery + " Nothing after the last checkpoint is lost: the next start reads back what was written and continues.");
    }

    public void Dispose()
    {
        try
        {
            if (_inTransaction && _fatalError is null)
                _producer.AbortTransaction(_timeout);
            else
                _producer.Flush(TimeSpan.FromSeconds(5));
        }
        catch (KafkaException)
        {
            // Best effort: nothing unacknowledged was checkpointed, and the next InitTransactions aborts an open transaction.
        }
        _consumer.Close();
        _consumer.Dispose();
        _admin.Dispose();
        _producer.Dispose();
    }

    /// <summary>Counts one delivery report (from a report callback) and wakes a waiter whose target it reaches.</summary>
    private void OnDelivered()
    {
        var delivered = Interlocked.Increment(ref _delivered);
        if (delivered >= Volatile.Read(ref _waitTarget))
        {
            lock (_lock)
            {
                if (delivered >= _waitTarget && _drained is { } drained)
                {
                    _waitTarget = long.MaxValue;
                    _drained = null;
                    drained.TrySetResult();
                }
            }
        }
    }

    private void OnDeliveryFailed(TopicPartition partition, Error error)
    {
        lock (_lock)
            _deliveryError ??= $"Delivery to {partition} failed: {error.Reason} ({error.Code}).";
    }

    private void OnError(Error error)
    {
        ErrorReported?.Invoke();
        if (error.IsFatal)
        {
            lock (_lock)
            {
                _fatalError ??= error;
                _drained?.TrySetResult();
            }
        }
        // librdkafka repeats transient errors (a refused connection) at every attempt: one line per code per window.
        var held = 0;
        if (error.IsFatal || _repeats.ShouldLog("error:" + error.Code.ToString(), out held))
            Log.KafkaError(_logger, error.Reason + HeldBack(held), error.Code.ToString());
    }

    private static string HeldBack(int held) => held == 0
        ? ""
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $" ({held} more like it in the last {RepeatWindow.TotalSeconds:0} s not logged)");

    private void OnLog(LogMessage message)
    {
        // librdkafka reports transient trouble (a refused connection) as errors and recovers by itself; real failures
        // reach the sink as fatal errors or failed deliveries, so its own lines are at most warnings.
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error or SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        if (level == LogLevel.Warning)
        {
            // Per client and facility (FAIL, ERROR, …): the messages themselves differ by broker and attempt.
            if (!_logger.IsEnabled(level) || !_repeats.ShouldLog("log:" + message.Name + ":" + message.Facility, out var held))
                return;
            var text = message.Message + HeldBack(held);
            Log.Librdkafka(_logger, level, message.Name, message.Facility, text);
            return;
        }
        Log.Librdkafka(_logger, level, message.Name, message.Facility, message.Message);
    }

    private static KafkaSinkException Fatal(string what, Error error, Exception? inner)
    {
        var fenced = error.Code is ErrorCode.Local_Fenced or ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch;
        var message = fenced
            ? $"{what}: this instance was fenced ({error.Reason}): another sink with the same transactional.id has started. Only one instance may run per connector."
            : $"{what}: {error.Reason} ({error.Code}).";
        return new KafkaSinkException(SinkFailure.Kafka, message, inner);
    }

    /// <summary>
    /// Delivery tracking of one partition: its report callback (one delegate per partition, so a report needs no
    /// lookup) and the highest delivered end offset. Reports arrive on librdkafka's poll thread, or on a thread inside
    /// a flush or commit: the end is raised with compare-and-swap, and only failures take the lock.
    /// </summary>
    private sealed class PartitionDeliveries
    {
        private readonly KafkaClients _owner;
        private long _end = -1;
        private long _taken = -1;

        public PartitionDeliveries(KafkaClients owner, TopicPartition partition)
        {
            _owner = owner;
            Partition = partition;
            OnDelivery = Report;
        }

        public TopicPartition Partition { get; }

        public Action<DeliveryReport<byte[]?, byte[]?>> OnDelivery { get; }

        /// <summary>The delivered end offset when it moved since the last call (sink's loop only).</summary>
        public long? TakeEnd()
        {
            var end = Volatile.Read(ref _end);
            if (end <= _taken)
                return null;
            _taken = end;
            return end;
        }

        private void Report(DeliveryReport<byte[]?, byte[]?> report)
        {
            var error = report.Error;
            if (error.IsError)
            {
                _owner.OnDeliveryFailed(Partition, error);
            }
            else
            {
                var end = report.Offset.Value + 1;
                var known = Volatile.Read(ref _end);
                while (end > known)
                {
                    var seen = Interlocked.CompareExchange(ref _end, end, known);
                    if (seen == known)
                        break;
                    known = seen;
                }
            }
            _owner.OnDelivered();
        }
    }
}
