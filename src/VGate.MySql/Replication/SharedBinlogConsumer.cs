using System.Runtime.CompilerServices;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Flavors;
using VGate.MySql.Positions;

namespace VGate.MySql.Replication;

/// <summary>
/// One consumer of a <see cref="SharedBinlogReaders"/> source: reads the shared reader's ring when its position is there,
/// a connection of its own otherwise, and moves between the two at transaction boundaries. Whichever it reads, it parses
/// the events itself (parser, table maps, GTID tracker and classifier of its own), exactly as a <see cref="BinlogClient"/>
/// does, so its consumer cannot tell the difference.
/// </summary>
internal sealed class SharedBinlogConsumer(SharedBinlogReaders registry, string key, BinlogClientOptions options, Func<IDisposable>? acquireConnection)
    : IBinlogEventReader
{
    private int _started;
    private BinlogClient? _own;
    private BinlogClient.StreamState? _ringState;
    private TransactionClassifier _ringTransactions = new();
    private ReplicationPosition? _ringPosition;
    private BinlogFilePosition _ringLastEventStart;
    private TransactionEventRole _ringLastRole;
    private bool _ringIsMariaDb;

    /// <summary>The parser read last (own connection or ring): the next one takes over its table definitions.</summary>
    private BinlogEventParser? _lastParser;

    /// <summary>True while the events come from the shared ring (for tests and diagnostics).</summary>
    public bool OnSharedReader => _own is null && _ringState is not null;

    public bool IsMariaDb => _own?.IsMariaDb ?? _ringIsMariaDb;

    public ReplicationPosition? Position => _own is { } own ? own.Position : _ringPosition;

    public string CurrentFileName => _own?.CurrentFileName ?? _ringState?.FileName ?? "";

    public BinlogFilePosition LastEventStart => _own?.LastEventStart ?? _ringLastEventStart;

    public bool LastEventCompletedTransaction => _own?.LastEventCompletedTransaction ?? _ringLastRole.EndsGroup();

    public TransactionClassifier Transactions => _own?.Transactions ?? _ringTransactions;

    public async IAsyncEnumerable<BinlogEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("A binlog reader reads one stream; create a new one to read again.");

        var start = options.Start;
        SharedBinlogReader.Cursor? cursor = null;
        var announce = false;
        if (start.IsCurrent)
        {
            cursor = await registry.AttachCurrentAsync(key, options, acquireConnection, cancellationToken).ConfigureAwait(false);
            // A stream started at current reports where it is at its first event; a dump's first events come at once, the
            // ring's next one maybe only at the next heartbeat, so the consumer starts with the boundary's FORMAT_DESCRIPTION.
            announce = cursor?.Boundary?.FormatDescription is not null;
        }
        else if (start.File is null && start.Gtid is { } gtid)
        {
            cursor = registry.Attach(key, options, gtid, acquireConnection);
        }
        try
        {
            while (true)
            {
                if (cursor is not null)
                {
                    await foreach (var binlogEvent in ReadRingAsync(cursor, announce, cancellationToken).ConfigureAwait(false))
                        yield return binlogEvent;
                    // Detached at a transaction boundary (it fell behind the ring): continue from there on a connection of its own.
                    cursor.Reader.Detach(cursor);
                    cursor = null;
                    announce = false;
                    start = BinlogStartPosition.FromGtid(_ringPosition ?? throw new InvalidOperationException("a ring consumer without a position"));
                }

                var lease = new LeaseHolder(acquireConnection?.Invoke());
                try
                {
                    var own = new BinlogClient(options.WithStart(start)) { TableMapsFrom = _lastParser };
                    await using (own.ConfigureAwait(false))
                    {
                        _own = own;
                        await foreach (var binlogEvent in own.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
                        {
                            yield return binlogEvent;
                            // Between transactions, move onto the shared ring when it has this position; with no shared reader
                            // at all, this connection's lease goes to a new one started here.
                            if ((own.LastEventCompletedTransaction || binlogEvent is HeartbeatEvent) && !own.Transactions.InGroup &&
                                own.Position is { } position &&
                                (registry.TryJoin(key, position) ?? (registry.HasReader(key) ? null : registry.Attach(key, options, position, lease.Transfer))) is { } joined)
                            {
                                cursor = joined;
                                break;
                            }
                        }
                        _lastParser = own.Parser;
                        if (cursor is null)
                            yield break; // StopAtEnd
                        _ringIsMariaDb = own.IsMariaDb;
                    }
                }
                finally
                {
                    _own = null;
                    lease.Dispose();
                }
            }
        }
        finally
        {
            if (cursor is not null)
                cursor.Reader.Detach(cursor);
        }
    }

    /// <summary>A connection lease, which a new shared reader may take over from the connection it replaces.</summary>
    private sealed class LeaseHolder(IDisposable? lease) : IDisposable
    {
        private IDisposable? _lease = lease;

        public IDisposable? Transfer()
        {
            var lease = _lease;
            _lease = null;
            return lease;
        }

        public void Dispose() => Transfer()?.Dispose();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Parses the ring's packets from the cursor's boundary on; ends when the cursor is detached at a boundary.</summary>
    private async IAsyncEnumerable<BinlogEvent> ReadRingAsync(SharedBinlogReader.Cursor cursor, bool announce, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = cursor.Reader;
        var boundary = cursor.Boundary;
        var state = _ringState = new BinlogClient.StreamState(boundary?.FileName ?? "", boundary?.NextPosition ?? 4);
        var transactions = _ringTransactions = new TransactionClassifier();
        _ringPosition = boundary?.Position;
        _ringLastRole = TransactionEventRole.None;
        _ringLastEventStart = default;
        BinlogEventParser? parser = null;
        ServerFlavor.GtidTracker? tracker = null;
        try
        {
            if (announce && boundary?.FormatDescription is { } announced && reader.Flavor is { } known)
            {
                (parser, tracker) = StartParsing(reader, known, boundary);
                _ringLastEventStart = default;
                yield return parser.Parse(announced);
            }
            while (true)
            {
                var packet = await reader.ReadAsync(cursor, cancellationToken).ConfigureAwait(false);
                if (packet is null)
                {
                    if (!transactions.InGroup && tracker is not { HasPending: true })
                        yield break;
                    throw ReplicationException.ConnectionLost(
                        $"this stream fell more than {registry.RingBytes} bytes behind the shared replication connection in the middle of a transaction");
                }
                if (parser is null || tracker is null)
                {
                    var flavor = reader.Flavor ?? throw new InvalidOperationException("a shared reader's packet before its source was known");
                    boundary ??= reader.StartBoundary ?? throw new InvalidOperationException("a shared reader's packet before its start position was known");
                    _ringPosition = boundary.Position;
                    (parser, tracker) = StartParsing(reader, flavor, boundary);
                }

                var binlogEvent = parser.Parse(packet);
                _ringLastEventStart = BinlogClient.StartOf(parser.LastHeader, state);
                if (binlogEvent is TransactionPayloadEvent payload && options.ExpandTransactionPayloads)
                {
                    state.Advance(binlogEvent, parser.LastHeader);
                    foreach (var inner in payload.ReadEvents())
                    {
                        Track(inner, tracker, transactions);
                        yield return inner;
                    }
                    continue;
                }
                state.Advance(binlogEvent, parser.LastHeader);
                Track(binlogEvent, tracker, transactions);
                yield return binlogEvent;
            }
        }
        finally
        {
            parser?.ReleaseBuffers();
        }
    }

    private (BinlogEventParser Parser, ServerFlavor.GtidTracker Tracker) StartParsing(SharedBinlogReader reader, ServerFlavor flavor, SharedBinlogReader.Boundary boundary)
    {
        _ringIsMariaDb = flavor is MariaDbFlavor;
        var parser = new BinlogEventParser(reader.ChecksumEnabled ? ChecksumAlgorithm.Crc32 : ChecksumAlgorithm.None, options.MaxEventBytes);
        if (boundary.FormatDescription is { } formatDescription)
            parser.Parse(formatDescription);
        if (_lastParser is { } previous)
            parser.ImportTableMaps(previous);
        _lastParser = parser;
        return (parser, flavor.CreateTracker(boundary.Position));
    }

    private void Track(BinlogEvent binlogEvent, ServerFlavor.GtidTracker tracker, TransactionClassifier transactions)
    {
        tracker.Observe(binlogEvent);
        _ringLastRole = transactions.Classify(binlogEvent);
        if (!_ringLastRole.EndsGroup())
            return;
        tracker.Commit();
        _ringPosition = tracker.Position;
    }
}
