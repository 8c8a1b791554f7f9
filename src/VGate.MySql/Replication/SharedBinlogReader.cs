using System.Runtime.ExceptionServices;
using VGate.MySql.Binlog;
using VGate.MySql.Flavors;
using VGate.MySql.Positions;

namespace VGate.MySql.Replication;

/// <summary>
/// One replication connection whose event packets are kept, copied, in a bounded ring for the
/// <see cref="SharedBinlogConsumer"/>s attached to it (see <see cref="SharedBinlogReaders"/>).
/// </summary>
/// <remarks>
/// <para>Boundaries: after every event that ends a transaction, the position after it is indexed with what a consumer
/// needs to parse the packets from there on (the file and offset, the last FORMAT_DESCRIPTION); the start position is a
/// boundary before the first packet.</para>
/// <para>Memory: packets already read by every consumer are dropped beyond <see cref="HistoryBytes"/>; when the ring is full the
/// oldest packet is dropped once the fastest consumer has read it (consumers that had not are detached), and the reader
/// waits while even the fastest has not: it reads no faster than its fastest consumer.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "_stop has no timer or linked registration to release; the last consumer's Detach and the reader's end may race, " +
    "so it is left to the garbage collector rather than disposed under one of them.")]
internal sealed class SharedBinlogReader
{
    private readonly BinlogClientOptions _options;
    private readonly long _ringBytes;
    private readonly IDisposable? _lease;
    private readonly Action<SharedBinlogReader> _onEnded;
    private readonly CancellationTokenSource _stop = new();

    private readonly object _lock = new();
    private readonly List<byte[]> _ring = [];
    private int _ringHead;
    private long _headSeq;
    private long _nextSeq;
    private long _bytes;
    private readonly Dictionary<ReplicationPosition, Boundary> _boundaries = [];
    private readonly Queue<(long NextSeq, ReplicationPosition Position)> _boundaryOrder = new();
    private readonly HashSet<Cursor> _cursors = [];
    // Made only when a consumer waits for the next packet (null otherwise), not once per packet: at hundreds of thousands
    // of packets a second those were a good part of what the reader allocated.
    private TaskCompletionSource? _appended;

    /// <summary>Bytes appended since waiting consumers were last woken (see <see cref="SignalAfterEvent"/>).</summary>
    private long _unsignaledBytes;
    private TaskCompletionSource? _spaceFreed;
    private Exception? _failure;
    private byte[]? _lastFormatDescription;

    /// <summary>A reader (not started) of <paramref name="options"/>' source from <paramref name="start"/> (null: the source's
    /// current position, known when the first packet arrives); it holds <paramref name="lease"/> until it ends.</summary>
    public SharedBinlogReader(string key, BinlogClientOptions options, ReplicationPosition? start, long ringBytes, IDisposable? lease, Action<SharedBinlogReader> onEnded)
    {
        Key = key;
        _options = options;
        _ringBytes = ringBytes;
        _lease = lease;
        _onEnded = onEnded;
        if (start is { } position)
            AddBoundary(StartBoundary = new Boundary(position, 0, "", 4, null));
    }

    /// <summary>The boundary before the first packet; for a reader started at current, known once the first packet is in the ring.</summary>
    public Boundary? StartBoundary { get; private set; }

    public string Key { get; }

    /// <summary>True once the reader stopped (no consumer left, or failed): make a new one.</summary>
    public bool Ended { get; private set; }

    /// <summary>The source's flavour and checksum mode, known before the first packet is in the ring.</summary>
    public ServerFlavor? Flavor { get; private set; }

    public bool ChecksumEnabled { get; private set; }

    /// <summary>Where a consumer attaches: the position after a transaction, and how to parse what follows it.</summary>
    internal sealed record Boundary(ReplicationPosition Position, long NextSeq, string FileName, ulong NextPosition, byte[]? FormatDescription);

    /// <summary>One consumer's place in the ring.</summary>
    internal sealed class Cursor(SharedBinlogReader reader, Boundary? boundary, long next)
    {
        public SharedBinlogReader Reader { get; } = reader;

        /// <summary>Where the cursor started; null for the first consumer of a reader started at current (see <see cref="StartBoundary"/>).</summary>
        public Boundary? Boundary { get; } = boundary;

        public long Next { get; set; } = next;

