using Binlogdata;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Ddl;
using VGate.VStreamer.Schema;
using VGate.Protocol.Encoding;
using VGate.VStreamer.Values;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// Turns one shard's binlog events into VEvents (vstream-spec §2.2): the state of one stream — the batch being built,
/// the transaction, and what FIELDs were sent. <see cref="ShardStreamer"/> feeds it the events of its
/// <c>BinlogClient</c>; the benchmarks feed it parsed events of a recorded binlog.
/// </summary>
/// <param name="options">The stream's settings (keyspace, shard, database, packet size, clock).</param>
/// <param name="planner">The filter rules.</param>
/// <param name="catalog">information_schema's view of the database when the stream started.</param>
/// <param name="reloadCatalog">Reads the catalog again (after a DDL on a streamed table).</param>
/// <param name="tableFilter">When set, only tables it accepts are streamed (the copy phase's catch-up).</param>
/// <param name="sendHeartbeats">False to drop source heartbeats (catch-up passes).</param>
/// <param name="readSavepointsAhead">Reads the savepoint statements of the group that starts at the given offset of the
/// current binlog file, on a connection of its own (see <see cref="ShardStreamerOptions.SavepointHoldBytes"/>); null to
/// hold a group with an open savepoint whole, however large.</param>
internal sealed class StreamSession(
    ShardStreamerOptions options,
    ITablePlanner planner,
    SchemaCatalog catalog,
    Func<CancellationToken, Task<SchemaCatalog>> reloadCatalog,
    Func<string, bool>? tableFilter,
    bool sendHeartbeats,
    Func<ulong, CancellationToken, Task<IReadOnlyList<SavepointStatement>>>? readSavepointsAhead = null)
{
    private readonly ShardStreamerOptions _options = options;
    private readonly Dictionary<string, TableState> _tables = new(StringComparer.Ordinal);
    private readonly RowChangeEncoder _rowChanges = new();
    // One bit per JSON column; MySQL allows at most 4096 columns per table.
    private readonly byte[] _partialJsonBits = new byte[4096 / 8];
    private List<VEvent> _batch = [];
    private SchemaCatalog _catalog = catalog;
    private long _batchBytes;
    private bool _inTransaction;
    // Open savepoints of the current group, oldest first; while any is open the batch is held (see HoldingGroup).
    private readonly List<Savepoint> _savepoints = [];
    // True in a CREATE … SELECT group: its DDL and rows go out in one batch.
    private bool _holdGroup;
    // True when the current group's MariaDB GTID has FL_DDL (a CREATE … SELECT when it is not standalone).
    private bool _groupIsDdl;
    // Where the current group starts in the binlog file (0 when unknown), for reading it ahead.
    private ulong _groupStart;
    // The batch just after the group's BEGIN: where a ROLLBACK (or a ROLLBACK TO an unlogged savepoint) goes back to.
    private (int BatchCount, long BatchBytes) _groupBody;
    // True in a MariaDB group without FL_TRANSACTIONAL: it may end in ROLLBACK, so it is held like an open savepoint.
    private bool _mayRollBack;
    // Set once the group's savepoint statements were read ahead: what ROLLBACK TO undoes, by file offset.
    private SavepointPlan? _plan;
    private bool _isMariaDb;
    private uint _transactionTimestamp;
    // The current group's logical clock and GTID, on every event made for it (VEvent fields 26–28, as Vitess v23).
    private long _groupCommitParent;
    private long _groupSequenceNumber;
    private string _groupEventGtid = "";
    private long? _currentTime;
    private long _clockTick = long.MinValue;
    // The table of the last ROWS event of the streamed database, and its state (what _tables holds for it).
    private TableMapEvent? _lastMap;
    private TableState? _lastState;
    private long _clockNanos;
    // The heartbeat table (stream_keyspace_heartbeats) and its state, apart from _tables: it may be outside the streamed
    // database and is named "heartbeat" in the stream, which a table of the keyspace may be called too.
    private readonly Filtering.HeartbeatTableName? _heartbeatTable = tableFilter is null ? options.HeartbeatTable : null;
    private TableState? _heartbeat;
    private VEvent? _heartbeatField;

    public List<VEvent> TakeBatch()
    {
        var batch = _batch;
        // Batches tend to be alike (a transaction, or a packet's worth of rows): start the next one at the size of
        // this one instead of growing 4 → 8 → … → 2048 and copying each time.
        _batch = new List<VEvent>(Math.Min(batch.Count, MaxInitialBatchCapacity));
        _batchBytes = 0;
        // Handed on mid-group (nothing was held): what a ROLLBACK can still take back starts with the new batch.
        _groupBody = (0, 0);
        return batch;
    }

    /// <summary>Handles one binlog event; returns true when the batch must be handed on now.</summary>
    /// <param name="binlogEvent">The event.</param>
    /// <param name="transactions">The classifier that has just classified <paramref name="binlogEvent"/> (its role,
    /// savepoint name): the binlog client's, or the caller's own when the events come from a file.</param>
    /// <param name="source">Where the reader is (position after the last complete group).</param>
    /// <param name="cancellationToken">Cancels a catalog reload.</param>
    /// <remarks>
    /// Not an async method: only a statement (QUERY event, which may reload the catalog after a DDL) and the ROWS event
    /// that takes a savepoint hold past its limit (the group is read ahead) can wait, so every other event — rows above
    /// all — completes synchronously without an async state machine.
    /// </remarks>
    public ValueTask<bool> HandleAsync(BinlogEvent binlogEvent, TransactionClassifier transactions, IStreamPosition source, CancellationToken cancellationToken)
    {
        ResetClock();
        var timestamp = binlogEvent.Header.Timestamp;
        _isMariaDb = source.IsMariaDb;
        var role = transactions.LastRole;
        switch (role)
        {
            case TransactionEventRole.None:
                break;
            case TransactionEventRole.Begin:
                if (binlogEvent is MariaDbGtidEvent or GtidEvent)
                    NewGroup(binlogEvent);
                Begin(timestamp);
                return new ValueTask<bool>(false);
            case TransactionEventRole.Savepoint when _plan is null:
                SetSavepoint(transactions.SavepointName, binlogEvent.Header.NextPosition);
                return new ValueTask<bool>(false);
            case TransactionEventRole.RollbackToSavepoint when _plan is null:
                RollBackToSavepoint(transactions.SavepointName);
                return new ValueTask<bool>(false);
            case TransactionEventRole.ReleaseSavepoint when _plan is null:
                ReleaseSavepoint(transactions.SavepointName);
                return new ValueTask<bool>(false);
            case TransactionEventRole.Savepoint or TransactionEventRole.RollbackToSavepoint or TransactionEventRole.ReleaseSavepoint:
                // The group was read ahead: its plan already says what these undo.
                return new ValueTask<bool>(false);
            case TransactionEventRole.Standalone:
                return HandleStandaloneAsync((QueryEvent)binlogEvent, source, cancellationToken);
            case TransactionEventRole.Rollback:
                RollBack(source, timestamp);
                return new ValueTask<bool>(true);
            default:
                // Every other role ends a group by a commit. An XA group's changes are not in the batch (see below): its
                // prepare and a rollback after it go out as transactions without rows, which move the position; an XA
                // COMMIT goes out with the prepared changes the caller has read again and fed through
                // HandlePreparedEvent before this.
                Commit(source, timestamp);
                return new ValueTask<bool>(true);
        }
        if (transactions.GroupIsXa && binlogEvent is RowsEvent or QueryEvent)
        {
            // Prepared, not committed: they reach clients at the commit (docs/server.md, "XA transactions").
            return new ValueTask<bool>(false);
        }
        switch (binlogEvent)
        {
            case RowsEvent rows:
                if (_plan is { } plan && plan.IsUndone(rows.Header.NextPosition))
                    return new ValueTask<bool>(false);
                HandleRows(rows);
                if (MustReadAhead(rows.Header))
                    return PlanGroupAsync(rows.Header.NextPosition, cancellationToken);
                return new ValueTask<bool>(_batchBytes >= _options.PacketSize && !HoldingGroup);
            case MariaDbGtidEvent or GtidEvent:
                NewGroup(binlogEvent);
                return new ValueTask<bool>(false);
            case QueryEvent query when _inTransaction:
                return HandleGroupStatementAsync(query, source, cancellationToken);
            case HeartbeatEvent when sendHeartbeats && !_inTransaction && _batch.Count == 0:
                Emit(VEventType.Heartbeat, 0);
                return new ValueTask<bool>(true);
            default:
                return new ValueTask<bool>(false);
        }
    }

    /// <summary>
    /// Handles one event of a prepared XA group read again from the binlog when its commit arrives: its row changes,
    /// statement-format DML and savepoints go into the committing transaction (its BEGIN is emitted when needed).
    /// Returns true when the batch must be handed on now (mid-transaction, as for any large transaction).
    /// </summary>
    /// <param name="binlogEvent">An event of the prepared group.</param>
    /// <param name="transactions">A classifier fed the prepared group's events (not the live stream's).</param>
    public bool HandlePreparedEvent(BinlogEvent binlogEvent, TransactionClassifier transactions)
    {
        ResetClock();
        Begin(binlogEvent.Header.Timestamp);
        switch (transactions.LastRole)
        {
            case TransactionEventRole.Savepoint:
                // No read-ahead here: a prepared group read again is held from its first savepoint to its end.
                SetSavepoint(transactions.SavepointName, binlogEvent.Header.NextPosition);
                return false;
            case TransactionEventRole.RollbackToSavepoint:
                RollBackToSavepoint(transactions.SavepointName);
                return false;
            case TransactionEventRole.ReleaseSavepoint:
                ReleaseSavepoint(transactions.SavepointName);
                return false;
        }
        switch (binlogEvent)
        {
            case RowsEvent rows:
                HandleRows(rows);
                return _batchBytes >= _options.PacketSize && !HoldingGroup;
            case QueryEvent query when DmlParser.Parse(query.Query) is { } dml:
                AppendDml(dml, query);
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// True while the batch must not be handed on before the group ends: a savepoint is open (a ROLLBACK TO may still
    /// retract what follows it), or the group is a CREATE … SELECT (its DDL and rows go out in one batch).
    /// </summary>
    /// <remarks>A savepoint hold is bounded by <see cref="ShardStreamerOptions.SavepointHoldBytes"/> when the group can be read ahead.</remarks>
    private bool HoldingGroup => _savepoints.Count > 0 || _holdGroup || (_mayRollBack && _plan is null);

    /// <summary>A group starts (GTID event): nothing of an earlier, unfinished group carries over.</summary>
    private void NewGroup(BinlogEvent gtid)
    {
        var header = gtid.Header;
        _groupIsDdl = gtid is MariaDbGtidEvent { IsDdl: true };
        // MariaDB sets FL_TRANSACTIONAL on every group that changed only transactional tables; only a group without it
        // (one that also touched a non-transactional table) can end in ROLLBACK, and then its row changes were undone.
        _mayRollBack = gtid is MariaDbGtidEvent { IsTransactional: false, IsStandalone: false };
        _transactionTimestamp = header.Timestamp;
        // MySQL's logical clock (last_committed, sequence_number) is what Vitess sends as commit_parent and
        // sequence_number. MariaDB's GTID event has no such clock: its commit_id only says which transactions were
        // group-committed together, not which one a transaction depends on, so those stay 0 (as Vitess's MariaDB flavor
        // leaves them); event_gtid is the group's own GTID in the flavor's notation (uuid:n, or domain-server-seq).
        (_groupCommitParent, _groupSequenceNumber, _groupEventGtid) = gtid switch
        {
            GtidEvent { HasLogicalClock: true } mysql => (mysql.LastCommitted, mysql.SequenceNumber, mysql.Gtid?.ToString() ?? ""),
            GtidEvent mysql => (0L, 0L, mysql.Gtid?.ToString() ?? ""),
            MariaDbGtidEvent mariaDb => (0L, 0L, mariaDb.Gtid.ToString()),
            _ => (0L, 0L, ""),
        };
        _savepoints.Clear();
        _holdGroup = false;
        _plan = null;
        _groupStart = header.NextPosition >= header.EventLength ? header.NextPosition - header.EventLength : 0;
    }

    private void SetSavepoint(string? name, ulong position)
    {
        if (!_inTransaction || name is null)
            return;
        // SAVEPOINT with the name of an existing savepoint replaces it (MySQL and MariaDB).
        var existing = _savepoints.FindLastIndex(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        if (existing >= 0)
            _savepoints.RemoveAt(existing);
        _savepoints.Add(new Savepoint(name, position, _batch.Count, _batchBytes));
    }

    /// <summary>
    /// True when the part of the group held since its first open savepoint has reached
    /// <see cref="ShardStreamerOptions.SavepointHoldBytes"/> and the group can be read ahead (its offsets are known: not
    /// inside a compressed transaction payload, whose events carry none).
    /// </summary>
    private bool MustReadAhead(EventHeader header) =>
        (_savepoints.Count > 0 || (_mayRollBack && _plan is null)) && readSavepointsAhead is not null && _groupStart > 0 &&
        header.NextPosition > _groupStart &&
        _batchBytes - (_mayRollBack && _plan is null ? _groupBody.BatchBytes : _savepoints[0].BatchBytes) >= _options.SavepointHoldBytes;

    /// <summary>
    /// Reads the group's savepoint statements ahead and stops holding: what a later ROLLBACK TO undoes is dropped now
    /// (the held part) or skipped when it arrives (by file offset), so the rest of the group goes on in packets.
    /// </summary>
    private async ValueTask<bool> PlanGroupAsync(ulong position, CancellationToken cancellationToken)
    {
        var plan = SavepointPlan.Compute(await readSavepointsAhead!(_groupStart, cancellationToken).ConfigureAwait(false), _groupStart);
        (int BatchCount, long BatchBytes)? earliest = null;
        foreach (var (from, to) in plan.Undone)
        {
            if (to <= position || from >= position)
                continue; // undone already (the ROLLBACK TO was handled), or wholly ahead (skipped when it arrives)
            (int BatchCount, long BatchBytes) point;
            if (from == _groupStart)
            {
                point = _groupBody;
            }
            else
            {
                var open = _savepoints.FindIndex(s => s.Position == from);
                if (open < 0)
                    throw new InvalidOperationException($"The savepoint at offset {from} read ahead is not open in the stream (group at {_groupStart}).");
                point = (_savepoints[open].BatchCount, _savepoints[open].BatchBytes);
            }
            if (earliest is null || point.BatchCount < earliest.Value.BatchCount)
                earliest = point;
        }
        if (earliest is { } undone)
            Retract(undone.BatchCount, undone.BatchBytes);
        _savepoints.Clear();
        _plan = plan;
        return _batchBytes >= _options.PacketSize && !HoldingGroup;
    }

    /// <summary>
    /// ROLLBACK TO x: the events since SAVEPOINT x were undone on the source; they are still in the batch (nothing is
    /// handed on while a savepoint is open), so they are dropped. x stays; later savepoints go.
    /// </summary>
    private void RollBackToSavepoint(string? name)
    {
        var index = name is null ? -1 : _savepoints.FindLastIndex(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            // The server logs SAVEPOINT x only once the group has changes: a ROLLBACK TO an x it did not log goes back
            // to the group's start.
            if (_inTransaction)
            {
                _savepoints.Clear();
                Retract(_groupBody.BatchCount, _groupBody.BatchBytes);
            }
            return;
        }
        var savepoint = _savepoints[index];
        _savepoints.RemoveRange(index + 1, _savepoints.Count - index - 1);
        Retract(savepoint.BatchCount, savepoint.BatchBytes);
    }

    /// <summary>Drops the batch's events from <paramref name="count"/> on (held, never handed on).</summary>
    private void Retract(int count, long bytes)
    {
        for (var i = count; i < _batch.Count; i++)
        {
            // A FIELD that is dropped was never seen by the client: the table's next ROW needs it again.
            if (ReferenceEquals(_batch[i], _heartbeatField))
                _heartbeat = _heartbeat! with { FieldSent = false };
            else if (_batch[i].FieldEvent is { } field && _tables.TryGetValue(field.TableName, out var table))
                _tables[field.TableName] = table with { FieldSent = false };
        }
        _batch.RemoveRange(count, _batch.Count - count);
        _batchBytes = bytes;
        _lastMap = null;
        _lastState = null;
    }

    private void ReleaseSavepoint(string? name)
    {
        // The changes since x now belong to the enclosing savepoint (or the group): only the names go.
        var index = name is null ? -1 : _savepoints.FindLastIndex(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
            _savepoints.RemoveRange(index, _savepoints.Count - index);
    }

    /// <summary>A statement that is a group of its own: DDL on a streamed table, or anything else (OTHER).</summary>
    private async ValueTask<bool> HandleStandaloneAsync(QueryEvent query, IStreamPosition source, CancellationToken cancellationToken)
    {
        var timestamp = query.Header.Timestamp;
        var ddl = DdlParser.Parse(query.Query);
        EmitPosition(source, timestamp);
        if (IsStreamed(ddl, query))
            await EmitDdlAsync(query, ddl, timestamp, cancellationToken).ConfigureAwait(false);
        else
            Emit(VEventType.Other, timestamp);
        _inTransaction = false;
        return true;
    }

    /// <summary>
    /// A statement inside a group: the CREATE of a CREATE … SELECT, statement-format DML, or anything else (dropped,
    /// e.g. CREATE TEMPORARY TABLE, XA END).
    /// </summary>
    private ValueTask<bool> HandleGroupStatementAsync(QueryEvent query, IStreamPosition source, CancellationToken cancellationToken)
    {
        if (DmlParser.Parse(query.Query) is { } dml)
        {
            if (_plan?.IsUndone(query.Header.NextPosition) != true)
                AppendDml(dml, query);
            return new ValueTask<bool>(false);
        }
        var ddl = DdlParser.Parse(query.Query);
        if (ddl.Kind == DdlKind.CreateTable && IsCreateSelect(query.Query) && IsStreamed(ddl, query))
            return HandleCreateSelectAsync(query, ddl, source, cancellationToken);
        return new ValueTask<bool>(false);
    }

    private void AppendDml(DmlStatement dml, QueryEvent query)
    {
        if (!IsStreamedDml(dml, query))
            return;
        var vevent = NewEvent(dml.Kind, query.Header.Timestamp);
        vevent.Dml = query.Query;
        Append(vevent);
    }

    /// <summary>
    /// The CREATE of a CREATE … SELECT (MariaDB: a GTID with FL_DDL, not standalone; MySQL 8.0.21+: "CREATE TABLE …
    /// START TRANSACTION" after BEGIN): <c>GTID (position before the group), DDL, BEGIN, FIELD, ROW…, GTID, COMMIT</c>,
    /// all in one batch, so a client that stops between the DDL and the COMMIT resumes before the whole group.
    /// </summary>
    private async ValueTask<bool> HandleCreateSelectAsync(QueryEvent query, DdlStatement ddl, IStreamPosition source, CancellationToken cancellationToken)
    {
        var timestamp = query.Header.Timestamp;
        var beginIndex = _batch.Count - 1;
        var atGroupStart = beginIndex >= 0 && _batch[beginIndex].Type == VEventType.Begin;
        if (atGroupStart)
        {
            var begin = _batch[beginIndex];
            _batch.RemoveAt(beginIndex);
            _batchBytes -= begin.CalculateSize();
            // The source has not finished the group: its position is the one before it.
            EmitPosition(source, timestamp);
        }
        await EmitDdlAsync(query, ddl, timestamp, cancellationToken).ConfigureAwait(false);
        if (atGroupStart)
            Emit(VEventType.Begin, _transactionTimestamp);
        _holdGroup = true;
        return false;
    }

    /// <summary>
    /// True for the CREATE of a CREATE … SELECT: in a MariaDB group flagged FL_DDL, or MySQL's atomic form ending in
    /// START TRANSACTION. Not CREATE TEMPORARY TABLE, which statement-format sessions log inside transactions.
    /// </summary>
    private bool IsCreateSelect(string sql)
    {
        if (sql.Contains("TEMPORARY", StringComparison.OrdinalIgnoreCase) && DdlParser.IsCreateTemporary(sql))
            return false;
        return _groupIsDdl || sql.AsSpan().TrimEnd().EndsWith("START TRANSACTION", StringComparison.OrdinalIgnoreCase);
    }

    private async ValueTask EmitDdlAsync(QueryEvent query, DdlStatement ddl, uint timestamp, CancellationToken cancellationToken)
    {
        var ddlEvent = NewEvent(VEventType.Ddl, timestamp);
        ddlEvent.Statement = query.Query;
        Append(ddlEvent);
        foreach (var (_, table) in ddl.Tables)
            _tables.Remove(table);
        _lastMap = null;
        _lastState = null;
        _catalog = await reloadCatalog(cancellationToken).ConfigureAwait(false);
    }

    private bool IsStreamed(DdlStatement ddl, QueryEvent query) =>
        ddl.Kind != DdlKind.None && !DdlParser.IsTemporaryTable(query.Query) && ddl.Tables.Any(t =>
            string.Equals(t.Database ?? query.Database, _options.Database, StringComparison.Ordinal) && planner.Matches(t.Table));

    /// <summary>
    /// Statement-format DML goes out (as Vitess's vstreamer sends it) when it runs in the streamed database and names a
    /// table the filter streams; a statement whose table cannot be read from its head goes by its database alone.
    /// </summary>
    private bool IsStreamedDml(DmlStatement dml, QueryEvent query)
    {
        var database = dml.Database ?? query.Database;
        if (database.Length > 0 && !string.Equals(database, _options.Database, StringComparison.Ordinal))
            return false;
        if (dml.Table is not { } table)
            return true;
        return planner.Matches(table) && (tableFilter is null || tableFilter(table));
    }

    private void Begin(uint timestamp)
    {
        if (_inTransaction)
            return;
        _inTransaction = true;
        _transactionTimestamp = timestamp;
        Emit(VEventType.Begin, timestamp);
        _groupBody = (_batch.Count, _batchBytes);
    }

    private void Commit(IStreamPosition source, uint timestamp)
    {
        if (!_inTransaction)
            Emit(VEventType.Begin, _transactionTimestamp);
        EmitPosition(source, timestamp);
        Emit(VEventType.Commit, timestamp);
        _inTransaction = false;
        _savepoints.Clear();
        _holdGroup = false;
        _mayRollBack = false;
        _plan = null;
    }

    /// <summary>
    /// A group that ends in a real ROLLBACK: MariaDB writes one when a transaction that also changed a non-transactional
    /// table rolls back (those changes went out as a group of their own); every row change in it was undone, so none
    /// reaches clients, and the group goes out as BEGIN, GTID, COMMIT (its position moves).
    /// </summary>
    private void RollBack(IStreamPosition source, uint timestamp)
    {
        // Held since the group's start (see _mayRollBack); with a read-ahead plan, its rows were dropped as they came.
        if (_inTransaction && _plan is null)
            Retract(_groupBody.BatchCount, _groupBody.BatchBytes);
        Commit(source, timestamp);
    }

    /// <summary>Appends a GTID event with the source's current position.</summary>
    public void AddPosition(IStreamPosition source, uint timestamp)
    {
        ResetClock();
        EmitPosition(source, timestamp);
    }

    private void EmitPosition(IStreamPosition source, uint timestamp)
    {
        var gtid = NewEvent(VEventType.Gtid, timestamp);
        gtid.Gtid = source.Position?.ToString() ?? "";
        Append(gtid);
    }

    private void HandleRows(RowsEvent rows)
    {
        var map = rows.TableMap;
        TableState? state;
        if (ReferenceEquals(map, _lastMap))
        {
            // The parser hands out one TableMapEvent per table definition: the same table as the last ROWS event.
            state = _lastState!;
        }
        else
        {
            // Only when the table changes (not per ROWS event of the same table), so the hot path stays as it was.
            if (_heartbeatTable is { } heartbeat && string.Equals(map.Table, heartbeat.Table, StringComparison.Ordinal) &&
                string.Equals(map.Database, heartbeat.Database, StringComparison.Ordinal))
            {
                HandleHeartbeatRows(rows);
                return;
            }
            if (!string.Equals(map.Database, _options.Database, StringComparison.Ordinal))
                return;
            state = LookUpTable(map);
            _lastMap = map;
            _lastState = state;
        }
        if (state.Plan is not { } tablePlan)
            return;
        if (!state.FieldSent)
        {
            AddField(map, map.Table, _catalog.GetColumns(map.Table), state.OutputColumns, rows.Header.Timestamp);
            state = state with { FieldSent = true };
            _tables[map.Table] = state;
            _lastState = state;
        }
        AddRows(rows, map, state, tablePlan);
    }

    /// <summary>
    /// Rows of the heartbeat table (stream_keyspace_heartbeats): every row and column, named <c>heartbeat</c> of the
    /// keyspace, FIELD first. Not cached in _lastMap, so the next ROWS event of a streamed table looks its table up again.
    /// </summary>
    private void HandleHeartbeatRows(RowsEvent rows)
    {
        var map = rows.TableMap;
        if (_heartbeat is not { } state || !ReferenceEquals(state.Columns, map.Columns))
        {
            var frame = new RowEventFrame(_options.Keyspace, Filtering.HeartbeatTableName.StreamedName, _options.Keyspace, _options.Shard);
            state = new TableState(map.Columns, new StreamTablePlan([], null, false), AllColumns(map.Columns.Count), FieldSent: false,
                frame, new RowEventShells(frame, internalTable: true));
        }
        if (!state.FieldSent)
        {
            // Columns named from the binlog's metadata (binlog_row_metadata=FULL, as for any table; else @1, @2, …).
            _heartbeatField = AddField(map, Filtering.HeartbeatTableName.StreamedName, null, state.OutputColumns, rows.Header.Timestamp);
            _heartbeatField.FieldEvent.IsInternalTable = true;
            state = state with { FieldSent = true };
        }
        _heartbeat = state;
        AddRows(rows, map, state, state.Plan!);
    }

    private void AddRows(RowsEvent rows, TableMapEvent map, TableState state, StreamTablePlan tablePlan)
    {
        var columns = state.OutputColumns;
        var encoder = _rowChanges;
        encoder.BeginEvent();
        foreach (var row in rows.GetRows())
        {
            var before = row.Before;
            var after = row.After;
            var beforePasses = before.IsPresent && Passes(tablePlan, map, before);
            var afterPasses = after.IsPresent && Passes(tablePlan, map, after);
            if (!beforePasses && !afterPasses)
                continue;
            var sendBefore = before.IsPresent && (beforePasses || !tablePlan.IsSharded);
            var sendAfter = after.IsPresent && (afterPasses || !tablePlan.IsSharded);
            var beforeImage = sendBefore ? Encode(map, before, columns, tablePlan, encoder) : -1;
            if (!sendAfter)
            {
                encoder.AddChange(beforeImage, -1);
                continue;
            }
            var afterImage = Encode(map, after, columns, tablePlan, encoder);
            // A partial after image (a column left out by binlog_row_image=NOBLOB, or a partial-JSON update) carries
            // data_columns as Vitess's processRowEvent sends it: the binlog's after-image column bitmap as it is, over
            // all the table's columns (not the filter's), the absent columns' values being NULL. A partial-JSON update
            // also carries json_partial_values, one bit per JSON column of the table (vstream-spec §1.3).
            var jsonColumns = rows.IsPartialUpdate ? PartialJsonBitmap(map, after, _partialJsonBits) : 0;
            if (jsonColumns > 0 || after.Cells.Length < rows.ColumnCount)
            {
                encoder.AddChange(beforeImage, afterImage, rows.ColumnCount, rows.AfterColumns.Span,
                    jsonColumns, _partialJsonBits.AsSpan(0, (jsonColumns + 7) / 8));
            }
            else
            {
                encoder.AddChange(beforeImage, afterImage);
            }
        }
        if (encoder.Count == 0)
            return;
        var vevent = NewEvent(VEventType.Row, rows.Header.Timestamp);
        // The RowEvent carries only names and flags (its row changes are in the encoding): one shell per table and flags
        // value is shared by all of that table's events, as the events themselves are shared and never changed.
        vevent.RowEvent = state.Shells!.Get((uint)rows.Flags);
        // Written in the form VTGate sends by default (table names prefixed with the keyspace); see VEvent.GetEncoded.
        vevent.EncodeRowChanges(state.Frame!, encoder.Length, encoder.Count, encoder, RowChangeEncoder.WriteChanges);
        Append(vevent, encoder.Length + RowEventOverhead);
    }

    /// <summary>The table's state for <paramref name="map"/>'s definition (made, with its plan, when the definition is new).</summary>
    private TableState LookUpTable(TableMapEvent map)
    {
        if (_tables.TryGetValue(map.Table, out var state) && ReferenceEquals(state.Columns, map.Columns))
            return state;
        var plan = tableFilter is null || tableFilter(map.Table) ? planner.Plan(map.Table, map) : null;
        var output = plan is null ? [] : plan.Columns.Length > 0 ? plan.Columns : AllColumns(map.Columns.Count);
        // The frame holds the names every ROW event of this table carries, encoded once.
        var frame = plan is null ? null : new RowEventFrame(_options.Keyspace, map.Table, _options.Keyspace, _options.Shard);
        state = new TableState(map.Columns, plan, output, FieldSent: false, frame, frame is null ? null : new RowEventShells(frame));
        _tables[map.Table] = state;
        return state;
    }

    // The batch size of a ROW event is its encoded row changes plus about the names and fixed fields of the event (instead
    // of adding up the exact size). PacketSize is a soft limit, so "about" is what it needs.
    private const int RowEventOverhead = 64;

    private const int MaxInitialBatchCapacity = 4096;

    private static bool Passes(StreamTablePlan plan, TableMapEvent map, RowImage image) =>
        plan.Predicate is null || plan.Predicate(map, image);

    /// <summary>Writes the image's output columns as an image of the encoder's event and returns its number.</summary>
    private static int Encode(TableMapEvent map, RowImage image, int[] columns, StreamTablePlan plan, RowChangeEncoder encoder)
    {
        // keyspace_id() is computed per image: an update that changes the vindex column changes it.
        var keyspaceId = plan.KeyspaceId is { } computeKeyspaceId ? computeKeyspaceId(map, image) : null;
        encoder.BeginImage();
        RowValueWriter.Write(map.Columns, image, columns, keyspaceId, encoder.Images);
        return encoder.EndImage();
    }

    /// <summary>
    /// Sets one bit per JSON column of the table in <paramref name="bits"/> where the after image carries a partial-JSON
    /// expression; returns the number of JSON columns, or 0 when no column is a partial-JSON expression.
    /// </summary>
    private static int PartialJsonBitmap(TableMapEvent map, RowImage image, byte[] bits)
    {
        var json = 0;
        var any = false;
        foreach (var column in map.Columns)
        {
            if (column.Type != ColumnType.Json)
                continue;
            if (json / 8 >= bits.Length)
                throw new InvalidOperationException("More JSON columns than MySQL allows in a table.");
            if (json % 8 == 0)
                bits[json / 8] = 0;
            if (image.TryGetCell(column.Index, out var cell) && cell.IsPartialJson)
            {
                bits[json / 8] |= (byte)(1 << (json % 8));
                any = true;
            }
            json++;
        }
        return any ? json : 0;
    }

    private VEvent AddField(TableMapEvent map, string tableName, IReadOnlyList<CatalogColumn>? catalogColumns, int[] columns, uint timestamp)
    {
        var fieldEvent = new FieldEvent { TableName = tableName, Keyspace = _options.Keyspace, Shard = _options.Shard };
        foreach (var index in columns)
        {
            if (index < 0)
            {
                fieldEvent.Fields.Add(OutputColumns.SyntheticField(index));
                continue;
            }
            var column = map.Columns[index];
            var catalogColumn = catalogColumns is not null && catalogColumns.Count == map.Columns.Count ? catalogColumns[index] : null;
            if (catalogColumn is not null && column.Name is not null && !string.Equals(catalogColumn.Name, column.Name, StringComparison.Ordinal))
                catalogColumn = null;
            var description = ColumnDescriber.Describe(column, catalogColumn, _isMariaDb);
            fieldEvent.Fields.Add(description.ToField(tableName, map.Database));
            if (column.Type is ColumnType.Enum or ColumnType.Set)
                fieldEvent.EnumSetStringValues = true;
        }
        var vevent = NewEvent(VEventType.Field, timestamp);
        vevent.FieldEvent = fieldEvent;
        Append(vevent);
        return vevent;
    }

    /// <summary>Appends an event that carries only the common fields (BEGIN, COMMIT, OTHER, HEARTBEAT).</summary>
    public void Add(VEventType type, uint timestamp)
    {
        ResetClock();
        Emit(type, timestamp);
    }

    private void Emit(VEventType type, uint timestamp) => Append(NewEvent(type, timestamp));

    private VEvent NewEvent(VEventType type, uint timestamp)
    {
        var vevent = new VEvent
        {
            Type = type,
            Timestamp = timestamp,
            CurrentTime = _currentTime ??= ReadClock(),
            Keyspace = _options.Keyspace,
            Shard = _options.Shard,
        };
        // A heartbeat belongs to no transaction; every other event the streamer makes comes from the current group.
        if (type != VEventType.Heartbeat)
        {
            vevent.CommitParent = _groupCommitParent;
            vevent.SequenceNumber = _groupSequenceNumber;
            vevent.EventGtid = _groupEventGtid;
        }
        return vevent;
    }

    private void Append(VEvent vevent, int? size = null)
    {
        _batch.Add(vevent);
        _batchBytes += size ?? vevent.CalculateSize();
    }

    // current_time (ns since the epoch) is read once per binlog event that produces events, by the first of them.
    private void ResetClock() => _currentTime = null;

    /// <summary>
    /// The wall clock for current_time, in ns since the epoch. The system clock is read at most once per tick of the coarse
    /// monotonic clock (<see cref="Environment.TickCount64"/>, 1–4 ms, a memory read on Linux) instead of once per ROW event:
    /// in a VM the precise clock costs tens of ns, a tenth of what the streamer spends per event, and vtgate uses
    /// current_time in whole seconds (skew, lag). Any other <see cref="TimeProvider"/> (tests) is asked every time.
    /// </summary>
    private long ReadClock()
    {
        var provider = _options.TimeProvider;
        if (!ReferenceEquals(provider, TimeProvider.System))
            return (provider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        var tick = Environment.TickCount64;
        if (tick != _clockTick)
        {
            _clockTick = tick;
            _clockNanos = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        }
        return _clockNanos;
    }

    private static int[] AllColumns(int count)
    {
        var all = new int[count];
        for (var i = 0; i < count; i++)
            all[i] = i;
        return all;
    }

    /// <summary>An open savepoint: its name, the offset after its SAVEPOINT event, and the batch as it was when it was set.</summary>
    private readonly record struct Savepoint(string Name, ulong Position, int BatchCount, long BatchBytes);

    /// <summary>What the stream knows about one table: the definition its plan and FIELD were made for.</summary>
    /// <param name="Columns">The binlog definition (TABLE_MAP columns) the plan and FIELD were made for.</param>
    /// <param name="Plan">The filter plan, or null when the table is not streamed.</param>
    /// <param name="OutputColumns">The table column indexes sent, in order.</param>
    /// <param name="FieldSent">True once the FIELD for this definition has gone out.</param>
    /// <param name="Frame">The encoded names of the table's ROW events (null when the table is not streamed).</param>
    /// <param name="Shells">The RowEvents the table's ROW events share (null when the table is not streamed).</param>
    private sealed record TableState(IReadOnlyList<ColumnInfo> Columns, StreamTablePlan? Plan, int[] OutputColumns, bool FieldSent,
        RowEventFrame? Frame, RowEventShells? Shells);

    /// <summary>
    /// The <see cref="RowEvent"/>s of one table's born-encoded ROW events: table name, keyspace, shard and flags, no row
    /// changes (those are in the encoding). They differ only in the flags (in practice two values: statement end or not), so
    /// events share them instead of carrying two objects each (RowEvent and its empty row-change list, ~100 B) that live as
    /// long as the event — in the open transaction's batch, then in the hub's ring. Sharing is safe because events are
    /// never changed once made (subscribers share them too).
    /// </summary>
    /// <param name="frame">The table's names.</param>
    /// <param name="internalTable">True for the heartbeat table: its events say <c>is_internal_table</c>, as Vitess's do.</param>
    private sealed class RowEventShells(RowEventFrame frame, bool internalTable = false)
    {
        private RowEvent? _last;
        private RowEvent? _other;

        public RowEvent Get(uint flags)
        {
            if (_last is { } last && last.Flags == flags)
                return last;
            if (_other is { } other && other.Flags == flags)
            {
                (_last, _other) = (other, _last);
                return other;
            }
            var shell = new RowEvent
            {
                TableName = frame.TableName, Keyspace = frame.Keyspace, Shard = frame.Shard, Flags = flags, IsInternalTable = internalTable,
            };
            (_last, _other) = (shell, _last);
            return shell;
        }
    }
}
