using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Binlogdata;
using Confluent.Kafka;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Kafka.Checkpoints;
using VGate.Kafka.Events;
using VGate.Kafka.Gateway;
using VGate.Kafka.Logging;
using VGate.Kafka.Metrics;
using VGate.Kafka.Positions;
using VGate.Kafka.Producing;
using VGate.Kafka.Recovery;

namespace VGate.Kafka.Sink;

/// <summary>
/// The Kafka sink: subscribes to a VStream (VGate or vtgate) as an ordinary client, turns events into Debezium-style
/// records (<see cref="DebeziumEventBuilder"/>) and writes them to Kafka exactly once across crashes.
/// </summary>
/// <remarks>
/// <para><b>Batches and checkpoints.</b> Records of whole source transactions are produced as they arrive. A batch ends
/// when no more data is waiting, or after <see cref="KafkaSinkOptions.MaxBatchRecords"/> records or
/// <see cref="KafkaSinkOptions.MaxBatchDelayMs"/>. Then the sink waits for every delivery report, writes a checkpoint (the
/// VGTID plus the end offset of every partition it writes to) to the offsets topic and, with
/// <see cref="KafkaSinkOptions.Transactional"/>, commits the Kafka transaction holding the batch and its checkpoint.</para>
/// <para><b>Restart.</b> The sink reads its newest checkpoint, reads back every partition from the checkpoint's offsets
/// to the end, and resumes the stream from the checkpoint's VGTID; replayed records found in the read-back (by their
/// position header, <see cref="PositionHeaders"/>) are skipped. This makes a kill at any moment exact even without
/// broker transactions. Before the first record goes to a topic, the topic's partitions are added to the checkpoint
/// (a "registration" record with the unchanged VGTID), so no write can land outside the read-back range.</para>
/// <para><b>Failures.</b> A failed delivery or a fatal producer error stops the sink with <see cref="KafkaSinkException"/>
/// before anything unacknowledged is checkpointed. A gateway disconnect ends the current batch cleanly and reconnects,
/// with exponential back-off, from the last position whose records are all in Kafka.</para>
/// </remarks>
public sealed class KafkaSink
{
    /// <summary>Responses received from the gateway that may wait for the producer.</summary>
    private const int ReceiveQueueCapacity = 16;

    private readonly KafkaSinkOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, int> _partitionCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TopicPartition[]> _topicPartitions = new(StringComparer.Ordinal);
    private string? _lastTopic;
    private TopicPartition[] _lastTopicPartitions = [];
    private readonly List<long> _batchTransactions = [];
    private readonly PositionHeaderWriter _positionHeaders;
    private DebeziumEventOptions? _eventOptions;
    private VGtid _start = new();
    private KafkaClients? _kafka;
    private CheckpointStore? _store;
    private Checkpoint? _checkpoint;
    private Dictionary<TopicPartition, long> _ends = [];
    private VGtid? _position;
    private bool _positionDirty;
    private DedupeIndex? _dedupe;
    private int _batchRecords;
    private long _batchStarted;
    private long _lastCheckpointAt;
    private VGtid? _transactionVgtid;
    private bool _sessionReceived;
    private SinkMetrics? _metrics;

    /// <summary>Newest source commit time (VEvent timestamp, seconds) among the transactions of the open batch; 0 for none.</summary>
    private long _batchSourceTimestamp;

    /// <summary>The producer's <c>message.max.bytes</c> (librdkafka's default unless set under <c>Kafka</c>).</summary>
    private int _maxRecordBytes = 1_000_000;

    /// <summary>Creates a sink; nothing connects until <see cref="RunAsync"/>.</summary>
    public KafkaSink(KafkaSinkOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<KafkaSink>();
        _time = timeProvider ?? TimeProvider.System;
        _positionHeaders = new PositionHeaderWriter(options.EffectiveConnectorName);
    }

    /// <summary>Live counters.</summary>
    public SinkStatistics Statistics { get; } = new();

