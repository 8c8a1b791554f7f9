using System.Runtime.CompilerServices;
using Binlogdata;
using Microsoft.Extensions.Logging;
using VGate.Gateway.Logging;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.MySql.Positions;
using VGate.VStreamer;

namespace VGate.Gateway.Hub;

/// <summary>
/// One shared binlog reader of a shard stream (one <see cref="HubKey"/>) and a bounded ring of the batches it read. Attached
/// subscribers (<see cref="HubCursor"/>s) replay the ring from their own position; the reader keeps at most
/// <see cref="FanOutOptions.RingBytes"/> in the ring and never more than that ahead of the fastest subscriber.
/// </summary>
/// <remarks>
/// <para><b>Positions.</b> A batch that ends outside a transaction is a boundary; its last GTID event gives the position after
/// it. The ring indexes those positions (compared as GTID sets, not as text), so a subscriber at position P attaches right
/// after the boundary whose position equals P and gets exactly the transactions after P. The hub's start position is a
/// boundary too.</para>
/// <para><b>Slow subscribers.</b> When the ring is full, the oldest entry is dropped once the fastest subscriber has read it;
/// subscribers that still needed it are detached and continue on their own connection (see
/// <see cref="FanOutShardStreamFactory"/>). While even the fastest has not read it, the reader waits: the hub reads no faster
/// than its fastest subscriber.</para>
/// <para><b>Failover.</b> The reader reopens its stream after retriable errors on another source, from the last boundary,
/// as a session would (<see cref="RetryPolicy"/>, <see cref="GatewayOptions.MaxConsecutiveShardFailures"/>). Entries of a
/// transaction cut short are removed; subscribers that had read some of them get UNAVAILABLE and reopen at their own last
/// position (normally onto this hub again). When the retries are used up, or on a fatal error, every attached subscriber gets
/// the error.</para>
/// <para><b>Lifetime.</b> The hub closes its reader <see cref="FanOutOptions.Linger"/> after its last subscriber left.</para>
/// <para>Locking: <see cref="_lock"/> guards all state below it; the registry's lock may be held while taking it, never the
/// other way round.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "_stop has no timer or linked registration to release; it is cancelled when the hub ends, and the linger, " +
    "CloseAsync and the reader's end may race, so it is left to the garbage collector rather than disposed under one of them.")]
internal sealed class ShardHub
{
    /// <summary>
    /// What an event is accounted in the ring is an estimate of the memory it keeps alive, not its serialized size: the
    /// message objects (VEvent, RowEvent, RowChange, Row, the lengths list, the value bytes: two to three times the serialized
    /// size plus about 400 bytes of object headers for a row) and the encoding the streams cache on it (once more the size).
    /// A ROW event from the binlog is born encoded (<see cref="VEvent.HasEncodedRowChanges"/>): its encoding, possibly a
    /// second form (with or without the keyspace prefix) framed on demand, and a few small objects (VEvent, RowEvent). Counting serialized bytes alone let a 64 MiB ring keep over 500 MB alive (bench/results/README-history-until-2026-12-07.md, end-to-end
    /// throughput).
    /// </summary>
    private const long EntryOverhead = 128;
    private const long EventOverhead = 400;
    private const long BytesPerSerializedByte = 4;
    private const long EncodedRowEventOverhead = 200;
    private const long BytesPerEncodedRowByte = 3;

    private readonly IShardStreamFactory _inner;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<ShardHub> _onEnded;
    private readonly HubWakeClock? _wakeClock;
    private readonly string _startText;
    private readonly CancellationTokenSource _stop = new();
    private readonly KeyValuePair<string, object?>[] _tags;

    private readonly object _lock = new();
    private readonly EntryRing _ring = new();
    private readonly Dictionary<ReplicationPosition, long> _boundaries = [];
    private readonly Queue<(long NextSeq, ReplicationPosition Position)> _boundaryOrder = new();
    private readonly HashSet<HubCursor> _attached = [];
    private long _nextSeq;
    private long _ringBytes;

    /// <summary>The accounted bytes of every entry appended so far (less those withdrawn); see <see cref="HubEntry.End"/>.</summary>
    private long _appendedBytes;

    /// <summary>The first sequence number of the transaction being read (= <see cref="_nextSeq"/> between transactions).</summary>
    private long _transactionStartSeq;
    private bool _readerInTransaction;

    /// <summary>The position after the last boundary published, as the GTID event wrote it; null before the first (start at current).</summary>
    private string? _tailText;

