using System.Runtime.CompilerServices;
using Binlogdata;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.Protocol.Encoding;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.Schema;
using VGate.VStreamer.Streaming;
using VGate.VStreamer.Values;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// Streams the binlog from <paramref name="from"/> until the position includes <paramref name="to"/>, sending only the
/// row changes of tables <paramref name="tableFilter"/> accepts (transactions still go out as BEGIN, GTID, COMMIT so the
/// position advances). Supplied by <see cref="ShardStreamer"/>, whose streaming code does the work.
/// </summary>
internal delegate IAsyncEnumerable<IReadOnlyList<VEvent>> CatchUpStreamer(
    ReplicationPosition from, ReplicationPosition to, Func<string, bool> tableFilter, CancellationToken cancellationToken);

/// <summary>
/// The copy phase of one shard (VStream Copy, vstream-spec §2.6): copies the selected tables one by one, each from a
/// consistent snapshot, with catch-up of the binlog between tables, then reports COPY_COMPLETED; the stream continues
/// from <see cref="FinalPosition"/>.
/// </summary>
/// <remarks>
/// <para>Per table: open a snapshot (its exact GTID position S); if the stream already has a position P, stream P→S
/// (catch-up and fast-forward in one pass, events of tables not yet started dropped); then read the rows in key order
/// from the snapshot and send them:</para>
/// <list type="bullet">
/// <item>first batch: <c>BEGIN, FIELD, GTID(S), ROW…, LASTPK, COMMIT</c>, the GTID only when S is not the position the
/// stream last reported (as Vitess's uvstreamer: after a catch-up that ended at S, or a table whose snapshot saw no new
/// transaction since the previous one, there is none)</item>
/// <item>later batches: <c>BEGIN, ROW…, LASTPK, COMMIT</c> (a batch closes once its rows reach about PacketSize bytes; for a
/// table without key, only before a row that differs from the last one in its ordering columns)</item>
/// <item>table done: <c>BEGIN, LASTPK(completed), COMMIT</c>; an empty table sends <c>BEGIN, FIELD[, GTID]</c> first
/// (no COMMIT: the double-BEGIN quirk clients such as Debezium expect)</item>
/// </list>
/// <para>Copy events carry timestamp 0 and current_time 0, one ROW event per row (after image only).</para>
/// </remarks>
internal sealed class CopyPhaseRunner
{
    private readonly ShardStreamerOptions _options;
    private readonly ITablePlanner _planner;
    private readonly CatchUpStreamer _catchUp;

    public CopyPhaseRunner(ShardStreamerOptions options, ITablePlanner planner, CatchUpStreamer catchUp)
    {
        _options = options;
        _planner = planner;
        _catchUp = catchUp;
    }

    /// <summary>The position the stream continues from once <see cref="RunAsync"/> has finished.</summary>
    public ReplicationPosition FinalPosition { get; private set; }

    /// <summary>Test hook: runs before each table's snapshot is taken (with the table name).</summary>
    internal Func<string, CancellationToken, Task>? BeforeTable { get; init; }