    /// <summary>
    /// Test hook, called at "produced" (after each record is handed to Kafka) and "before-checkpoint" (deliveries done,
    /// checkpoint not yet written). An exception thrown here stops the sink at that point, like a crash.
    /// </summary>
    internal Action<string>? FaultInjection { get; set; }

    /// <summary>Where <see cref="KafkaSinkOptions.MetricsListen"/> serves, once the sink runs with it; null otherwise.</summary>
    public System.Net.IPEndPoint? MetricsEndPoint { get; private set; }

    /// <summary>The newest checkpoint written or read (thread-safe).</summary>
    public Checkpoint? LastCheckpoint => Volatile.Read(ref _checkpoint);

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled (then it ends the current batch with a checkpoint
    /// and returns) or a failure stops it (<see cref="KafkaSinkException"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var errors = SinkSettings.Validate(_options);
        if (errors.Count > 0)
            throw new KafkaSinkException(SinkFailure.Configuration, "Invalid configuration: " + string.Join(" ", errors));
        _eventOptions = SinkSettings.EventOptions(_options, _time);
        _start = SinkSettings.StartPosition(_options);
        if (KafkaClientConfig.UserSettings(_options).TryGetValue("message.max.bytes", out var maxRecordBytes))
            _maxRecordBytes = int.Parse(maxRecordBytes, CultureInfo.InvariantCulture);
        var bootstrap = KafkaClientConfig.UserSettings(_options)["bootstrap.servers"];
        Log.Starting(_logger, _options.EffectiveConnectorName, _options.Gateway!, _options.Keyspace!, bootstrap, _options.OffsetsTopic, _options.Transactional);

        using var metrics = new SinkMetrics(_options.EffectiveConnectorName, Statistics, _time);
        _metrics = metrics;
        var endpoint = StartMetricsEndpoint();
        using var kafka = CreateClients();
        kafka.ErrorReported = () => metrics.RecordError("kafka");
        using var source = CreateSource();
        _kafka = kafka;
        _store = new CheckpointStore(kafka, _options, _logger);
        using var stopStatus = new CancellationTokenSource();
        var status = ReportProgressAsync(stopStatus.Token);
        try
        {
            if (_options.Transactional)
            {
                await kafka.InitTransactionsAsync().ConfigureAwait(false);
                Log.TransactionsInitialised(_logger, _options.EffectiveTransactionalId);
            }
            await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
            await RecoverAsync(cancellationToken).ConfigureAwait(false);
            await StreamLoopAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled while starting: nothing was produced yet that needs a checkpoint.
        }
        finally
        {
            await stopStatus.CancelAsync().ConfigureAwait(false);
            await status.ConfigureAwait(false);
            _kafka = null;
            if (endpoint is not null)
                await endpoint.DisposeAsync().ConfigureAwait(false);
            MetricsEndPoint = null;
        }
    }