    /// <summary><see cref="_tailText"/> parsed. Between transactions the tail itself is an exact attach point, even after the
    /// entry that ended there left the ring (an idle hub's ring slowly fills with heartbeats).</summary>
    private ReplicationPosition? _tailPosition;

    /// <summary>True when the last entry showed the reader at the source's end of log (a heartbeat, or the first batch at current).</summary>
    private bool _caughtUp;
    private TaskCompletionSource _appended = NewSignal();

    /// <summary>True while appended entries wait for the <see cref="HubWakeClock"/>'s next tick to wake the subscribers.</summary>
    private bool _wakeDeferred;
    private TaskCompletionSource? _spaceFreed;
    private Exception? _failure;
    private bool _closed;
    private int _lingerGeneration;
    private string? _source;
    private Task _reader = Task.CompletedTask;

    /// <summary>The reader's latest FIELD per table (reader task only).</summary>
    private readonly Dictionary<string, VEvent> _fields = new(StringComparer.Ordinal);

    /// <summary>The GTID text of the boundary being published (reader task only).</summary>
    private string? _pendingTailText;

    public ShardHub(
        HubKey key,
        Filter? filter,
        string startText,
        ReplicationPosition? start,
        IShardStreamFactory inner,
        GatewayOptions options,
        TimeProvider time,
        ILogger logger,
        Action<ShardHub> onEnded,
        HubWakeClock? wakeClock = null)
    {
        Key = key;
        Filter = filter;
        _inner = inner;
        _options = options;
        _time = time;
        _logger = logger;
        _onEnded = onEnded;
        _wakeClock = wakeClock;
        _startText = startText;
        _tags = [new("keyspace", key.Keyspace), new("shard", key.Shard)];
        if (start is { } position)
        {
            _tailText = startText;
            _tailPosition = position;
            AddBoundary(position, 0);
        }
    }

    public HubKey Key { get; }

    public Filter? Filter { get; }

    internal ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;

    /// <summary>The outcome of <see cref="TryAttach"/>.</summary>
    public enum AttachResult
    {
        Attached,

        /// <summary>The position is not in the ring (too old, too new, or not a boundary): read on your own connection.</summary>
        Outside,

        /// <summary>The hub has closed or failed: make a new one.</summary>
        Ended,
    }