    /// <param name="start">The request's position (resume), or null when the copy starts from nothing.</param>
    /// <param name="cancellationToken">Stops the copy.</param>
    public async IAsyncEnumerable<IReadOnlyList<VEvent>> RunAsync(ReplicationPosition? start, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tables = await PrepareAsync(start is not null, cancellationToken).ConfigureAwait(false);
        var pending = new HashSet<string>(tables.Where(t => t.Condition is null).Select(t => t.Schema.Name), StringComparer.Ordinal);

        await using var connection = await MySqlProtocolConnection.ConnectAsync(_options.Source, cancellationToken).ConfigureAwait(false);
        foreach (var statement in SessionSetup)
            await connection.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
        var snapshot = CopySnapshot.For(connection.IsMariaDb);

        var position = start;
        // The position the stream last reported (Vitess's uvstreamer pos): the request's, then each GTID sent.
        var reported = start;
        for (var index = 0; index < tables.Count; index++)
        {
            var table = tables[index];
            var next = index + 1 < tables.Count ? tables[index + 1] : null;
            if (BeforeTable is { } hook)
                await hook(table.Schema.Name, cancellationToken).ConfigureAwait(false);
            if (_options.Progress is { } progress)
                progress.CopyTableStarted(table.Schema.Name, await EstimateRowsAsync(connection, table.Schema.Name, cancellationToken).ConfigureAwait(false));
            var snapshotPosition = await snapshot.BeginAsync(connection, _options.Source, _options.Database, table.Schema.Name, cancellationToken).ConfigureAwait(false);
            if (position is { } from && !from.AtLeast(snapshotPosition))
            {
                var notStarted = pending.ToHashSet(StringComparer.Ordinal);
                await foreach (var batch in _catchUp(from, snapshotPosition, t => !notStarted.Contains(t), cancellationToken).ConfigureAwait(false))
                {
                    reported = LastPosition(batch) ?? reported;
                    yield return batch;
                }
            }
            position = snapshotPosition;
            pending.Remove(table.Schema.Name);

            // Vitess (uvstreamer.setPosition) sends the snapshot's GTID after the FIELD only when it differs from the
            // position already reported: not when the catch-up ended exactly there, nor when nothing was written since
            // the previous table's snapshot (vstream-spec §2.6).
            var moved = reported != snapshotPosition;
            reported = snapshotPosition;
            var fields = table.FieldEvent(_options, connection.IsMariaDb);
            await foreach (var batch in CopyRowsAsync(connection, table, fields, moved ? snapshotPosition : null, next, cancellationToken).ConfigureAwait(false))
                yield return batch;
            await CopySnapshot.EndAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        position ??= await snapshot.ReadCurrentPositionAsync(connection, cancellationToken).ConfigureAwait(false);
        FinalPosition = position.Value;
        yield return [NewEvent(VEventType.CopyCompleted)];
    }

    /// <summary>
    /// Session settings of the copy connection: TIMESTAMP values in UTC, values in their own character set (no
    /// conversion into the connection's), repeatable-read snapshots, and a long write timeout because the stream is
    /// pull-based and the consumer may pause between rows.
    /// </summary>
    private static readonly string[] SessionSetup =
    [
        "SET SESSION time_zone = '+00:00'",
        "SET SESSION character_set_results = binary",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SET SESSION net_write_timeout = 3600",
        // A table without key is ordered by the first 1024 bytes of its string columns (LastPk.KeylessSortPrefixBytes);
        // the server sorts strings by their first max_sort_length bytes only, so that must not be less.
        "SET SESSION max_sort_length = GREATEST(@@SESSION.max_sort_length, 1024)",
    ];

    /// <summary>
    /// <c>information_schema.TABLES.TABLE_ROWS</c> of a table, read once as its copy starts for the copy progress metrics:
    /// InnoDB's estimate (from index statistics, often off by tens of percent), exact for MyISAM/Aria; null when unknown.
    /// </summary>
    private async Task<long?> EstimateRowsAsync(MySqlProtocolConnection connection, string table, CancellationToken cancellationToken)
    {
        var sql = "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + SqlSession.QuoteString(_options.Database) +
            " AND TABLE_NAME = " + SqlSession.QuoteString(table);
        var text = await connection.QueryScalarAsync(sql, cancellationToken).ConfigureAwait(false);
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rows) ? rows : null;
    }

