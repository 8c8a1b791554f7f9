using System.Runtime.CompilerServices;
using Binlogdata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.VStreamer.CopyPhase;
using VGate.VStreamer.Schema;
using VGate.VStreamer.Streaming;

namespace VGate.VStreamer;

/// <summary>
/// One shard's stream of Vitess VEvents, read from one MySQL/MariaDB server's binlog (the tablet side of
/// VStream, vstream-spec §2.2). Pull-based: each yielded batch is a list of events the consumer owns, ending at a
/// transaction boundary (COMMIT, DDL, OTHER), at a HEARTBEAT, or mid-transaction once it reaches
/// <see cref="ShardStreamerOptions.PacketSize"/> bytes (not while a savepoint that a ROLLBACK TO may still undo is open,
/// up to <see cref="ShardStreamerOptions.SavepointHoldBytes"/>, nor inside a CREATE … SELECT). Where groups begin and end
/// is decided by the binlog client's <see cref="TransactionClassifier"/>.
/// </summary>
/// <remarks>
/// <para>Grammar per transaction: <c>BEGIN, [FIELD], ROW…, GTID, COMMIT</c>; a DDL on a streamed table is
/// <c>GTID, DDL</c>; any other statement is <c>GTID, OTHER</c>; a transaction that touches no streamed table is still
/// <c>BEGIN, GTID, COMMIT</c> so positions advance. The GTID event carries the full position after the transaction
/// (<c>MariaDB/0-1-42</c>), the one to resume from once its COMMIT is processed. A CREATE … SELECT is
/// <c>GTID (before), DDL, BEGIN, FIELD, ROW…, GTID, COMMIT</c>; statement-format DML inside a transaction is sent as
/// INSERT/UPDATE/DELETE/REPLACE events with the SQL; changes undone by ROLLBACK TO a savepoint are never sent
/// (docs/server.md, "Transactions in the stream").</para>
/// <para>FIELD events come from the TABLE_MAP written with the transaction (full row metadata), so they always
/// describe the rows that follow, also when the stream reads an old position of a table altered since; a FIELD is
/// sent before the first ROW of a table and again whenever the table's definition in the binlog changes.</para>
/// </remarks>
public sealed class ShardStreamer
{
    private readonly ShardStreamerOptions _options;
    private readonly ILogger _logger;
    private readonly ITablePlanner _planner;

    public ShardStreamer(ShardStreamerOptions options, ILogger<ShardStreamer>? logger = null)
        : this(options, new RuleTablePlanner(options.Filter, options.PrimaryVindexes, options.Vindexes), logger)
    {
    }

    internal ShardStreamer(ShardStreamerOptions options, ITablePlanner planner, ILogger<ShardStreamer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _planner = planner;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Streams until cancelled or until the source fails; failures are <see cref="VStreamException"/>s with the
    /// Vitess code to report (INVALID_ARGUMENT for a bad position, FAILED_PRECONDITION for purged binlogs,
    /// UNAVAILABLE for a lost source).
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<VEvent>> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BinlogStartPosition start;
        try
        {
            start = BinlogStartPosition.Parse(_options.Position.Length == 0 ? "current" : _options.Position);
        }
        catch (FormatException ex)
        {
            throw VStreamException.InvalidArgument($"{_options.Keyspace}/{_options.Shard}: invalid position '{_options.Position}': {ex.Message}", ex);
        }

        if (_options.Position.Length == 0 || _options.TablePKs.Count > 0)
        {
            // vstream-spec §2.6: copy the tables, then stream from where the copy left off.
            ReplicationPosition? resumeFrom = null;
            if (_options.Position.Length > 0 && !start.IsCurrent)
            {
                resumeFrom = start.Gtid ?? throw VStreamException.InvalidArgument(
                    $"{_options.Keyspace}/{_options.Shard}: a copy can only resume from a GTID position, not '{_options.Position}'");
            }
            var copy = new CopyPhaseRunner(_options, _planner, CatchUpAsync) { BeforeTable = BeforeCopyTable };
            await foreach (var batch in WithSourceErrors(copy.RunAsync(resumeFrom, cancellationToken), cancellationToken).ConfigureAwait(false))
                yield return batch;
            start = BinlogStartPosition.FromGtid(copy.FinalPosition);
        }

        await foreach (var batch in StreamBinlogAsync(start, tableFilter: null, stopAt: null, cancellationToken).ConfigureAwait(false))
            yield return batch;
    }

