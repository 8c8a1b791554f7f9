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
internal sealed class StreamSession(
    ShardStreamerOptions options,
    ITablePlanner planner,
    SchemaCatalog catalog,
    Func<CancellationToken, Task<SchemaCatalog>> reloadCatalog,
    Func<string, bool>? tableFilter,
    bool sendHeartbeats)
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
    private bool _isMariaDb;
    private uint _transactionTimestamp;
    private long? _currentTime;
    private long _clockTick = long.MinValue;
    // The table of the last ROWS event of the streamed database, and its state (what _tables holds for it).
    private TableMapEvent? _lastMap;
    private TableState? _lastState;
    private long _clockNanos;

    public List<VEvent> TakeBatch()
    {
        var batch = _batch;
        // Batches tend to be alike (a transaction, or a packet's worth of rows): start the next one at the size of
        // this one instead of growing 4 → 8 → … → 2048 and copying each time.
        _batch = new List<VEvent>(Math.Min(batch.Count, MaxInitialBatchCapacity));
        _batchBytes = 0;
        return batch;
    }

    /// <summary>Handles one binlog event; returns true when the batch must be handed on now.</summary>
    /// <remarks>
    /// Not an async method: only a statement (QUERY event, which may reload the catalog after a DDL) can wait, so
    /// every other event — rows above all — completes synchronously without an async state machine.
    /// </remarks>
    public ValueTask<bool> HandleAsync(BinlogEvent binlogEvent, IStreamPosition source, CancellationToken cancellationToken)
    {
        ResetClock();
        var timestamp = binlogEvent.Header.Timestamp;
        _isMariaDb = source.IsMariaDb;
        switch (binlogEvent)
        {
            case RowsEvent rows:
                HandleRows(rows);
                return new ValueTask<bool>(_batchBytes >= _options.PacketSize);
            case MariaDbGtidEvent gtid:
                _transactionTimestamp = timestamp;
                if (!gtid.IsStandalone)
                    Begin(timestamp);
                return new ValueTask<bool>(false);
            case GtidEvent:
                _transactionTimestamp = timestamp;
                return new ValueTask<bool>(false);
            case QueryEvent query:
                return HandleQueryAsync(query, source, cancellationToken);
            case XidEvent:
            case XaPrepareEvent:
                Commit(source, timestamp);
                return new ValueTask<bool>(true);
            case HeartbeatEvent when sendHeartbeats && !_inTransaction && _batch.Count == 0:
                Emit(VEventType.Heartbeat, 0);
                return new ValueTask<bool>(true);
            default:
                return new ValueTask<bool>(false);
        }
    }

    private async ValueTask<bool> HandleQueryAsync(QueryEvent query, IStreamPosition source, CancellationToken cancellationToken)
    {
        var sql = query.Query.AsSpan().TrimStart();
        var timestamp = query.Header.Timestamp;
        if (StartsWith(sql, "BEGIN") || StartsWith(sql, "XA START"))
        {
            Begin(timestamp);
            return false;
        }
        if (StartsWith(sql, "COMMIT") || StartsWith(sql, "ROLLBACK") || StartsWith(sql, "XA COMMIT") || StartsWith(sql, "XA ROLLBACK"))
        {
            if (StartsWith(sql, "ROLLBACK TO"))
                return false;
            Commit(source, timestamp);
            return true;
        }
        if (StartsWith(sql, "SAVEPOINT") || StartsWith(sql, "XA END") || StartsWith(sql, "XA PREPARE"))
            return false;

        // A statement of its own: DDL on a streamed table, or anything else.
        var ddl = DdlParser.Parse(query.Query);
        var streamed = ddl.Kind != DdlKind.None && ddl.Tables.Any(t =>
            string.Equals(t.Database ?? query.Database, _options.Database, StringComparison.Ordinal) && planner.Matches(t.Table));
        if (_inTransaction)
        {
            // A statement inside BEGIN … COMMIT (e.g. CREATE TEMPORARY TABLE): it has no position of its own.
            return false;
        }
        EmitPosition(source, timestamp);
        if (streamed)
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
        else
        {
            Emit(VEventType.Other, timestamp);
        }
        return true;
    }

    private void Begin(uint timestamp)
    {
        if (_inTransaction)
            return;
        _inTransaction = true;
        _transactionTimestamp = timestamp;
        Emit(VEventType.Begin, timestamp);
    }

    private void Commit(IStreamPosition source, uint timestamp)
    {
        if (!_inTransaction)
            Emit(VEventType.Begin, _transactionTimestamp);
        EmitPosition(source, timestamp);
        Emit(VEventType.Commit, timestamp);
        _inTransaction = false;
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
            AddField(map, state.OutputColumns, rows.Header.Timestamp);
            state = state with { FieldSent = true };
            _tables[map.Table] = state;
            _lastState = state;
        }


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

    private void AddField(TableMapEvent map, int[] columns, uint timestamp)
    {
        var catalogColumns = _catalog.GetColumns(map.Table);
        var fieldEvent = new FieldEvent { TableName = map.Table, Keyspace = _options.Keyspace, Shard = _options.Shard };
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
            fieldEvent.Fields.Add(description.ToField(map.Table, map.Database));
            if (column.Type is ColumnType.Enum or ColumnType.Set)
                fieldEvent.EnumSetStringValues = true;
        }
        var vevent = NewEvent(VEventType.Field, timestamp);
        vevent.FieldEvent = fieldEvent;
        Append(vevent);
    }

    /// <summary>Appends an event that carries only the common fields (BEGIN, COMMIT, OTHER, HEARTBEAT).</summary>
    public void Add(VEventType type, uint timestamp)
    {
        ResetClock();
        Emit(type, timestamp);
    }

    private void Emit(VEventType type, uint timestamp) => Append(NewEvent(type, timestamp));

    private VEvent NewEvent(VEventType type, uint timestamp) => new()
    {
        Type = type,
        Timestamp = timestamp,
        CurrentTime = _currentTime ??= ReadClock(),
        Keyspace = _options.Keyspace,
        Shard = _options.Shard,
    };

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

    private static bool StartsWith(ReadOnlySpan<char> sql, string prefix) =>
        sql.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
        (sql.Length == prefix.Length || !char.IsAsciiLetterOrDigit(sql[prefix.Length]));

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
    private sealed class RowEventShells(RowEventFrame frame)
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
            var shell = new RowEvent { TableName = frame.TableName, Keyspace = frame.Keyspace, Shard = frame.Shard, Flags = flags };
            (_last, _other) = (shell, _last);
            return shell;
        }
    }
}