    private MetricsEndpoint? StartMetricsEndpoint()
    {
        if (string.IsNullOrEmpty(_options.MetricsListen))
            return null;
        try
        {
            var endpoint = MetricsEndpoint.Start(_options.MetricsListen, _logger);
            MetricsEndPoint = endpoint.EndPoint;
            Log.MetricsListening(_logger, endpoint.EndPoint.ToString());
            return endpoint;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
        {
            throw new KafkaSinkException(SinkFailure.Configuration, $"Cannot serve metrics on MetricsListen '{_options.MetricsListen}': {ex.Message}", ex);
        }
    }

    private KafkaClients CreateClients()
    {
        try
        {
            return new KafkaClients(_options, _loggerFactory);
        }
        catch (Exception ex) when (ex is ArgumentException or KafkaException or InvalidOperationException)
        {
            throw new KafkaSinkException(SinkFailure.Configuration, $"Invalid Kafka settings: {ex.Message}", ex);
        }
    }

    private VStreamSource CreateSource()
    {
        try
        {
            return new VStreamSource(_options);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UriFormatException or ArgumentException)
        {
            throw new KafkaSinkException(SinkFailure.Configuration, $"Invalid gateway settings: {ex.Message}", ex);
        }
    }

    private async Task StreamLoopAsync(VStreamSource source, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var delay = _options.ReconnectInitialDelayMs;
        while (true)
        {
            var sessionStart = Statistics.Transactions + Statistics.RecordsSkipped;
            try
            {
                await StreamOnceAsync(source, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await EndBatchAsync(force: true, CancellationToken.None).ConfigureAwait(false);
                Log.Stopped(_logger, _checkpoint?.Sequence ?? 0, _checkpoint is null ? "-" : VGtidJson.Format(_checkpoint.Vgtid));
                return;
            }
            catch (TransactionAbortedException ex)
            {
                _metrics!.RecordError("transaction_aborted");
                Log.TransactionAborted(_logger, ex.Message);
                await RecoverAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (GatewayStreamException ex)
            {
                _metrics!.RecordError("stream");
                // Everything produced so far belongs to complete transactions: make it durable before reconnecting.
                await EndBatchAsync(force: true, cancellationToken).ConfigureAwait(false);
                if (!GatewayErrors.IsRetriable(ex.InnerException!))
                {
                    throw new KafkaSinkException(SinkFailure.Gateway,
                        $"The gateway refused the stream: {GatewayErrors.Describe(ex.InnerException!)}. Last checkpoint: {(_checkpoint is null ? "none" : VGtidJson.Format(_checkpoint.Vgtid))}.",
                        ex.InnerException);
                }
                if (Statistics.Transactions + Statistics.RecordsSkipped > sessionStart || _sessionReceived)
                {
                    attempt = 0;
                    delay = _options.ReconnectInitialDelayMs;
                }
                attempt++;
                if (_options.ReconnectMaxAttempts > 0 && attempt > _options.ReconnectMaxAttempts)
                {
                    throw new KafkaSinkException(SinkFailure.Gateway,
                        $"The gateway stayed unreachable after {_options.ReconnectMaxAttempts} attempts: {GatewayErrors.Describe(ex.InnerException!)}.", ex.InnerException);
                }
                Log.GatewayRetry(_logger, GatewayErrors.Describe(ex.InnerException!), delay, attempt);
                Statistics.AddReconnect();
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(delay), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    Log.Stopped(_logger, _checkpoint?.Sequence ?? 0, _checkpoint is null ? "-" : VGtidJson.Format(_checkpoint.Vgtid));
                    return;
                }
                delay = Math.Min(Math.Max(1, delay * 2), _options.ReconnectMaxDelayMs);
            }
        }
    }

    /// <summary>One VStream call: returns only by exception (the stream always ends with one, or with cancellation).</summary>
    private async Task StreamOnceAsync(VStreamSource source, CancellationToken cancellationToken)
    {
        var resume = (_position ?? _checkpoint?.Vgtid ?? _start).Clone();
        using var builder = new DebeziumEventBuilder(_eventOptions!);
        _transactionVgtid = null;
        _sessionReceived = false;
        // Enough responses to keep the gRPC reader ahead of the producer; each holds up to a few hundred KB of parsed events
        // (VGate cuts responses at 256 KiB), which stay alive while they wait.
        var channel = Channel.CreateBounded<ReceivedResponse>(new BoundedChannelOptions(ReceiveQueueCapacity) { SingleReader = true, SingleWriter = true });
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Log.StreamOpened(_logger, source.Address, VGtidJson.Format(resume));
        var pump = source.PumpAsync(resume, channel.Writer, session.Token);
        try
        {
            var reader = channel.Reader;
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new GatewayStreamException(ex);
                }
                if (!more)
                    throw new GatewayStreamException(new RpcException(new Status(StatusCode.Unavailable, "the gateway ended the stream")));
                while (reader.TryRead(out var item))
                {
                    _sessionReceived = true;
                    foreach (var vevent in item.Response.Events)
                        await HandleEventAsync(builder, vevent, item.ReceivedAt, cancellationToken).ConfigureAwait(false);
                    _kafka!.ThrowIfFailed();
                }
                // Nothing else is waiting: commit now rather than hold records back (low latency when load is light;
                // under load the channel rarely runs dry and batches grow to their limits).
                await EndBatchAsync(force: false, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    private async ValueTask HandleEventAsync(DebeziumEventBuilder builder, VEvent vevent, long receivedAt, CancellationToken cancellationToken)
    {
        switch (vevent.Type)
        {
            case VEventType.Begin:
                _transactionVgtid = null;
                break;
            case VEventType.Vgtid:
                _transactionVgtid = vevent.Vgtid;
                break;
            case VEventType.Heartbeat when _batchTransactions.Count == 0 && _batchRecords == 0:
                _metrics?.RecordCaughtUp();
                break;
            case VEventType.CopyCompleted when _dedupe is not null && vevent.Keyspace.Length > 0:
                _dedupe.OnCopyCompleted(vevent.Keyspace + "/" + vevent.Shard);
                CheckRecoveryDone();
                break;
            default:
                break;
        }
        if (vevent.Type == VEventType.Commit && builder.TransactionSpilledBytes > 0)
            Statistics.AddSpilled(builder.TransactionSpilledBytes);
        // Copy-phase rows: committed with timestamp 0 while the shard's VGTID entry still lists tables being copied.
        var copyVgtid = vevent.Type == VEventType.Commit && vevent.Timestamp == 0 ? _transactionVgtid : null;
        try
        {
            builder.Feed(vevent);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not KafkaSinkException)
        {
            throw Unconvertible(vevent, ex);
        }
        var copy = copyVgtid is not null;
        while (true)
        {
            // Records are rendered one at a time into the builder's buffers and produced from there: a transaction's
            // records never all exist at once, and none gets arrays of its own.
            RecordView record;
            try
            {
                if (!builder.TryRenderNext(out record))
                    break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not KafkaSinkException)
            {
                throw Unconvertible(vevent, ex);
            }
            await WriteRecordAsync(record, copy && IsCopying(copyVgtid!, record.Position), cancellationToken).ConfigureAwait(false);
        }
        if (vevent.Type is VEventType.Commit or VEventType.Ddl or VEventType.Other)
        {
            _transactionVgtid = null;
            if (builder.Position is { } position)
            {
                _batchSourceTimestamp = Math.Max(_batchSourceTimestamp, vevent.Timestamp);
                await OnPositionAsync(position, receivedAt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static KafkaSinkException Unconvertible(VEvent vevent, Exception ex) =>
        new(SinkFailure.Gateway,
            $"The gateway sent a {vevent.Type} event ({vevent.Keyspace}/{vevent.Shard}) that cannot be turned into records: {ex.Message}", ex);

    private async ValueTask OnPositionAsync(VGtid position, long receivedAt, CancellationToken cancellationToken)
    {
        _position = position;
        _positionDirty = true;
        _batchTransactions.Add(receivedAt);
        if (_batchStarted == 0)
            _batchStarted = Stopwatch.GetTimestamp();
        // A shard that was at "current" now has a real position: checkpoint it before any of its records, or a crash
        // would restart at a later "current" and skip what happened in between.
        var force = ResolvesCurrent(_checkpoint?.Vgtid ?? _start, position);
        if (force || _batchRecords >= _options.MaxBatchRecords || Stopwatch.GetElapsedTime(_batchStarted).TotalMilliseconds >= _options.MaxBatchDelayMs)
            await EndBatchAsync(force, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteRecordAsync(RecordView record, bool copy, CancellationToken cancellationToken)
    {
        var partitions = await TopicPartitionsAsync(record.Topic, cancellationToken).ConfigureAwait(false);
        // Heartbeats go to partition 0, as Debezium's do; everything else by key.
        var partition = partitions[record.Position.Kind == RecordKind.Heartbeat ? 0 : KafkaPartitioner.Partition(record.Key.GetValueOrDefault().Span, partitions.Length, record.Key is null)];
        var headers = PositionHeaders.Create(_positionHeaders, record.Position, copy, record.Headers);
        if (RecordBytes(record, headers) is var size && size > _maxRecordBytes && !KeepOversize(record, size))
            return;
        if (_dedupe is not null)
        {
            if (RecordIdentity.Of(record.Position, copy, record.Topic, record.Key) is { } identity && _dedupe.TryMatch(identity))
            {
                Statistics.AddSkipped();
                CheckRecoveryDone();
                return;
            }
            _dedupe.OnWritten(partition, record.Position.Keyspace + "/" + record.Position.Shard, copy);
            CheckRecoveryDone();
        }
        _kafka!.EnsureTransaction();
        if (_batchStarted == 0)
            _batchStarted = Stopwatch.GetTimestamp();
        await _kafka.ProduceAsync(partition, record.Key, record.Value, headers, cancellationToken).ConfigureAwait(false);
        _batchRecords++;
        FaultInjection?.Invoke("produced");
    }

    /// <summary>What librdkafka weighs against <c>message.max.bytes</c>: key, value and headers.</summary>
    private static int RecordBytes(RecordView record, Headers? headers)
    {
        var size = (record.Key?.Length ?? 0) + (record.Value?.Length ?? 0);
        if (headers is not null)
        {
            foreach (var header in headers)
                size += header.Key.Length + (header.GetValueBytes()?.Length ?? 0);
        }
        return size;
    }

    /// <summary>
    /// A record Kafka would refuse (over <c>message.max.bytes</c>), found before it is produced so that nothing of it
    /// reaches the transaction: stops the sink with an error naming it, or with <c>OversizeRecords=skip</c> logs and counts
    /// it and returns false to leave it out.
    /// </summary>
    private bool KeepOversize(RecordView record, int size)
    {
        var key = record.Key is { } keyBytes ? Encoding.UTF8.GetString(keyBytes.Span) : "(none)";
        // Long enough for a key with its Connect schema (the payload comes last).
        if (key.Length > 1000)
            key = key[..1000] + "…";
        var position = record.Position;
        if (_options.OversizeRecords == "skip")
        {
            Log.OversizeRecordSkipped(_logger, size, record.Topic, key, position.Keyspace, position.Shard, position.Gtid, _maxRecordBytes);
            Statistics.AddOversize();
            return false;
        }
        throw new KafkaSinkException(SinkFailure.Kafka,
            $"A record for {record.Topic} with key {key} (from {position.Keyspace}/{position.Shard} at {position.Gtid}) is {size} bytes, " +
            $"over the producer's message.max.bytes ({_maxRecordBytes}); Kafka cannot take it, and a restart would stop here again. " +
            "Raise Kafka:message.max.bytes (and the topic's max.message.bytes on the brokers), or set OversizeRecords=skip " +
            "(--oversize-records skip) to leave such records out (logged, counted).");
    }

    /// <summary>
    /// The partitions of a topic, one <see cref="TopicPartition"/> each, made once per topic (records of one table
    /// follow each other, so the last topic is compared by reference first).
    /// </summary>
    private async ValueTask<TopicPartition[]> TopicPartitionsAsync(string topic, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(topic, _lastTopic))
            return _lastTopicPartitions;
        if (!_topicPartitions.TryGetValue(topic, out var partitions))
        {
            var count = await PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false);
            partitions = [.. Enumerable.Range(0, count).Select(p => new TopicPartition(topic, p))];
            _topicPartitions[topic] = partitions;
        }
        _lastTopic = topic;
        _lastTopicPartitions = partitions;
        return partitions;
    }

    /// <summary>Partition count of a topic; the first time, adds any partition unknown to the checkpoint (registration).</summary>
    private async ValueTask<int> PartitionCountAsync(string topic, CancellationToken cancellationToken)
    {
        if (_partitionCounts.TryGetValue(topic, out var count))
            return count;
        count = await _kafka!.GetPartitionCountAsync(topic, cancellationToken).ConfigureAwait(false);
        var missing = Enumerable.Range(0, count).Select(p => new TopicPartition(topic, p)).Where(p => !_ends.ContainsKey(p)).ToList();
        if (missing.Count > 0)
            await RegisterAsync(topic, missing, cancellationToken).ConfigureAwait(false);
        _partitionCounts[topic] = count;
        return count;
    }

    /// <summary>
    /// Re-writes the last checkpoint with <paramref name="partitions"/> added at their current end, and waits for it,
    /// before anything is produced to them: a crash after that finds these partitions in the read-back range.
    /// </summary>
    private async Task RegisterAsync(string topic, List<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        _kafka!.EnsureTransaction();
        var offsets = new Dictionary<TopicPartition, long>(_checkpoint?.EndOffsets ?? new Dictionary<TopicPartition, long>());
        foreach (var partition in partitions)
        {
            var high = (await Task.Run(() => _kafka.QueryWatermarks(partition), cancellationToken).ConfigureAwait(false)).High.Value;
            offsets[partition] = high;
            _ends[partition] = high;
        }
        var registration = new Checkpoint((_checkpoint?.Vgtid ?? _start).Clone(), offsets, (_checkpoint?.Sequence ?? 0) + 1, _time.GetUtcNow().ToUnixTimeMilliseconds());
        await _store!.WriteAsync(registration, cancellationToken).ConfigureAwait(false);
        await _kafka.WaitForDeliveriesAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _checkpoint, registration);
        Log.TopicRegistered(_logger, topic, partitions.Count);
    }

    /// <summary>
    /// Ends the batch: waits for all delivery reports, writes the checkpoint (unless a recovery is still matching
    /// records, or only the position moved and <paramref name="force"/> is false and one was written recently), and
    /// commits the Kafka transaction.
    /// </summary>
    private async Task EndBatchAsync(bool force, CancellationToken cancellationToken)
    {
        var kafka = _kafka!;
        if (_batchRecords == 0 && !_positionDirty && !kafka.InTransaction)
            return;
        var positionOnlyDue = force || Stopwatch.GetElapsedTime(_lastCheckpointAt).TotalMilliseconds >= _options.MaxBatchDelayMs;
        if (_batchRecords == 0 && !kafka.InTransaction && !positionOnlyDue)
            return;
        await kafka.WaitForDeliveriesAsync(cancellationToken).ConfigureAwait(false);
        MergeDeliveredEnds();
        Checkpoint? written = null;
        if (_dedupe is null && _position is not null && _positionDirty && (_batchRecords > 0 || positionOnlyDue))
        {
            FaultInjection?.Invoke("before-checkpoint");
            written = new Checkpoint(_position.Clone(), new Dictionary<TopicPartition, long>(_ends), (_checkpoint?.Sequence ?? 0) + 1, _time.GetUtcNow().ToUnixTimeMilliseconds());
            kafka.EnsureTransaction();
            await _store!.WriteAsync(written, cancellationToken).ConfigureAwait(false);
            await kafka.WaitForDeliveriesAsync(cancellationToken).ConfigureAwait(false);
            MergeDeliveredEnds();
        }
        await kafka.CommitTransactionAsync(cancellationToken).ConfigureAwait(false);

        if (written is not null)
        {
            Volatile.Write(ref _checkpoint, written);
            _positionDirty = false;
            _lastCheckpointAt = Stopwatch.GetTimestamp();
            Statistics.AddCheckpoint();
            Log.CheckpointWritten(_logger, written.Sequence, _batchRecords, VGtidJson.Format(written.Vgtid));
        }
        foreach (var receivedAt in _batchTransactions)
        {
            var latency = Stopwatch.GetElapsedTime(receivedAt);
            Statistics.CommitLatency.Record(latency.TotalMilliseconds);
            _metrics?.RecordCommit(latency.TotalSeconds);
        }
        _metrics?.RecordCommittedSourceTime(_batchSourceTimestamp);
        _batchSourceTimestamp = 0;
        Statistics.AddTransactions(_batchTransactions.Count);
        Statistics.AddWritten(_batchRecords);
        if (_batchRecords > 0 || written is not null)
            Statistics.AddBatch();
        _batchTransactions.Clear();
        _batchRecords = 0;
        _batchStarted = 0;
    }

    private void MergeDeliveredEnds()
    {
        foreach (var (partition, end) in _kafka!.TakeDeliveredEnds())
        {
            // The offsets topic is not data: never read it back.
            if (partition.Topic == _options.OffsetsTopic)
                continue;
            if (!_ends.TryGetValue(partition, out var known) || known < end)
                _ends[partition] = end;
        }
    }

    /// <summary>Loads the newest checkpoint and reads back what was written after it.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        _partitionCounts.Clear();
        _topicPartitions.Clear();
        _lastTopic = null;
        _lastTopicPartitions = [];
        _batchTransactions.Clear();
        _batchRecords = 0;
        _batchStarted = 0;
        _batchSourceTimestamp = 0;
        _kafka!.TakeDeliveredEnds();
        var checkpoint = await _store!.ReadLastAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _checkpoint, checkpoint);
        _positionDirty = false;
        if (checkpoint is null)
        {
            Log.NoCheckpoint(_logger, _options.EffectiveConnectorName, _options.OffsetsTopic, VGtidJson.Format(_start));
            _ends = [];
            _position = null;
            _dedupe = null;
            return;
        }
        Log.CheckpointLoaded(_logger, checkpoint.Sequence, checkpoint.EndOffsets.Count, VGtidJson.Format(checkpoint.Vgtid));
        _position = checkpoint.Vgtid;
        var result = await ReadBack.ScanAsync(_kafka, checkpoint.EndOffsets, _options.EffectiveConnectorName, _logger, cancellationToken).ConfigureAwait(false);
        _ends = result.Ends;
        _dedupe = result.Present.Count > 0 ? result.Present : null;
    }

    private void CheckRecoveryDone()
    {
        if (_dedupe is { Count: 0 } done)
        {
            Log.RecoveryComplete(_logger, done.Matched, done.Pruned);
            _dedupe = null;
        }
    }

    private static bool IsCopying(VGtid vgtid, RecordPosition position)
    {
        foreach (var shard in vgtid.ShardGtids)
        {
            if (shard.Keyspace == position.Keyspace && shard.Shard == position.Shard)
                return shard.TablePKs.Count > 0;
        }
        return false;
    }

    /// <summary>True when <paramref name="now"/> gives a real position to a shard that is "current" in <paramref name="checkpointed"/>.</summary>
    private static bool ResolvesCurrent(VGtid checkpointed, VGtid now)
    {
        if (!checkpointed.ShardGtids.Any(s => s.Gtid == "current"))
            return false;
        foreach (var shard in now.ShardGtids)
        {
            if (shard.Gtid == "current")
                continue;
            var before = checkpointed.ShardGtids.FirstOrDefault(s => s.Keyspace == shard.Keyspace && s.Shard == shard.Shard);
            if (before is null || before.Gtid == "current")
                return true;
        }
        return false;
    }

    private async Task ReportProgressAsync(CancellationToken cancellationToken)
    {
        if (_options.StatusIntervalSeconds <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.StatusIntervalSeconds), _time);
        var lastRecords = 0L;
        var last = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var records = Statistics.RecordsWritten;
                var seconds = Stopwatch.GetElapsedTime(last).TotalSeconds;
                last = Stopwatch.GetTimestamp();
                var checkpoint = LastCheckpoint;
                Log.Progress(_logger, records, (records - lastRecords) / Math.Max(seconds, 0.001), Statistics.Transactions, Statistics.Checkpoints,
                    Statistics.CommitLatency.Percentile(0.5), Statistics.CommitLatency.Percentile(0.99),
                    Environment.WorkingSet / (1024 * 1024), GC.GetTotalMemory(false) / (1024 * 1024), GC.GetGCMemoryInfo().TotalCommittedBytes / (1024 * 1024),
                    checkpoint is null ? "-" : VGtidJson.Format(checkpoint.Vgtid));
                lastRecords = records;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>The VStream call failed or ended; the inner exception says why.</summary>
    private sealed class GatewayStreamException(Exception inner) : Exception(inner.Message, inner);
}