    private async Task<List<CopyTable>> PrepareAsync(bool hasPosition, CancellationToken cancellationToken)
    {
        CopySchemaLoader schema;
        await using (var connection = await MySqlProtocolConnection.ConnectAsync(_options.Source, cancellationToken).ConfigureAwait(false))
            schema = await CopySchemaLoader.LoadAsync(connection, _options.Database, cancellationToken).ConfigureAwait(false);
        var requests = CopyTableSelection.Select(schema.TableNames, _options.Filter, _planner, _options.TablesToCopy, _options.TablePKs, hasPosition);
        return requests.Select(r =>
        {
            var table = schema.Describe(r.Table);
            var plan = _planner.PlanCopy(table.Name, table.Columns.Select(c => c.Info).ToList(), table.IsKeyless ? [] : table.KeyColumns);
            if (table.IsKeyless && plan?.SelectExpressions is { Count: > 0 } converted)
            {
                // A column selected through convert()/convert_tz() reads other values than the column holds, so a
                // condition on the column could not use them: it does not order a keyless table (LastPk.IsKeylessOrderable).
                table = table with { KeyColumns = table.KeyColumns.Where(i => !converted.ContainsKey(i)).ToArray() };
            }
            return new CopyTable(table, r.LastPk is null ? null : LastPk.BuildCondition(table, r.LastPk), plan, r.LastPk);
        }).ToList();
    }