    /// <summary>Starts the reader (once, after the creating subscriber attached).</summary>
    public void Start()
    {
        GatewayMetrics.HubReaders.Add(1);
        Log.HubStarted(_logger, Key.Keyspace, Key.Shard, _startText);
        _reader = Task.Run(() => ReadAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Attaches a subscriber whose next transaction is the one after <paramref name="position"/> (null: the source's current
    /// position, which a hub can serve only while it is caught up).
    /// </summary>
    public AttachResult TryAttach(ReplicationPosition? position, out HubCursor? cursor)
    {
        cursor = null;
        lock (_lock)
        {
            if (_closed || _failure is not null)
                return AttachResult.Ended;
            var headSeq = _ring.Count > 0 ? _ring.First.Seq : _nextSeq;
            if (position is { } wanted)
            {
                if (_boundaries.TryGetValue(wanted, out var next) && next >= headSeq && next <= _nextSeq)
                    cursor = new HubCursor(this, next, prefix: null);
                else if (!_readerInTransaction && _tailPosition is { } tail && tail.Equals(wanted))
                    cursor = new HubCursor(this, _nextSeq, prefix: null);
                else
                    return AttachResult.Outside;
            }
            else if (_tailText is null && _nextSeq == 0)
            {
                // Started at current and nothing read yet: the first batch will be the current position.
                cursor = new HubCursor(this, 0, prefix: null);
            }
            else if (_caughtUp && !_readerInTransaction && _tailText is not null)
            {
                // The reader is at the end of the source's log: its tail is the current position. Report it the way a
                // stream started at current does (GTID, OTHER), then continue from the tail.
                cursor = new HubCursor(this, _nextSeq, CurrentPositionBatch(_tailText));
            }
            else
            {
                return AttachResult.Outside;
            }

            _attached.Add(cursor);
            _lingerGeneration++;
        }
        GatewayMetrics.HubSubscribers.Add(1, Tags);
        GatewayMetrics.HubAttaches.Add(1, Tags);
        return AttachResult.Attached;
    }

    /// <summary>Closes the reader now (gateway shutdown); attached subscribers get UNAVAILABLE.</summary>
    public async Task CloseAsync()
    {
        lock (_lock)
        {
            _closed = true;
            WakeAll();
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until there are entries after <paramref name="cursor"/>'s position, then adds to <paramref name="entries"/>
    /// every one there is, in order, up to about <paramref name="maxBytes"/> (accounted bytes; at least one entry). False
    /// when the cursor was detached (it fell behind the ring).
    /// </summary>
    /// <remarks>Pooled state machine: every subscriber waits here once per wake-up.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<bool> ReadAsync(HubCursor cursor, List<HubEntry> entries, long maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task appended;
            lock (_lock)
            {
                if (cursor.Broken)
                {
                    throw VStreamException.Unavailable(
                        $"{Key.Keyspace}/{Key.Shard}: the shared reader lost its source in the middle of a transaction; reopening at the last position");
                }
                if (cursor.Detached)
                    return false;
                if (cursor.Next < _nextSeq)
                {
                    long bytes = 0;
                    do
                    {
                        var entry = _ring.BySeq(cursor.Next);
                        cursor.Next++;
                        entries.Add(entry);
                        bytes += entry.Bytes;
                    }
                    while (cursor.Next < _nextSeq && bytes < maxBytes);
                    if (_spaceFreed is { } waiting)
                    {
                        _spaceFreed = null;
                        waiting.TrySetResult();
                    }
                    return true;
                }
                if (_failure is { } failure)
                    throw CopyForSubscriber(failure);
                if (_closed)
                    throw VStreamException.Unavailable($"{Key.Keyspace}/{Key.Shard}: the shared reader was closed (the gateway is shutting down)");
                appended = _appended.Task;
            }
            await appended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A subscriber left (or was detached and let go): counts it out, and starts the linger when none is left.</summary>
    internal void Detach(HubCursor cursor)
    {
        lock (_lock)
        {
            if (!_attached.Remove(cursor))
                return;
            GatewayMetrics.HubSubscribers.Add(-1, Tags);
            StartLingerIfEmpty();
        }
    }

    /// <summary>When no subscriber is attached any more, closes the hub after the linger unless one attaches meanwhile.</summary>
    private void StartLingerIfEmpty()
    {
        if (_attached.Count > 0 || _closed || _failure is not null)
            return;
        var generation = ++_lingerGeneration;
        // Task.Run: never run the linger inline while the caller holds the lock.
        _ = Task.Run(() => LingerAsync(generation), CancellationToken.None);
    }

    private async Task LingerAsync(int generation)
    {
        try
        {
            if (_options.FanOut.Linger > TimeSpan.Zero)
                await Task.Delay(_options.FanOut.Linger, _time, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        lock (_lock)
        {
            if (_closed || _failure is not null || _attached.Count > 0 || generation != _lingerGeneration)
                return;
            _closed = true;
        }
        Log.HubClosed(_logger, Key.Keyspace, Key.Shard);
        _onEnded(this);
        await _stop.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>The reader: opens the shard stream, publishes its batches, and reopens it after retriable errors.</summary>
    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var failures = 0;
        // Why the last source was excluded: once no source of the role is left, that is the error worth reporting
        // (purged binlogs, a bad source setting), not "no source left" (as StreamSession does without the hub).
        Exception? exclusion = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                string position;
                lock (_lock)
                    position = _tailText ?? _startText;
                var request = new ShardStreamRequest
                {
                    Keyspace = Key.Keyspace,
                    Shard = Key.Shard,
                    Position = position,
                    Filter = Filter?.Clone(),
                    StreamKeyspaceHeartbeats = Key.Heartbeats,
                    Role = Key.Role,
                    Cells = SourceCells.Parse(Key.Cells),
                    ExcludedSources = new HashSet<string>(excluded, StringComparer.Ordinal),
                    FailedSources = new HashSet<string>(failed, StringComparer.Ordinal),
                };

                string? source = null;
                Exception error;
                try
                {
                    var opened = _inner.Open(request);
                    source = opened.Source;
                    lock (_lock)
                        _source = source;
                    Log.ShardOpened(_logger, Key.Keyspace, Key.Shard, source, position);
                    await foreach (var batch in opened.Batches.WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        failures = 0;
                        await PublishAsync(batch, cancellationToken).ConfigureAwait(false);
                    }
                    error = VStreamException.Unavailable($"{Key.Keyspace}/{Key.Shard}: the stream from {source} ended");
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    error = ex;
                }

                DropPartialTransaction();
                if (source is null && exclusion is not null && error is VStreamException { Code: Vtrpc.Code.Unavailable })
                {
                    Log.ShardGivingUp(_logger, Key.Keyspace, Key.Shard, failures + 1, error.Message);
                    Fail(RetryPolicy.MarkGivenUp(exclusion as VStreamException ?? VStreamException.Internal($"{Key.Keyspace}/{Key.Shard}: {exclusion.Message}", exclusion)));
                    return;
                }
                var decision = RetryPolicy.Classify(error);
                if (decision == RetryDecision.Fail)
                {
                    Fail(error as VStreamException ?? VStreamException.Internal($"{Key.Keyspace}/{Key.Shard}: {error.Message}", error));
                    return;
                }
                failures++;
                if (failures >= _options.MaxConsecutiveShardFailures)
                {
                    Log.ShardGivingUp(_logger, Key.Keyspace, Key.Shard, failures, error.Message);
                    Fail(RetryPolicy.MarkGivenUp(VStreamException.Unavailable(
                        $"{Key.Keyspace}/{Key.Shard}: persistent error, giving up after {failures} consecutive failures: {error.Message}", error)));
                    return;
                }
                if (source is not null)
                    (decision == RetryDecision.RetryElsewhere ? excluded : failed).Add(source);
                if (decision == RetryDecision.RetryElsewhere)
                    exclusion = error;
                GatewayMetrics.ShardRetries.Add(1, Tags);
                Log.ShardRetrying(_logger, Key.Keyspace, Key.Shard, source ?? "(none)", failures, position, error.Message);
                if (_options.RetryDelay > TimeSpan.Zero)
                    await Task.Delay(_options.RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Publishing handles its own errors; anything escaping is a defect.
            Fail(VStreamException.Internal($"{Key.Keyspace}/{Key.Shard}: the shared reader failed unexpectedly: {ex.Message}", ex));
        }
        finally
        {
            GatewayMetrics.HubReaders.Add(-1);
            lock (_lock)
            {
                GatewayMetrics.HubRingBytes.Add(-_ringBytes, Tags);
                _ringBytes = 0;
            }
        }
    }

    /// <summary>Adds a batch to the ring, first making room (or waiting for the fastest subscriber to make it).</summary>
    private async Task PublishAsync(IReadOnlyList<VEvent> batch, CancellationToken cancellationToken)
    {
        var entry = Describe(batch, out var boundary);
        while (true)
        {
            Task? spaceFreed = null;
            lock (_lock)
            {
                if (_ring.Count > 0 && _ringBytes + entry.Bytes > _options.FanOut.RingBytes)
                {
                    var head = _ring.First;
                    var leader = long.MinValue;
                    foreach (var cursor in _attached)
                        leader = Math.Max(leader, cursor.Next);
                    if (_attached.Count == 0 || leader > head.Seq)
                    {
                        Evict();
                        continue;
                    }
                    _spaceFreed ??= NewSignal();
                    spaceFreed = _spaceFreed.Task;
                }
                else
                {
                    Append(entry, boundary);
                    return;
                }
            }
            await spaceFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Builds the ring entry of a batch and tracks the reader's transaction state and FIELDs.</summary>
    private HubEntry Describe(IReadOnlyList<VEvent> batch, out ReplicationPosition? boundary)
    {
        boundary = null;
        string? gtid = null;
        VEvent?[]? governing = null;
        var bytes = EntryOverhead;
        var heartbeatOnly = batch.Count > 0;
        var inTransaction = _readerInTransaction;
        for (var i = 0; i < batch.Count; i++)
        {
            var vevent = batch[i];
            bytes += vevent.HasEncodedRowChanges
                ? (BytesPerEncodedRowByte * vevent.GetEncodedSize()) + EncodedRowEventOverhead
                : (BytesPerSerializedByte * vevent.CalculateSize()) + EventOverhead;
            if (vevent.Type != VEventType.Heartbeat)
                heartbeatOnly = false;
            switch (vevent.Type)
            {
                case VEventType.Begin:
                    inTransaction = true;
                    break;
                case VEventType.Gtid:
                    gtid = vevent.Gtid;
                    break;
                case VEventType.Commit or VEventType.Rollback or VEventType.Ddl or VEventType.Other:
                    inTransaction = false;
                    break;
                case VEventType.Field when vevent.FieldEvent is { } field:
                    _fields[field.TableName] = vevent;
                    break;
                case VEventType.Row when vevent.RowEvent is { } row:
                    governing ??= new VEvent?[batch.Count];
                    governing[i] = _fields.GetValueOrDefault(row.TableName);
                    break;
            }
        }
        if (!inTransaction && gtid is not null && ReplicationPosition.TryParse(gtid, out var position))
            boundary = position;
        if (!inTransaction && gtid is not null)
            _pendingTailText = gtid;
        return new HubEntry(batch, governing, bytes, !inTransaction, heartbeatOnly);
    }

    private void Append(HubEntry entry, ReplicationPosition? boundary)
    {
        entry.Seq = _nextSeq++;
        _appendedBytes += entry.Bytes;
        entry.End = _appendedBytes;
        _readerInTransaction = !entry.EndsOutsideTransaction;
        _ring.Add(entry);
        _ringBytes += entry.Bytes;
        GatewayMetrics.HubRingBytes.Add(entry.Bytes, Tags);
        DropRead();
        if (entry.EndsOutsideTransaction)
        {
            _transactionStartSeq = _nextSeq;
            if (_pendingTailText is { } text)
            {
                _tailText = text;
                _pendingTailText = null;
            }
            if (boundary is { } position)
            {
                _tailPosition = position;
                AddBoundary(position, _nextSeq);
            }
        }
        _caughtUp = entry.HeartbeatOnly || (entry.Seq == 0 && _startText == "current" && entry.EndsOutsideTransaction);
        // Busy hubs wake their subscribers on the shared clock (see HubWakeClock): one pass per subscriber for all the
        // transactions of an interval instead of one per transaction.
        var coalesceFrom = _options.FanOut.CoalesceSubscribers;
        if (_wakeClock is not null && coalesceFrom > 0 && _attached.Count >= coalesceFrom)
        {
            if (_wakeDeferred || (_wakeDeferred = _wakeClock.Defer(this)))
                return;
        }
        WakeSubscribers();
    }

    /// <summary>The <see cref="HubWakeClock"/>'s tick: wakes the subscribers for the entries appended since the last wake-up.</summary>
    internal void WakeDeferred()
    {
        lock (_lock)
        {
            if (_wakeDeferred)
                WakeSubscribers();
        }
    }

    private void WakeSubscribers()
    {
        _wakeDeferred = false;
        var appended = _appended;
        _appended = NewSignal();
        appended.TrySetResult();
    }

    /// <summary>
    /// Drops the oldest entries that every attached subscriber has read, beyond <see cref="FanOutOptions.ReplayBytes"/> of
    /// them. Whatever the ring holds outlives the garbage collector's young generations; a ring kept full of history no one
    /// needed made every transaction survive them, and those collections were the latency tail (bench/results/README-history-until-2026-12-07.md). Only
    /// subscribers that are behind make the ring larger, up to <see cref="FanOutOptions.RingBytes"/>.
    /// </summary>
    private void DropRead()
    {
        var keep = _options.FanOut.ReplayBytes;
        if (_ringBytes <= keep)
            return;
        var slowest = _nextSeq;
        foreach (var cursor in _attached)
            slowest = Math.Min(slowest, cursor.Next);
        var head = _ring.First;
        if (head.Seq >= slowest)
            return;
        // The accounted bytes of the entries before the slowest cursor, i.e. read by everyone.
        var read = _ring.BySeq(slowest - 1).End - (head.End - head.Bytes);
        while (read > keep && _ring.Count > 0 && _ring.First.Seq < slowest)
        {
            read -= _ring.First.Bytes;
            Evict();
        }
    }

    /// <summary>Drops the oldest entry; subscribers that had not read it yet are detached.</summary>
    private void Evict()
    {
        var head = _ring.RemoveFirst();
        _ringBytes -= head.Bytes;
        GatewayMetrics.HubRingBytes.Add(-head.Bytes, Tags);
        while (_boundaryOrder.TryPeek(out var oldest) && oldest.NextSeq <= head.Seq)
        {
            _boundaryOrder.Dequeue();
            if (_boundaries.TryGetValue(oldest.Position, out var next) && next == oldest.NextSeq)
                _boundaries.Remove(oldest.Position);
        }
        List<HubCursor>? behind = null;
        foreach (var cursor in _attached)
        {
            if (cursor.Next <= head.Seq)
                (behind ??= []).Add(cursor);
        }
        if (behind is null)
            return;
        foreach (var cursor in behind)
        {
            cursor.Detached = true;
            _attached.Remove(cursor);
            GatewayMetrics.HubSubscribers.Add(-1, Tags);
            GatewayMetrics.HubDetaches.Add(1, Tags);
        }
        Log.SubscribersDetached(_logger, Key.Keyspace, Key.Shard, behind.Count);
        StartLingerIfEmpty();
    }

    /// <summary>
    /// After the reader's stream failed: removes the entries of the transaction it was in the middle of (the reopened
    /// stream starts again at its BEGIN) and breaks the subscribers that had read some of them.
    /// </summary>
    private void DropPartialTransaction()
    {
        lock (_lock)
        {
            _pendingTailText = null;
            if (!_readerInTransaction)
                return;
            _readerInTransaction = false;
            while (_ring.Count > 0 && _ring.Last.Seq >= _transactionStartSeq)
            {
                var last = _ring.RemoveLast();
                _ringBytes -= last.Bytes;
                _appendedBytes = last.End - last.Bytes;
                GatewayMetrics.HubRingBytes.Add(-last.Bytes, Tags);
            }
            _nextSeq = _transactionStartSeq;
            List<HubCursor>? broken = null;
            foreach (var cursor in _attached)
            {
                if (cursor.Next > _nextSeq)
                    (broken ??= []).Add(cursor);
            }
            foreach (var cursor in broken ?? [])
            {
                cursor.Broken = true;
                _attached.Remove(cursor);
                GatewayMetrics.HubSubscribers.Add(-1, Tags);
            }
            WakeAll();
            StartLingerIfEmpty();
        }
    }

    private void Fail(VStreamException error)
    {
        lock (_lock)
        {
            if (_closed || _failure is not null)
                return;
            _failure = error;
            GatewayMetrics.HubSubscribers.Add(-_attached.Count, Tags);
            _attached.Clear();
            WakeAll();
        }
        Log.HubFailed(_logger, Key.Keyspace, Key.Shard, error.Code, error.Message);
        _onEnded(this);
    }

    /// <summary>The error a subscriber raises for the hub's failure: a copy, since one exception must not be thrown on many threads.</summary>
    /// <remarks>The hub only fails once retrying is pointless, so the copy is marked final for the subscriber's session too.</remarks>
    private static VStreamException CopyForSubscriber(Exception failure)
    {
        var original = (VStreamException)failure;
        var copy = original.Code switch
        {
            Vtrpc.Code.Unavailable => VStreamException.Unavailable(original.Message, original),
            Vtrpc.Code.FailedPrecondition => VStreamException.FailedPrecondition(original.Message, original),
            Vtrpc.Code.InvalidArgument => VStreamException.InvalidArgument(original.Message, original),
            Vtrpc.Code.Canceled => VStreamException.Canceled(original.Message, original),
            Vtrpc.Code.ResourceExhausted => VStreamException.ResourceExhausted(original.Message, original),
            _ => VStreamException.Internal(original.Message, original),
        };
        return RetryPolicy.MarkGivenUp(copy);
    }

    private void AddBoundary(ReplicationPosition position, long nextSeq)
    {
        // The earliest occurrence wins: between two equal boundaries there is no transaction, so either is exact.
        if (_boundaries.TryAdd(position, nextSeq))
            _boundaryOrder.Enqueue((nextSeq, position));
    }

    private void WakeAll()
    {
        WakeSubscribers();
        _spaceFreed?.TrySetResult();
        _spaceFreed = null;
    }

    private IReadOnlyList<VEvent> CurrentPositionBatch(string position)
    {
        var now = _time.GetUtcNow();
        var currentTime = (now - DateTimeOffset.UnixEpoch).Ticks * 100;
        return
        [
            new VEvent { Type = VEventType.Gtid, Gtid = position, Timestamp = now.ToUnixTimeSeconds(), CurrentTime = currentTime, Keyspace = Key.Keyspace, Shard = Key.Shard },
            new VEvent { Type = VEventType.Other, Timestamp = now.ToUnixTimeSeconds(), CurrentTime = currentTime, Keyspace = Key.Keyspace, Shard = Key.Shard },
        ];
    }

    /// <summary>The source the reader streams from now (null before it opened one).</summary>
    public string? Source
    {
        get
        {
            lock (_lock)
                return _source;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