    /// <summary>Test hook: runs before the copy phase snapshots each table.</summary>
    internal Func<string, CancellationToken, Task>? BeforeCopyTable { get; init; }

    /// <summary>The catch-up / fast-forward pass of the copy phase: the streaming code, limited to some tables and ending at <paramref name="to"/>.</summary>
    private IAsyncEnumerable<IReadOnlyList<VEvent>> CatchUpAsync(ReplicationPosition from, ReplicationPosition to, Func<string, bool> tableFilter, CancellationToken cancellationToken) =>
        StreamBinlogAsync(BinlogStartPosition.FromGtid(from), tableFilter, to, cancellationToken);

    /// <summary>
    /// Streams the binlog from <paramref name="start"/>. With <paramref name="stopAt"/>, ends after the transaction that
    /// brings the position to include it, and drops heartbeats; with <paramref name="tableFilter"/>, row changes of
    /// tables it rejects are dropped (their transactions still go out as BEGIN, GTID, COMMIT).
    /// </summary>
    private async IAsyncEnumerable<IReadOnlyList<VEvent>> StreamBinlogAsync(
        BinlogStartPosition start,
        Func<string, bool>? tableFilter,
        ReplicationPosition? stopAt,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var clientOptions = new BinlogClientOptions
        {
            Connection = _options.Source,
            Start = start,
            HeartbeatInterval = _options.HeartbeatInterval,
            TimeProvider = _options.TimeProvider,
            MaxEventBytes = _options.MaxEventBytes,
        };
        // The copy phase's catch-up passes read on a connection of their own; the stream proper may share one (EventReaders).
        await using var client = stopAt is null && _options.EventReaders is { } open ? open(clientOptions) : new BinlogClient(clientOptions);
        var session = new StreamSession(_options, _planner, await LoadCatalogAsync(cancellationToken).ConfigureAwait(false), LoadCatalogAsync,
            tableFilter, sendHeartbeats: stopAt is null,
            readSavepointsAhead: (groupStart, token) => ReadSavepointsAheadAsync(client.CurrentFileName, groupStart, token));

        var source = new ClientPosition(client);
        var preparedXa = new PreparedXaReader(_options.Source);
        var groupStart = default(BinlogFilePosition);
        await using var events = client.ReadEventsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var first = true;
        while (true)
        {
            BinlogEvent binlogEvent;
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                    yield break;
                binlogEvent = events.Current;
            }
            catch (VGate.MySql.BinlogFormatException ex)
            {
                throw UnreadableEvents.Unreadable(ex, _options.Keyspace, _options.Shard, client.CurrentFileName, client.Position);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw SourceErrors.ToVStreamException(ex, _options.Keyspace, _options.Shard);
            }

            // An INCIDENT or an unknown event that may carry changes ends the stream: passing it would lose them silently.
            if (UnreadableEvents.Check(binlogEvent, _options.Keyspace, _options.Shard, client.LastEventStart, client.Position) is { } unreadable)
                throw unreadable;
            if (stopAt is null && _options.Progress is { } progress)
            {
                // A heartbeat names where the source is: the end of what it has sent.
                if (binlogEvent is HeartbeatEvent heartbeat)
                    progress.BinlogEventRead(heartbeat.LogFileName, heartbeat.Position, 0, heartbeat: true);
                else
                    progress.BinlogEventRead(client.CurrentFileName, binlogEvent.Header.NextPosition, binlogEvent.Header.Timestamp, heartbeat: false);
            }

            if (first && start.IsCurrent)
            {
                // vstream-spec §2.2: a stream started at "current" first reports where it is.
                first = false;
                session.AddPosition(source, binlogEvent.Header.Timestamp);
                session.Add(VEventType.Other, binlogEvent.Header.Timestamp);
                yield return session.TakeBatch();
            }
            first = false;

            var transactions = client.Transactions;
            if (binlogEvent is MariaDbGtidEvent or GtidEvent)
                groupStart = client.LastEventStart;
            switch (transactions.LastRole)
            {
                case TransactionEventRole.XaPrepare when transactions.Xid is { } prepared:
                    preparedXa.Remember(prepared, groupStart);
                    break;
                case TransactionEventRole.XaCommit:
                    var committed = transactions.Xid ?? throw VStreamException.Internal(
                        $"{_options.Keyspace}/{_options.Shard}: cannot read the XA id of '{(binlogEvent as QueryEvent)?.Query}' at {client.LastEventStart}: its prepared rows cannot be found");
                    await foreach (var batch in DeliverPreparedXaAsync(session, preparedXa, committed, prepareStart: null, groupStart, cancellationToken).ConfigureAwait(false))
                        yield return batch;
                    break;
                case TransactionEventRole.XaCommitOnePhase when transactions.GroupIsXa && transactions.Xid is { } onePhase:
                    // MySQL's XA COMMIT … ONE PHASE: the group just read is the transaction; its rows were held back like any XA group's.
                    await foreach (var batch in DeliverPreparedXaAsync(session, preparedXa, onePhase, groupStart, groupStart, cancellationToken).ConfigureAwait(false))
                        yield return batch;
                    break;
                case TransactionEventRole.XaRollback when transactions.Xid is { } rolledBack:
                    preparedXa.Forget(rolledBack);
                    break;
            }

            var flush = await session.HandleAsync(binlogEvent, transactions, source, cancellationToken).ConfigureAwait(false);
            var reachedStop = stopAt is { } stop && client.LastEventCompletedTransaction && client.Position is { } position && position.AtLeast(stop);
            if (flush || reachedStop)
                yield return session.TakeBatch();
            if (reachedStop)
                yield break;
        }
    }

    /// <summary>
    /// Feeds the changes of a prepared XA transaction, read again from the binlog, into the transaction its commit
    /// opens; yields batches when they grow past the packet size, as for any large transaction.
    /// </summary>
    /// <param name="session">The stream's session; the commit event itself is handed to it afterwards as usual.</param>
    /// <param name="preparedXa">Where the stream's prepared groups are (remembered, or searched for).</param>
    /// <param name="xid">The XA transaction being committed.</param>
    /// <param name="prepareStart">Where the prepared group starts, when known; else it is looked up (remembered or searched).</param>
    /// <param name="commitStart">Where the committing group starts (the search looks before it).</param>
    /// <param name="cancellationToken">Ends the read.</param>
    private async IAsyncEnumerable<IReadOnlyList<VEvent>> DeliverPreparedXaAsync(StreamSession session, PreparedXaReader preparedXa,
        XaId xid, BinlogFilePosition? prepareStart, BinlogFilePosition commitStart, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = ReadPreparedXaAsync(preparedXa, xid, prepareStart, commitStart, cancellationToken);
        var transactions = new TransactionClassifier();
        await foreach (var binlogEvent in events.ConfigureAwait(false))
        {
            transactions.Classify(binlogEvent);
            if (session.HandlePreparedEvent(binlogEvent, transactions))
                yield return session.TakeBatch();
        }
        preparedXa.Forget(xid);
    }

    private async IAsyncEnumerable<BinlogEvent> ReadPreparedXaAsync(PreparedXaReader preparedXa, XaId xid, BinlogFilePosition? prepareStart,
        BinlogFilePosition commitStart, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BinlogFilePosition start;
        try
        {
            start = prepareStart ?? await preparedXa.LocateAsync(xid, commitStart, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw SourceErrors.ToVStreamException(ex, _options.Keyspace, _options.Shard);
        }
        await foreach (var binlogEvent in WithSourceErrors(preparedXa.ReadGroupAsync(xid, start, cancellationToken), cancellationToken).ConfigureAwait(false))
            yield return binlogEvent;
    }

    /// <summary>
    /// Reads one group from <paramref name="groupStart"/> in <paramref name="file"/> on a replication connection of its own
    /// and returns its SAVEPOINT / ROLLBACK TO / RELEASE statements with their offsets (the group is complete in the file:
    /// the servers write a group at once, and the stream has already read part of it).
    /// </summary>
    private async Task<IReadOnlyList<SavepointStatement>> ReadSavepointsAheadAsync(string file, ulong groupStart, CancellationToken cancellationToken)
    {
        var statements = new List<SavepointStatement>();
        try
        {
            await using var client = new BinlogClient(new BinlogClientOptions
            {
                Connection = _options.Source,
                Start = BinlogStartPosition.FromFile(new BinlogFilePosition(file, groupStart)),
                HeartbeatInterval = _options.HeartbeatInterval,
                TimeProvider = _options.TimeProvider,
                MaxEventBytes = _options.MaxEventBytes,
            });
            var inGroup = false;
            await foreach (var binlogEvent in client.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (binlogEvent is MariaDbGtidEvent or GtidEvent)
                {
                    if (inGroup)
                        break;
                    inGroup = true;
                    continue;
                }
                if (!inGroup)
                    continue; // the server's ROTATE and FORMAT_DESCRIPTION before the group
                var role = client.LastEventRole;
                if (role is TransactionEventRole.Savepoint or TransactionEventRole.RollbackToSavepoint or TransactionEventRole.ReleaseSavepoint &&
                    client.Transactions.SavepointName is { } name)
                    statements.Add(new SavepointStatement(role, name, binlogEvent.Header.NextPosition));
                if (role == TransactionEventRole.Rollback)
                    statements.Add(new SavepointStatement(role, "", binlogEvent.Header.NextPosition));
                if (role.EndsGroup())
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw SourceErrors.ToVStreamException(ex, _options.Keyspace, _options.Shard);
        }
        return statements;
    }

    /// <summary>Re-raises failures of <paramref name="source"/> as <see cref="VStreamException"/>s (cancellation by our token stays as it is).</summary>
    private async IAsyncEnumerable<T> WithSourceErrors<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    yield break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw ex switch
                {
                    CopyQueryException copy => copy.ErrorCode == 0
                        ? VStreamException.Internal($"{_options.Keyspace}/{_options.Shard}: {copy.Message}", copy)
                        : VStreamException.FailedPrecondition($"{_options.Keyspace}/{_options.Shard}: copy failed: {copy.Message}", copy),
                    VStreamException stream => stream,
                    _ => SourceErrors.ToVStreamException(ex, _options.Keyspace, _options.Shard),
                };
            }
            yield return enumerator.Current;
        }
    }

    private async Task<SchemaCatalog> LoadCatalogAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await MySqlProtocolConnection.ConnectAsync(_options.Source, cancellationToken).ConfigureAwait(false);
            return await SchemaCatalog.LoadAsync(connection, _options.Database, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SourceSqlErrors.IsSourceFailure(ex))
        {
            throw SourceErrors.ToVStreamException(ex, _options.Keyspace, _options.Shard);
        }
    }

    /// <summary>The client as the session sees it: flavor and the position after the last complete transaction.</summary>
    private sealed class ClientPosition(IBinlogEventReader client) : IStreamPosition
    {
        public bool IsMariaDb => client.IsMariaDb;

        public ReplicationPosition? Position => client.Position;
    }
}