    private async IAsyncEnumerable<IReadOnlyList<VEvent>> CopyRowsAsync(
        MySqlProtocolConnection connection,
        CopyTable table,
        FieldEvent fieldEvent,
        ReplicationPosition? moveTo,
        CopyTable? next,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var schema = table.Schema;
        var keyFields = table.KeyFields(_options, connection.IsMariaDb);
        var sql = table.SelectSql(_options.Database);
        // The binary protocol saves the server formatting every value (null when a column needs the text protocol);
        // select expressions (convert, convert_tz) stay on the text protocol, whose form of them the tests pin.
        var binary = _options.CopyBinaryProtocol && table.Plan?.SelectExpressions is not { Count: > 0 }
            ? await BinaryResultReader.ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false)
            : null;
        var text = binary is null ? await TextResultReader.ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false) : null;
        var columnCount = schema.Columns.Count;
        var returned = binary?.ColumnCount ?? text!.ColumnCount;
        if (returned != columnCount)
            throw CopyQueryException.Malformed($"the copy query of {schema.Name} returned {returned} columns, expected {columnCount}");

        var cells = new (int Offset, int Length)[columnCount];
        var keyCells = new (int Offset, int Length)[schema.KeyColumns.Length];
        var lastKeyCells = new (int Offset, int Length)[schema.KeyColumns.Length];
        // The current row's values (cells index into it) and the previous row's (for its lastpk and the keyless
        // comparison): two buffers swapped per row, since each row is written into its event's encoding at once.
        var values = new byte[4096];
        var lastValues = new byte[4096];
        // A keyless table may hold identical rows (in the ordering columns); a full batch closes only before a row that
        // differs from the last one, so that resuming "after the last row" cannot skip its twins (see LastPk).
        var closeWhenKeyChanges = false;
        var comparedBytes = LastPk.ComparedBytes(schema);
        var batch = new List<VEvent> { NewEvent(VEventType.Begin), NewEvent(VEventType.Field, fieldEvent) };
        if (moveTo is { } snapshot)
            batch.Add(NewEvent(VEventType.Gtid, gtid: snapshot.ToString()));
        long batchBytes = 0;
        var rowsInBatch = 0;
        var sentAny = false;
        // Rows read since the last report to the progress (filtered-out rows too: the progress is through the table).
        long rowsRead = 0;
        // Decided once per table, not per row: whether rows are looked at (filter, keyspace id) or reshaped.
        var inspects = table.Plan is { Predicate: not null } or { KeyspaceId: not null };
        var outputColumns = table.Projects ? table.Plan!.Columns : null;
        var lengths = inspects ? new long[columnCount] : null;
        // ROW events are born encoded as the streaming phase's are (VEvent.EncodeRowChanges): no RowChange/Row objects
        // per row, and the gateway sends the bytes as they are instead of serializing the objects.
        var encoder = new RowChangeEncoder();
        var frame = new RowEventFrame(_options.Keyspace, schema.Name, _options.Keyspace, _options.Shard);
        var shell = new RowEvent { TableName = schema.Name, Keyspace = _options.Keyspace, Shard = _options.Shard };
        while (binary is not null ? await binary.ReadAsync(cancellationToken).ConfigureAwait(false) : await text!.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rowsRead++;
            ReadOnlySpan<byte> packet;
            int total;
            if (binary is not null)
            {
                total = binary.RenderRow(cells);
                packet = binary.Current;
            }
            else
            {
                packet = text!.Current.Span;
                total = TextResultReader.SplitRow(packet, cells);
            }
            if (values.Length < total)
                values = new byte[Math.Max(total, values.Length * 2)];
            var at = 0;
            for (var i = 0; i < columnCount; i++)
            {
                var (offset, length) = cells[i];
                if (lengths is not null)
                    lengths[i] = length;
                if (length > 0)
                {
                    packet.Slice(offset, length).CopyTo(values.AsSpan(at));
                    cells[i] = (at, length);
                    at += length;
                }
                else
                {
                    cells[i] = (at, length);
                }
            }
            for (var k = 0; k < keyCells.Length; k++)
                keyCells[k] = cells[schema.KeyColumns[k]];
            if (closeWhenKeyChanges && !SameKey(lastValues, lastKeyCells, values, keyCells, comparedBytes))
            {
                batch.Add(LastPkEvent(schema.Name, LastPk.Create(keyFields, lastValues, lastKeyCells), completed: false));
                batch.Add(NewEvent(VEventType.Commit));
                // The row just read opens the next batch: it is not in this one.
                ReportRows(schema.Name, rowsRead - 1);
                rowsRead = 1;
                yield return batch;
                sentAny = true;
                batch = [NewEvent(VEventType.Begin)];
                batchBytes = 0;
                rowsInBatch = 0;
                closeWhenKeyChanges = false;
            }
            (values, lastValues) = (lastValues, values);
            keyCells.CopyTo(lastKeyCells, 0);

            // The filter rule: rows that do not pass still move the lastpk, they are just not sent.
            var rowValues = lengths is not null ? RowValues.FromQueryRow(lengths, lastValues) : null;
            if (table.Plan?.Predicate is { } predicate && !predicate(rowValues!))
                continue;

            encoder.BeginEvent();
            encoder.BeginImage();
            if (outputColumns is null)
            {
                for (var i = 0; i < columnCount; i++)
                    encoder.Images.AddLength(cells[i].Length);
                encoder.Images.Write(lastValues.AsSpan(0, total));
            }
            else
            {
                WriteProjected(encoder.Images, lastValues, cells, outputColumns, table.Plan!.KeyspaceId is { } keyspaceId ? keyspaceId(rowValues!) : null);
            }
            encoder.AddChange(-1, encoder.EndImage());
            var rowEvent = NewEvent(VEventType.Row);
            rowEvent.RowEvent = shell;
            rowEvent.EncodeRowChanges(frame, encoder.Length, encoder.Count, encoder, RowChangeEncoder.WriteChanges);
            batch.Add(rowEvent);
            batchBytes += total + columnCount + 24;
            rowsInBatch++;

            if (batchBytes >= _options.PacketSize && schema.IsKeyless)
            {
                closeWhenKeyChanges = true;
            }
            else if (batchBytes >= _options.PacketSize)
            {
                batch.Add(LastPkEvent(schema.Name, LastPk.Create(keyFields, lastValues, keyCells), completed: false));
                batch.Add(NewEvent(VEventType.Commit));
                ReportRows(schema.Name, rowsRead);
                rowsRead = 0;
                yield return batch;
                sentAny = true;
                batch = [NewEvent(VEventType.Begin)];
                batchBytes = 0;
                rowsInBatch = 0;
            }
        }
        ReportRows(schema.Name, rowsRead);

        if (rowsInBatch > 0)
        {
            batch.Add(LastPkEvent(schema.Name, LastPk.Create(keyFields, lastValues, lastKeyCells), completed: false));
            batch.Add(NewEvent(VEventType.Commit));
            yield return batch;
        }
        else if (!sentAny)
        {
            // An empty table: BEGIN, FIELD (and GTID) without COMMIT, then the table-done group (Vitess's double BEGIN).
            yield return batch;
        }
        // The done group of a table that is not the last also names the next table (with the lastpk the request gave it,
        // or none): VTGate drops a completed table from the VGTID's table_p_ks, and a position without table_p_ks
        // resumes as "streaming only", so without it a VGTID taken between two tables would never copy the rest.
        yield return next is null
            ? [NewEvent(VEventType.Begin), LastPkEvent(schema.Name, null, completed: true), NewEvent(VEventType.Commit)]
            : [NewEvent(VEventType.Begin), LastPkEvent(schema.Name, null, completed: true), LastPkEvent(next.Schema.Name, next.ResumeKey, completed: false), NewEvent(VEventType.Commit)];
    }

    private void ReportRows(string table, long rows)
    {
        if (rows > 0)
            _options.Progress?.CopyRowsRead(table, rows);
    }

    /// <summary>
    /// True when two rows have the same place in the copy order: the same bytes (and NULLs) in the ordering columns, of
    /// string columns of a keyless table only the first <see cref="LastPk.KeylessSortPrefixBytes"/>.
    /// </summary>
    private static bool SameKey(byte[] a, (int Offset, int Length)[] aCells, byte[] b, (int Offset, int Length)[] bCells, int[] comparedBytes)
    {
        for (var k = 0; k < aCells.Length; k++)
        {
            var (aOffset, aLength) = aCells[k];
            var (bOffset, bLength) = bCells[k];
            if (aLength < 0 || bLength < 0)
            {
                if (aLength != bLength)
                    return false;
                continue;
            }
            var aValue = a.AsSpan(aOffset, Math.Min(aLength, comparedBytes[k]));
            var bValue = b.AsSpan(bOffset, Math.Min(bLength, comparedBytes[k]));
            if (!aValue.SequenceEqual(bValue))
                return false;
        }
        return true;
    }

    /// <summary>The position of the last GTID event of a catch-up batch, or null when it has none.</summary>
    private static ReplicationPosition? LastPosition(IReadOnlyList<VEvent> batch)
    {
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (batch[i].Type == VEventType.Gtid)
                return ReplicationPosition.Parse(batch[i].Gtid);
        }
        return null;
    }

    /// <summary>
    /// Writes the selected columns of a copied row, in the rule's order, as one image; <c>keyspace_id()</c> and <c>1</c>
    /// columns get the row's keyspace id and the text <c>1</c>.
    /// </summary>
    private static void WriteProjected(RowImageBuffer image, byte[] values, (int Offset, int Length)[] cells, int[] columns, byte[]? keyspaceId)
    {
        foreach (var column in columns)
        {
            if (Synthetic(column, keyspaceId) is { } synthetic)
            {
                image.AddLength(synthetic.Length);
                continue;
            }
            image.AddLength(cells[column].Length);
        }
        foreach (var column in columns)
        {
            if (Synthetic(column, keyspaceId) is { } synthetic)
            {
                image.Write(synthetic);
                continue;
            }
            var (offset, length) = cells[column];
            if (length > 0)
                image.Write(values.AsSpan(offset, length));
        }
    }

    private static readonly byte[] LiteralOne = [.. OutputColumns.LiteralOneValue];

    private static byte[]? Synthetic(int column, byte[]? keyspaceId) => column switch
    {
        OutputColumns.KeyspaceId => keyspaceId ?? throw new InvalidOperationException("keyspace_id() column without a keyspace id"),
        OutputColumns.LiteralOne => LiteralOne,
        _ => null,
    };

    private VEvent LastPkEvent(string table, Query.QueryResult? lastpk, bool completed) =>
        NewEvent(VEventType.Lastpk, lastPk: new LastPKEvent
        {
            TableLastPK = new TableLastPK { TableName = table, Lastpk = lastpk },
            Completed = completed,
        });

    /// <summary>A copy-phase event: keyspace and shard set, timestamp and current_time 0.</summary>
    private VEvent NewEvent(VEventType type, FieldEvent? field = null, string? gtid = null, RowEvent? rowEvent = null, LastPKEvent? lastPk = null)
    {
        var vevent = new VEvent { Type = type, Keyspace = _options.Keyspace, Shard = _options.Shard };
        if (field is not null)
            vevent.FieldEvent = field;
        if (gtid is not null)
            vevent.Gtid = gtid;
        if (rowEvent is not null)
            vevent.RowEvent = rowEvent;
        if (lastPk is not null)
            vevent.LastPKEvent = lastPk;
        return vevent;
    }

    /// <summary>A table to copy: its schema and, when resuming, the condition selecting the rows after its lastpk.</summary>
    private sealed record CopyTable(CopyTableSchema Schema, string? Condition, CopyRowPlan? Plan, Query.QueryResult? ResumeKey)
    {
        /// <summary>True when the rule selects a subset or a reordering of the columns.</summary>
        public bool Projects { get; } = Plan is { } plan && !plan.Columns.SequenceEqual(Enumerable.Range(0, Schema.Columns.Count));

        /// <summary>
        /// <c>SELECT cols FROM db.t FORCE INDEX (key) [WHERE cond] ORDER BY key</c>: every table column (through its
        /// convert/convert_tz expression when the rule has one); rows are filtered and projected as they arrive.
        /// </summary>
        public string SelectSql(string database)
        {
            // convert(… using utf8mb4) and convert_tz(…) items select the column through the function (as Vitess does).
            var columns = string.Join(", ", Schema.Columns.Select((c, i) => Plan?.SelectExpressions is { } expressions && expressions.TryGetValue(i, out var expression)
                ? expression + " AS " + LastPk.QuoteIdentifier(c.Name)
                : LastPk.QuoteIdentifier(c.Name)));
            var order = LastPk.OrderExpressions(Schema);
            var where = Condition is null ? "" : " WHERE " + Condition;
            var index = Schema.KeyName is { } keyName ? $" FORCE INDEX ({LastPk.QuoteIdentifier(keyName)})" : "";
            var orderBy = order.Length > 0 ? " ORDER BY " + string.Join(", ", order) : "";
            return $"SELECT {columns} FROM {LastPk.QuoteIdentifier(database)}.{LastPk.QuoteIdentifier(Schema.Name)}{index}{where}{orderBy}";
        }

        /// <summary>
        /// The fields of the lastpk: the ordering columns described like the table's columns (whatever columns the rule
        /// selects, the lastpk names table columns, as Vitess's row streamer does).
        /// </summary>
        public Query.Field[] KeyFields(ShardStreamerOptions options, bool isMariaDb) =>
            Schema.KeyColumns.Select(i =>
            {
                var column = Schema.Columns[i];
                var field = ColumnDescriber.Describe(column.Info, column.Catalog, isMariaDb).ToField(Schema.Name, options.Database);
                return new Query.Field { Name = field.Name, Type = field.Type, Charset = field.Charset, Flags = field.Flags };
            }).ToArray();

        /// <summary>The FIELD event: the columns described as the streaming phase describes them, ENUM/SET as strings.</summary>
        public FieldEvent FieldEvent(ShardStreamerOptions options, bool isMariaDb)
        {
            var fieldEvent = new FieldEvent
            {
                TableName = Schema.Name,
                Keyspace = options.Keyspace,
                Shard = options.Shard,
                EnumSetStringValues = true,
            };
            foreach (var index in Plan?.Columns ?? Enumerable.Range(0, Schema.Columns.Count).ToArray())
            {
                if (index < 0)
                {
                    fieldEvent.Fields.Add(OutputColumns.SyntheticField(index));
                    continue;
                }
                var column = Schema.Columns[index];
                var description = ColumnDescriber.Describe(column.Info, column.Catalog, isMariaDb);
                fieldEvent.Fields.Add(description.ToField(Schema.Name, options.Database));
            }
            return fieldEvent;
        }
    }
}