        public bool Detached { get; set; }
    }

    public void Start() => _ = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);

    public bool TryAttach(ReplicationPosition position, out Cursor? cursor)
    {
        cursor = null;
        lock (_lock)
        {
            if (Ended || _failure is not null)
                return false;
            if (!_boundaries.TryGetValue(position, out var boundary) || boundary.NextSeq < _headSeq || boundary.NextSeq > _nextSeq)
                return false;
            cursor = new Cursor(this, boundary, boundary.NextSeq);
            _cursors.Add(cursor);
            return true;
        }
    }

    /// <summary>The first consumer, at the start (before <see cref="Start"/>).</summary>
    public Cursor AttachAtStart()
    {
        lock (_lock)
        {
            var cursor = new Cursor(this, StartBoundary, 0);
            _cursors.Add(cursor);
            return cursor;
        }
    }

    /// <summary>The next packet for <paramref name="cursor"/>, waiting for it; null when the cursor was detached.</summary>
    public async ValueTask<byte[]?> ReadAsync(Cursor cursor, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task appended;
            lock (_lock)
            {
                if (cursor.Detached)
                    return null;
                if (cursor.Next < _nextSeq)
                {
                    var packet = _ring[_ringHead + (int)(cursor.Next - _headSeq)];
                    cursor.Next++;
                    if (_spaceFreed is { } waiting)
                    {
                        _spaceFreed = null;
                        waiting.TrySetResult();
                    }
                    return packet;
                }
                if (_failure is { } failure)
                {
                    // Every consumer gets the reader's error, as it would from a connection of its own.
                    if (failure is ReplicationException replication)
                        throw replication.Copy();
                    ExceptionDispatchInfo.Throw(failure);
                }
                if (Ended)
                    throw ReplicationException.ConnectionLost("the shared replication connection was closed");
                appended = (_appended ??= NewSignal()).Task;
            }
            await appended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A consumer left: the reader stops when none is left.</summary>
    public void Detach(Cursor cursor)
    {
        lock (_lock)
        {
            if (!_cursors.Remove(cursor) || _cursors.Count > 0 || Ended)
                return;
            Ended = true;
        }
        _onEnded(this);
        _stop.Cancel();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var reader = new BinlogClient(_options) { PacketReceived = Append };
            await using (reader.ConfigureAwait(false))
            {
                Reader = reader;
                await foreach (var _ in reader.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
                {
                    lock (_lock)
                    {
                        if (reader.LastEventCompletedTransaction && reader.Position is { } position && reader.FilePosition is { } file)
                            AddBoundary(new Boundary(position, _nextSeq, file.FileName, file.Position, _lastFormatDescription));
                        SignalAfterEvent(reader.Transactions.InGroup);
                    }
                    await WaitForSpaceAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            throw ReplicationException.ConnectionLost("the source ended the replication stream");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _failure = ex;
                Ended = true;
                WakeAll();
            }
            _onEnded(this);
        }
        finally
        {
            lock (_lock)
            {
                Ended = true;
                WakeAll();
            }
            _lease?.Dispose();
        }
    }

    private BinlogClient? Reader { get; set; }

    /// <summary>The client's packet callback: copies the packet into the ring (reader task; the bytes are the client's buffer).</summary>
    private void Append(ReadOnlyMemory<byte> packet)
    {
        var copy = packet.ToArray();
        lock (_lock)
        {
            if (Flavor is null && Reader is { } reader)
            {
                Flavor = reader.Flavor;
                ChecksumEnabled = reader.ChecksumEnabled;
                if (StartBoundary is null && reader.Position is { } start)
                    AddBoundary(StartBoundary = new Boundary(start, 0, "", 4, null));
            }
            if (copy.Length > 4 && copy[4] == (byte)EventType.FormatDescription)
                _lastFormatDescription = copy;
            _ring.Add(copy);
            _nextSeq++;
            _bytes += copy.Length;
            _unsignaledBytes += copy.Length;
            DropRead();
        }
    }

    /// <summary>
    /// How many bytes of packets every consumer has read are kept at most (and at most a quarter of the ring), so that a
    /// stream restarting at a recent position finds it. Small on purpose, like the hubs' <c>FanOut:ReplayBytes</c>: a packet
    /// kept after it was read outlives the garbage collector's young generations, and with a quarter of the 16 MiB default
    /// ring (4 MiB, about 6 s of a 2,500 transactions/s shard) nearly every packet and transaction boundary did, was promoted
    /// and died in the old generation: longer collection pauses over a larger heap (before this cap and the per-transaction
    /// wake-ups of <see cref="SignalAfterEvent"/>, in the same runs at 5,000
    /// transactions/s, p99 commit-to-client latency 104-123 ms instead of 14-24, peak RSS 260 instead of 198 MB;
    /// bench/results/narrow16-2026-12-08T0330).
    /// </summary>
    internal const long HistoryBytes = 256 * 1024;

    /// <summary>Drops packets every consumer has read beyond <see cref="HistoryBytes"/>, so the ring does not stay full of history.</summary>
    private void DropRead()
    {
        var keep = Math.Min(_ringBytes / 4, HistoryBytes);
        var slowest = _nextSeq;
        foreach (var cursor in _cursors)
            slowest = Math.Min(slowest, cursor.Next);
        while (_bytes > keep && _headSeq < slowest)
            Evict();
    }

    /// <summary>While the ring is over its size: drops what the fastest consumer read (detaching slower ones), or waits for it.</summary>
    private async Task WaitForSpaceAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task freed;
            lock (_lock)
            {
                if (_bytes <= _ringBytes)
                    return;
                var fastest = _cursors.Count == 0 ? _nextSeq : _cursors.Max(c => c.Next);
                if (_headSeq < fastest)
                {
                    Evict();
                    continue;
                }
                Signal(); // the consumers must read what is there before anything can be dropped
                _spaceFreed ??= NewSignal();
                freed = _spaceFreed.Task;
            }
            await freed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Evict()
    {
        var head = _ring[_ringHead];
        _ring[_ringHead] = null!;
        _ringHead++;
        _bytes -= head.Length;
        var evicted = _headSeq++;
        if (_ringHead > 1024 && _ringHead > _ring.Count / 2)
        {
            _ring.RemoveRange(0, _ringHead);
            _ringHead = 0;
        }
        while (_boundaryOrder.TryPeek(out var oldest) && oldest.NextSeq <= evicted)
        {
            _boundaryOrder.Dequeue();
            if (_boundaries.TryGetValue(oldest.Position, out var boundary) && boundary.NextSeq == oldest.NextSeq)
                _boundaries.Remove(oldest.Position);
        }
        List<Cursor>? behind = null;
        foreach (var cursor in _cursors)
        {
            if (cursor.Next <= evicted)
                (behind ??= []).Add(cursor);
        }
        foreach (var cursor in behind ?? [])
        {
            cursor.Detached = true;
            _cursors.Remove(cursor);
        }
        if (behind is not null)
            WakeAll();
    }

    private void AddBoundary(Boundary boundary)
    {
        // The earliest occurrence wins: between two equal boundaries there is no transaction, so either is exact. A later
        // one replaces it once the earlier one's packets are gone (see Evict).
        if (_boundaries.TryAdd(boundary.Position, boundary))
            _boundaryOrder.Enqueue((boundary.NextSeq, boundary.Position));
    }

    /// <summary>Bytes of one open transaction after which waiting consumers are woken anyway.</summary>
    private const long SignalBytes = 64 * 1024;

    /// <summary>
    /// After the reader parsed an event (under the lock): wakes waiting consumers when the event is outside a transaction
    /// or ends one (heartbeats and transaction ends reach them at once), or once <see cref="SignalBytes"/> of an open one
    /// are in. Waking them for every packet cost a thread-pool hop per event (four for a one-row transaction) where a
    /// connection of their own hands a consumer all the events of one receive; a consumer that is not waiting reads on
    /// without a signal.
    /// </summary>
    private void SignalAfterEvent(bool inTransaction)
    {
        if (!inTransaction || _unsignaledBytes >= SignalBytes)
            Signal();
    }

    private void Signal()
    {
        _unsignaledBytes = 0;
        if (_appended is { } appended)
        {
            _appended = null;
            appended.TrySetResult();
        }
    }

    private void WakeAll()
    {
        var appended = _appended;
        _appended = null;
        appended?.TrySetResult();
        _spaceFreed?.TrySetResult();
        _spaceFreed = null;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
