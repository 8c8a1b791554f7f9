using System.Buffers;
using System.Runtime.CompilerServices;
using Binlogdata;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using RowChange = Binlogdata.RowChange;
using VGate.MySql.Binlog.Rows;
using VGate.MySql.Positions;
using VGate.MySql.Replication;
using VGate.VStreamer.CopyPhase;
using VGate.VStreamer.Ddl;
using VGate.VStreamer.Schema;
using VGate.VStreamer.Streaming;
using VGate.VStreamer.Values;

namespace VGate.VStreamer;

/// <summary>
/// One shard's stream of Vitess VEvents, read from one MySQL/MariaDB server's binlog (the tablet side of
/// VStream, vstream-spec §2.2). Pull-based: each yielded batch is a list of events the consumer owns, ending at a
/// transaction boundary (COMMIT, DDL, OTHER), at a HEARTBEAT, or mid-transaction once it reaches
/// <see cref="ShardStreamerOptions.PacketSize"/> bytes.
/// </summary>
/// <remarks>
/// <para>Grammar per transaction: <c>BEGIN, [FIELD], ROW…, GTID, COMMIT</c>; a DDL on a streamed table is
/// <c>GTID, DDL</c>; any other statement is <c>GTID, OTHER</c>; a transaction that touches no streamed table is still
/// <c>BEGIN, GTID, COMMIT</c> so positions advance. The GTID event carries the full position after the transaction
/// (<c>MariaDB/0-1-42</c>), the one to resume from once its COMMIT is processed.</para>
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
        : this(options, new RuleTablePlanner(options.Filter, options.PrimaryVindexes), logger)
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
        var session = new Session(this, await LoadCatalogAsync(cancellationToken).ConfigureAwait(false), tableFilter, sendHeartbeats: stopAt is null);
        await using var client = new BinlogClient(new BinlogClientOptions
        {
            Connection = _options.Source,
            Start = start,
            HeartbeatInterval = _options.HeartbeatInterval,
            TimeProvider = _options.TimeProvider,
        });

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
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw SourceErrors.ToVStreamException(ex, _options.Keyspace, _options.Shard);
            }

            if (first && start.IsCurrent)
            {
                // vstream-spec §2.2: a stream started at "current" first reports where it is.
                first = false;
                session.AddPosition(client, binlogEvent.Header.Timestamp);
                session.Add(VEventType.Other, binlogEvent.Header.Timestamp);
                yield return session.TakeBatch();
            }
            first = false;

            var flush = await session.HandleAsync(binlogEvent, client, cancellationToken).ConfigureAwait(false);
            var reachedStop = stopAt is { } stop && client.LastEventCompletedTransaction && client.Position is { } position && position.AtLeast(stop);
            if (flush || reachedStop)
                yield return session.TakeBatch();
            if (reachedStop)
                yield break;
        }
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
            await using var connection = new MySqlConnection(_options.Source.ToMySqlConnectorConnectionString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await SchemaCatalog.LoadAsync(connection, _options.Database, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MySqlException or IOException or TimeoutException)
        {
            throw SourceErrors.ToVStreamException(ex, _options.Keyspace, _options.Shard);
        }
    }

    /// <summary>The state of one stream: the batch being built, the transaction, and what FIELDs were sent.</summary>
    private sealed class Session(ShardStreamer owner, SchemaCatalog catalog, Func<string, bool>? tableFilter, bool sendHeartbeats)
    {
        private readonly ShardStreamerOptions _options = owner._options;
        private readonly Dictionary<string, TableState> _tables = new(StringComparer.Ordinal);
        private readonly ArrayBufferWriter<byte> _values = new(1024);
        private List<VEvent> _batch = [];
        private SchemaCatalog _catalog = catalog;
        private long _batchBytes;
        private bool _inTransaction;
        private bool _isMariaDb;
        private uint _transactionTimestamp;

        public List<VEvent> TakeBatch()
        {
            var batch = _batch;
            _batch = [];
            _batchBytes = 0;
            return batch;
        }

        /// <summary>Handles one binlog event; returns true when the batch must be handed on now.</summary>
        public async ValueTask<bool> HandleAsync(BinlogEvent binlogEvent, BinlogClient client, CancellationToken cancellationToken)
        {
            var timestamp = binlogEvent.Header.Timestamp;
            _isMariaDb = client.IsMariaDb;
            switch (binlogEvent)
            {
                case MariaDbGtidEvent gtid:
                    _transactionTimestamp = timestamp;
                    if (!gtid.IsStandalone)
                        Begin(timestamp);
                    return false;
                case GtidEvent:
                    _transactionTimestamp = timestamp;
                    return false;
                case QueryEvent query:
                    return await HandleQueryAsync(query, client, cancellationToken).ConfigureAwait(false);
                case RowsEvent rows:
                    HandleRows(rows);
                    return _batchBytes >= _options.PacketSize;
                case XidEvent:
                case XaPrepareEvent:
                    Commit(client, timestamp);
                    return true;
                case HeartbeatEvent when sendHeartbeats && !_inTransaction && _batch.Count == 0:
                    Add(VEventType.Heartbeat, 0);
                    return true;
                default:
                    return false;
            }
        }

        private async ValueTask<bool> HandleQueryAsync(QueryEvent query, BinlogClient client, CancellationToken cancellationToken)
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
                Commit(client, timestamp);
                return true;
            }
            if (StartsWith(sql, "SAVEPOINT") || StartsWith(sql, "XA END") || StartsWith(sql, "XA PREPARE"))
                return false;

            // A statement of its own: DDL on a streamed table, or anything else.
            var ddl = DdlParser.Parse(query.Query);
            var streamed = ddl.Kind != DdlKind.None && ddl.Tables.Any(t =>
                string.Equals(t.Database ?? query.Database, _options.Database, StringComparison.Ordinal) && owner._planner.Matches(t.Table));
            if (_inTransaction)
            {
                // A statement inside BEGIN … COMMIT (e.g. CREATE TEMPORARY TABLE): it has no position of its own.
                return false;
            }
            AddPosition(client, timestamp);
            if (streamed)
            {
                Add(VEventType.Ddl, timestamp, e => e.Statement = query.Query);
                foreach (var (_, table) in ddl.Tables)
                    _tables.Remove(table);
                _catalog = await owner.LoadCatalogAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Add(VEventType.Other, timestamp);
            }
            return true;
        }

        private void Begin(uint timestamp)
        {
            if (_inTransaction)
                return;
            _inTransaction = true;
            _transactionTimestamp = timestamp;
            Add(VEventType.Begin, timestamp);
        }

        private void Commit(BinlogClient client, uint timestamp)
        {
            if (!_inTransaction)
                Add(VEventType.Begin, _transactionTimestamp);
            AddPosition(client, timestamp);
            Add(VEventType.Commit, timestamp);
            _inTransaction = false;
        }

        public void AddPosition(BinlogClient client, uint timestamp)
        {
            var position = client.Position?.ToString() ?? "";
            Add(VEventType.Gtid, timestamp, e => e.Gtid = position);
        }

        private void HandleRows(RowsEvent rows)
        {
            var map = rows.TableMap;
            if (!string.Equals(map.Database, _options.Database, StringComparison.Ordinal))
                return;
            if (!_tables.TryGetValue(map.Table, out var state) || !ReferenceEquals(state.Columns, map.Columns))
            {
                var plan = tableFilter is null || tableFilter(map.Table) ? owner._planner.Plan(map.Table, map) : null;
                var output = plan is null ? [] : plan.Columns.Length > 0 ? plan.Columns : AllColumns(map.Columns.Count);
                state = new TableState(map.Columns, plan, output, FieldSent: false);
                _tables[map.Table] = state;
            }
            if (state.Plan is not { } tablePlan)
                return;
            if (!state.FieldSent)
            {
                AddField(map, state.OutputColumns, rows.Header.Timestamp);
                _tables[map.Table] = state with { FieldSent = true };
            }

            var rowEvent = new RowEvent
            {
                TableName = map.Table,
                Keyspace = _options.Keyspace,
                Shard = _options.Shard,
                Flags = (uint)rows.Flags,
            };
            var columns = state.OutputColumns;
            foreach (var row in rows.GetRows())
            {
                var before = row.Before;
                var after = row.After;
                var beforePasses = before.IsPresent && Passes(tablePlan, map, before);
                var afterPasses = after.IsPresent && Passes(tablePlan, map, after);
                if (!beforePasses && !afterPasses)
                    continue;
                var change = new RowChange();
                var sendBefore = before.IsPresent && (beforePasses || !tablePlan.IsSharded);
                var sendAfter = after.IsPresent && (afterPasses || !tablePlan.IsSharded);
                if (sendBefore)
                    change.Before = Encode(map, before, columns, out _);
                if (sendAfter)
                {
                    change.After = Encode(map, after, columns, out var partial);
                    if (partial)
                        change.JsonPartialValues = PartialJsonBitmap(map, after);
                }
                rowEvent.RowChanges.Add(change);
            }
            if (rowEvent.RowChanges.Count > 0)
                Add(VEventType.Row, rows.Header.Timestamp, e => e.RowEvent = rowEvent);
        }

        private static bool Passes(StreamTablePlan plan, TableMapEvent map, RowImage image) =>
            plan.Predicate is null || plan.Predicate(map, image);

        private Query.Row Encode(TableMapEvent map, RowImage image, int[] columns, out bool partial)
        {
            _values.ResetWrittenCount();
            var row = new Query.Row();
            partial = RowValueWriter.Write(map.Columns, image, columns, _values, row.Lengths);
            row.Values = ByteString.CopyFrom(_values.WrittenSpan);
            return row;
        }

        /// <summary>One bit per JSON column of the table, set where the after image carries a partial-JSON expression.</summary>
        private static RowChange.Types.Bitmap PartialJsonBitmap(TableMapEvent map, RowImage image)
        {
            var jsonColumns = map.Columns.Where(c => c.Type == ColumnType.Json).Select(c => c.Index).ToList();
            var bits = new byte[(jsonColumns.Count + 7) / 8];
            for (var j = 0; j < jsonColumns.Count; j++)
            {
                if (image.TryGetCell(jsonColumns[j], out var cell) && cell.IsPartialJson)
                    bits[j / 8] |= (byte)(1 << (j % 8));
            }
            return new RowChange.Types.Bitmap { Count = jsonColumns.Count, Cols = ByteString.CopyFrom(bits) };
        }

        private void AddField(TableMapEvent map, int[] columns, uint timestamp)
        {
            var catalogColumns = _catalog.GetColumns(map.Table);
            var fieldEvent = new FieldEvent { TableName = map.Table, Keyspace = _options.Keyspace, Shard = _options.Shard };
            foreach (var index in columns)
            {
                var column = map.Columns[index];
                var catalogColumn = catalogColumns is not null && catalogColumns.Count == map.Columns.Count ? catalogColumns[index] : null;
                if (catalogColumn is not null && column.Name is not null && !string.Equals(catalogColumn.Name, column.Name, StringComparison.Ordinal))
                    catalogColumn = null;
                var description = ColumnDescriber.Describe(column, catalogColumn, _isMariaDb);
                fieldEvent.Fields.Add(description.ToField(map.Table, map.Database));
                if (column.Type is ColumnType.Enum or ColumnType.Set)
                    fieldEvent.EnumSetStringValues = true;
            }
            Add(VEventType.Field, timestamp, e => e.FieldEvent = fieldEvent);
        }

        public void Add(VEventType type, uint timestamp, Action<VEvent>? fill = null)
        {
            var vevent = new VEvent
            {
                Type = type,
                Timestamp = timestamp,
                CurrentTime = (_options.TimeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100,
                Keyspace = _options.Keyspace,
                Shard = _options.Shard,
            };
            fill?.Invoke(vevent);
            _batch.Add(vevent);
            _batchBytes += vevent.CalculateSize();
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
        private sealed record TableState(IReadOnlyList<ColumnInfo> Columns, StreamTablePlan? Plan, int[] OutputColumns, bool FieldSent);
    }
}
