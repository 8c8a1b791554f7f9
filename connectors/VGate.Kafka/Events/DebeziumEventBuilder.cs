using System.Text.Json;
using Binlogdata;

namespace VGate.Kafka.Events;

/// <summary>
/// Turns the VEvents of one VStream, in the order received, into Kafka records as the Debezium Vitess connector
/// writes them (docs/kafka-events.md). A transaction's rows are buffered from BEGIN until its VGTID and COMMIT (the
/// connector does the same, so <c>source.vgtid</c> is the VGTID after the transaction) and then returned together.
/// FIELD events are tracked per keyspace, shard and table; copy-phase rows (timestamp 0, after image only) give op
/// <c>c</c>, as in the Vitess connector, or <c>r</c> with <see cref="DebeziumEventOptions.CopyRowOperation"/> Read.
/// </summary>
/// <remarks>
/// <para>
/// Not thread-safe: one builder per stream, fed from one loop. Bad input (a ROW before its FIELD, a row whose column
/// count does not match, a type without a mapping, a value that does not parse) throws
/// <see cref="DebeziumEventException"/> and, through <see cref="Add"/>, nothing of the failing transaction is emitted
/// (through <see cref="TryRenderNext"/>, the records before the bad value were returned already); the builder is not
/// usable afterwards (the sink stops and resumes from <see cref="Position"/> after a restart).
/// </para>
/// <para>
/// Two ways to take the records: <see cref="Add"/> returns each as a <see cref="ChangeRecord"/> with arrays of its own;
/// <see cref="Feed"/> and <see cref="TryRenderNext"/> (what the sink uses) render a committed transaction's records one
/// at a time into reused buffers, so a 10,000-row transaction never holds 10,000 rendered records and producing one
/// allocates nothing for its JSON. Both run the same rendering code.
/// </para>
/// <para>
/// Event handling: BEGIN opens a transaction; FIELD replaces the table's schema; ROW is validated and buffered; VGTID
/// is remembered; COMMIT emits the transaction's records and moves <see cref="Position"/>; ROLLBACK drops the buffer;
/// DDL and OTHER move <see cref="Position"/> (DDL also writes a schema-change record when asked); HEARTBEAT writes a
/// heartbeat record once a position exists. Everything else (COPY_COMPLETED, JOURNAL, VERSION, statement-based DML…)
/// produces nothing.
/// </para>
/// </remarks>
public sealed class DebeziumEventBuilder : IDisposable
{
    private readonly DebeziumEventOptions _options;
    private readonly Dictionary<(string Keyspace, string Shard, string Table), TableSchema> _tables = [];
    private readonly JsonBuffer _json = new();
    private readonly JsonBuffer _vgtidJson = new(512);
    private readonly ValueScratch _scratch = new();
    private readonly RowCells _before = new();
    private readonly RowCells _after = new();
    private readonly JsonBuffer _keyA = new(512);
    private readonly JsonBuffer _keyB = new(512);
    private readonly TransactionRowStore _rows;
    private readonly List<ChangeRecord> _ready = [];
    private readonly PlannedRecord[] _plan = new PlannedRecord[3];
    private readonly Dictionary<string, long> _collectionCounts = new(StringComparer.Ordinal);
    private readonly List<string> _collectionOrder = [];
    private readonly byte[] _unavailablePlaceholder;
    private readonly JsonEncodedText _prefixText;
    private readonly JsonEncodedText _versionText;
    private readonly string _transactionTopic;
    private readonly string? _heartbeatTopic;

    private bool _open;
    private string _txKeyspace = "";
    private string _txShard = "";
    private VGtid? _pendingVgtid;
    private VGtid? _encodedVgtid;
    private JsonEncodedText _encodedVgtidText;
    private byte[]? _heartbeatKey;

    // Rendering state of a committed transaction (Feed sets it up, TryRenderNext walks it).
    private Emit _emit;
    private TransactionContext _context;
    private VGtid? _emitVgtid;
    private byte[]? _transactionKey;
    private int _readyTaken;
    private int _rowCursor;
    private int _changeCursor;
    private int _planCount;
    private int _planNext;
    private TableSchema? _planTable;
    private bool _planCopy;
    private bool _planCopyCreate;
    private int _keyId;

    /// <summary>Creates a builder; throws <see cref="ArgumentException"/> for an empty topic prefix.</summary>
    public DebeziumEventBuilder(DebeziumEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TopicPrefix, nameof(options));
        ArgumentNullException.ThrowIfNull(options.KeyColumns, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        ArgumentNullException.ThrowIfNull(options.UnavailableValuePlaceholder, nameof(options));
        if (options.HeartbeatTopicPrefix is { Length: 0 })
            throw new ArgumentException("HeartbeatTopicPrefix must be null (no heartbeats) or non-empty.", nameof(options));
        _options = options;
        _unavailablePlaceholder = System.Text.Encoding.UTF8.GetBytes(options.UnavailableValuePlaceholder);
        _prefixText = DebeziumJson.Encode(options.TopicPrefix);
        _versionText = DebeziumJson.Encode(DebeziumJson.SourceVersion);
        _transactionTopic = options.TopicPrefix + ".transaction";
        _heartbeatTopic = options.HeartbeatTopicPrefix is { } heartbeat ? heartbeat + "." + options.TopicPrefix : null;
        _rows = new TransactionRowStore(options.MaxBufferedRowBytes, options.SpillDirectory);
    }

    /// <summary>
    /// The VGTID the records taken so far correspond to (null before the first): the sink checkpoints it once those
    /// records are delivered. It moves when the last record of a transaction has been taken (or at once for events
    /// without records). It is the instance carried by the VGTID event; the builder does not change it.
    /// </summary>
    public VGtid? Position { get; private set; }

    /// <summary>
    /// Bytes of the open transaction's row events that went to its spill file (0 while it fits in
    /// <see cref="DebeziumEventOptions.MaxBufferedRowBytes"/>).
    /// </summary>
    public long TransactionSpilledBytes => _rows.SpilledBytes;

    /// <summary>
    /// Feeds one event; appends the records that became complete to <paramref name="output"/>, in produce order, each
    /// with arrays of its own. Throws <see cref="DebeziumEventException"/> for input that cannot be turned into records
    /// (see the class remarks); then nothing of the failing transaction is appended.
    /// </summary>
    /// <remarks>
    /// <see cref="Feed"/> and <see cref="TryRenderNext"/> do the same without an array per record; this method is
    /// built on them, so both give byte-identical records.
    /// </remarks>
    public void Add(VEvent vevent, ICollection<ChangeRecord> output)
    {
        ArgumentNullException.ThrowIfNull(vevent);
        ArgumentNullException.ThrowIfNull(output);
        Feed(vevent);
        List<ChangeRecord>? records = null;
        byte[]? lastKey = null;
        var lastKeyId = 0;
        while (TryRenderNext(out var record))
        {
            // Records of one row change that share a key (a delete and its tombstone) share its array, as documented on ChangeRecord.
            var converted = record.ToChangeRecord(record.KeyId != 0 && record.KeyId == lastKeyId ? lastKey : null);
            lastKey = converted.Key;
            lastKeyId = record.KeyId;
            (records ??= []).Add(converted);
        }
        if (records is null)
            return;
        foreach (var record in records)
            output.Add(record);
    }

    /// <summary>
    /// Feeds one event. Its records (if it completes any) are then taken one at a time with
    /// <see cref="TryRenderNext"/>, which must be called until it returns false before the next event is fed. Throws
    /// <see cref="DebeziumEventException"/> for input that cannot be turned into records (see the class remarks), and
    /// <see cref="InvalidOperationException"/> while records of the previous event are still waiting.
    /// </summary>
    public void Feed(VEvent vevent)
    {
        ArgumentNullException.ThrowIfNull(vevent);
        if (_emit != Emit.None || _readyTaken < _ready.Count)
            throw new InvalidOperationException("The records of the previous event have not all been taken (call TryRenderNext until it returns false).");
        _ready.Clear();
        _readyTaken = 0;
        switch (vevent.Type)
        {
            case VEventType.Begin:
                Begin(vevent);
                break;
            case VEventType.Field:
                Field(vevent);
                break;
            case VEventType.Row:
                Row(vevent);
                break;
            case VEventType.Vgtid:
                _pendingVgtid = vevent.Vgtid ?? throw new DebeziumEventException($"VGTID event on {Origin(vevent)} without a VGTID");
                break;
            case VEventType.Commit:
                Commit(vevent);
                break;
            case VEventType.Rollback:
                CloseTransaction();
                _pendingVgtid = null;
                break;
            case VEventType.Ddl:
                Ddl(vevent, _ready);
                break;
            case VEventType.Other:
                MovePosition();
                break;
            case VEventType.Heartbeat:
                Heartbeat(_ready);
                break;
            case VEventType.Insert or VEventType.Update or VEventType.Delete or VEventType.Replace when !_options.SkipStatementDml:
                throw new DebeziumEventException(
                    $"{Origin(vevent)}: a statement-based {vevent.Type} (a source session with binlog_format=STATEMENT) carries SQL, not " +
                    $"rows, so it cannot become change records: {vevent.Dml}. Log every session in ROW format; to go on without " +
                    "its changes (they will be missing from Kafka), set SkipStatementDml (--skip-statement-dml true).");
            default:
                break;
        }
    }

    /// <summary>
    /// Renders the next record of the last event fed, in produce order; false when there is none left (then
    /// <see cref="Position"/> has moved past the event). The record's key and value live in the builder's buffers
    /// until the next call (see <see cref="RecordView"/>). A value that does not convert throws
    /// <see cref="DebeziumEventException"/> here, after the records before it were returned; the builder is then not
    /// usable any more.
    /// </summary>
    public bool TryRenderNext(out RecordView record)
    {
        if (_readyTaken < _ready.Count)
        {
            var ready = _ready[_readyTaken++];
            record = new RecordView(ready.Topic, ready.Key, ready.Value, ready.Position, ready.Headers);
            return true;
        }
        while (true)
        {
            switch (_emit)
            {
                case Emit.None:
                    record = default;
                    return false;
                case Emit.Begin:
                    _emit = Emit.Changes;
                    if (_transactionKey is not null)
                    {
                        record = new RecordView(_transactionTopic, _transactionKey, _transactionKey, 0, TransactionValue(end: false), _context.Next(RecordKind.TransactionBegin), null);
                        return true;
                    }
                    break;
                case Emit.Changes:
                    if (_planNext < _planCount)
                    {
                        record = RenderPlanned(_plan[_planNext++]);
                        return true;
                    }
                    if (!PlanNextChange())
                        _emit = Emit.End;
                    break;
                case Emit.End:
                    _emit = Emit.Finish;
                    if (_transactionKey is not null)
                    {
                        record = new RecordView(_transactionTopic, _transactionKey, _transactionKey, 0, TransactionValue(end: true), _context.Next(RecordKind.TransactionEnd), null);
                        return true;
                    }
                    break;
                default:
                    // Every record of the transaction was taken: now the position moves past it.
                    Position = _emitVgtid;
                    _emitVgtid = null;
                    _transactionKey = null;
                    _planTable = null;
                    _emit = Emit.None;
                    CloseTransaction();
                    record = default;
                    return false;
            }
        }
    }

    /// <summary>Releases the JSON writers.</summary>
    public void Dispose()
    {
        _json.Dispose();
        _keyA.Dispose();
        _keyB.Dispose();
        _vgtidJson.Dispose();
        _rows.Dispose();
    }

    private void Begin(VEvent vevent)
    {
        // Vitess's copy phase sends BEGIN, FIELD, VGTID without a COMMIT for an empty table, then a new BEGIN: an open
        // transaction without rows is simply replaced. One with rows means a COMMIT went missing.
        if (_open && _rows.Count > 0)
        {
            throw new DebeziumEventException(
                $"BEGIN on {Origin(vevent)} while the transaction begun on {_txKeyspace}/{_txShard} still holds {_rows.Count} row events without a COMMIT");
        }
        CloseTransaction();
        _open = true;
        _txKeyspace = vevent.Keyspace;
        _txShard = vevent.Shard;
    }

    private void Field(VEvent vevent)
    {
        var field = vevent.FieldEvent ?? throw new DebeziumEventException($"FIELD event on {Origin(vevent)} without a field event");
        if (field.IsInternalTable && !_options.IncludeInternalTables)
            return;
        var keyspace = vevent.Keyspace.Length > 0 ? vevent.Keyspace : field.Keyspace;
        var shard = vevent.Shard.Length > 0 ? vevent.Shard : field.Shard;
        var (resolvedKeyspace, table) = SplitTableName(keyspace, field.TableName);
        _tables[(resolvedKeyspace, shard, field.TableName)] = TableSchema.Create(field, resolvedKeyspace, shard, table, _options, _json);
    }

    private void Row(VEvent vevent)
    {
        var rowEvent = vevent.RowEvent ?? throw new DebeziumEventException($"ROW event on {Origin(vevent)} without a row event");
        if (rowEvent.IsInternalTable && !_options.IncludeInternalTables)
            return;
        var keyspace = vevent.Keyspace.Length > 0 ? vevent.Keyspace : rowEvent.Keyspace;
        var shard = vevent.Shard.Length > 0 ? vevent.Shard : rowEvent.Shard;
        if (keyspace.Length == 0)
            keyspace = SplitTableName(keyspace, rowEvent.TableName).Keyspace;
        if (!_tables.TryGetValue((keyspace, shard, rowEvent.TableName), out var table))
        {
            throw new DebeziumEventException(
                $"ROW for table '{rowEvent.TableName}' on {keyspace}/{shard} arrived before any FIELD event for it; " +
                "a VStream sends a table's FIELD before its first ROW, so the stream is malformed");
        }
        if (!_open)
            throw new DebeziumEventException($"ROW for table '{rowEvent.TableName}' on {keyspace}/{shard} outside a transaction (no BEGIN)");
        if (!table.Included)
            return;

        var columns = table.Columns.Length;
        for (var i = 0; i < rowEvent.RowChanges.Count; i++)
        {
            var change = rowEvent.RowChanges[i];
            if (change.Before is null && change.After is null)
                throw Malformed(table, i, "has neither a before nor an after image");
            if (change.Before is { } before && RowCells.Validate(before, columns) is { } beforeProblem)
                throw Malformed(table, i, "before image " + beforeProblem);
            if (change.After is { } after && RowCells.Validate(after, columns) is { } afterProblem)
                throw Malformed(table, i, "after image " + afterProblem);
            if (change.DataColumns is { } data && DataColumnsProblem(data, columns) is { } dataProblem)
                throw Malformed(table, i, dataProblem);
            if (change.JsonPartialValues is { } partial && AnySet(partial))
                throw Malformed(table, i, "holds a partial JSON update; turn off binlog_row_value_options=PARTIAL_JSON on the source");
        }
        _rows.Add(table, rowEvent, vevent.Timestamp == 0);
    }

    private void Commit(VEvent vevent)
    {
        if (!_open)
        {
            // A COMMIT without BEGIN (e.g. after a forwarded JOURNAL) only moves the position.
            MovePosition();
            return;
        }
        var vgtid = _pendingVgtid;
        if (vgtid is null)
        {
            if (_rows.Count > 0)
                throw new DebeziumEventException($"COMMIT on {Origin(vevent)} for a transaction with {_rows.Count} row events but no VGTID");
            CloseTransaction();
            return;
        }
        _pendingVgtid = null;
        if (!StartTransaction(vevent, vgtid))
        {
            Position = vgtid;
            CloseTransaction();
        }
    }

    /// <summary>
    /// Sets up the rendering of a committed transaction's records (<see cref="TryRenderNext"/>); false when it has no
    /// row changes and so no records.
    /// </summary>
    private bool StartTransaction(VEvent commit, VGtid vgtid)
    {
        var keyspace = _txKeyspace.Length > 0 ? _txKeyspace : commit.Keyspace.Length > 0 ? commit.Keyspace : _rows.Count > 0 ? _rows.First.Table.Keyspace : "";
        var shard = _txShard.Length > 0 ? _txShard : commit.Shard.Length > 0 ? commit.Shard : _rows.Count > 0 ? _rows.First.Table.Shard : "";
        var changes = _rows.Changes;
        // Indexed loops over protobuf RepeatedFields below: their enumerators are classes (an allocation per loop).
        if (changes == 0)
            return false;

        var gtid = ShardGtid(vgtid, keyspace, shard);
        var now = _options.TimeProvider.GetUtcNow();
        _context = new TransactionContext
        {
            Keyspace = keyspace,
            Shard = shard,
            Gtid = gtid,
            Vgtid = EncodeVgtid(vgtid),
            NowMs = now.ToUnixTimeMilliseconds(),
            NowUs = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10,
            CommitMs = commit.Timestamp > 0 ? commit.Timestamp * 1000 : now.ToUnixTimeMilliseconds(),
        };
        _transactionKey = _options.TransactionMetadata ? TransactionKey() : null;
        _emitVgtid = vgtid;
        _rowCursor = 0;
        _changeCursor = 0;
        _planCount = 0;
        _planNext = 0;
        _emit = Emit.Begin;
        return true;
    }

    /// <summary>Moves to the next row change and plans its records (keys rendered); false after the last one.</summary>
    private bool PlanNextChange()
    {
        while (_rowCursor < _rows.Count)
        {
            var row = _rows.Get(_rowCursor);
            var rowChanges = row.Event.RowChanges;
            if (_changeCursor < rowChanges.Count)
            {
                PlanChange(row, rowChanges[_changeCursor++]);
                return true;
            }
            _rowCursor++;
            _changeCursor = 0;
        }
        return false;
    }

    /// <summary>
    /// Loads a row change's images and plans the records it becomes. Keys are rendered now, into buffers of their own,
    /// since a delete's tombstone and a key change's three records share them; values are rendered one at a time.
    /// </summary>
    private void PlanChange(TransactionRowStore.StoredRow row, RowChange change)
    {
        var table = row.Table;
        var before = change.Before;
        var after = change.After;
        if (before is not null)
            _before.Load(before);
        if (after is not null)
            _after.Load(after);
        if (change.DataColumns is { } dataColumns)
        {
            // A partial after image (NOBLOB): its absent BLOB/TEXT columns get the placeholder. The before image has no
            // bitmap of its own; as Debezium's Vitess connector does then, the after image's is applied to it too (a
            // column NOBLOB left out of the after image was left out of the before image as well).
            var bits = dataColumns.Cols.Span;
            if (after is not null)
                _after.MarkUnavailable(bits, table.Columns);
            if (before is not null && after is not null)
                _before.MarkUnavailable(bits, table.Columns);
        }
        _planTable = table;
        // Copy-phase rows are marked only in CopyRowOperation.Read; by default they are inserts, as in the Vitess connector.
        _planCopy = row.Copy && _options.CopyRowOperation == CopyRowOperation.Read;
        _planCopyCreate = row.Copy && !_planCopy;
        _planCount = 0;
        _planNext = 0;

        if (before is null)
        {
            var key = Key(table, _after, _keyA);
            Plan(new PlannedRecord(_planCopy ? (byte)'r' : (byte)'c', HasBefore: false, HasAfter: true, key, null, 0, null));
        }
        else if (after is null)
        {
            var key = Key(table, _before, _keyA);
            var keyId = NextKeyId();
            Plan(new PlannedRecord((byte)'d', HasBefore: true, HasAfter: false, key, null, keyId, null));
            PlanTombstone(key, null, keyId);
        }
        else if (table.KeyIndexes.Length > 0 && KeyChanged(table))
        {
            // A primary-key change is a delete of the old key (and its tombstone) and a create of the new one, each
            // carrying the other key as a header: the keys get arrays of their own (a rare path).
            var oldKey = Key(table, _before, _keyA)!.Value.ToArray();
            var newKey = Key(table, _after, _keyB)!.Value.ToArray();
            Plan(new PlannedRecord((byte)'d', HasBefore: true, HasAfter: false, oldKey, oldKey, 0, [new("__debezium.newkey", newKey)]));
            PlanTombstone(oldKey, oldKey, 0);
            Plan(new PlannedRecord((byte)'c', HasBefore: false, HasAfter: true, newKey, newKey, 0, [new("__debezium.oldkey", oldKey)]));
        }
        else
        {
            var key = Key(table, _after, _keyA);
            Plan(new PlannedRecord((byte)'u', HasBefore: true, HasAfter: true, key, null, 0, null));
        }
    }

    private int NextKeyId() => _keyId = _keyId == int.MaxValue ? 1 : _keyId + 1;

    private void Plan(PlannedRecord record) => _plan[_planCount++] = record;

    private void PlanTombstone(ReadOnlyMemory<byte>? key, byte[]? ownedKey, int keyId)
    {
        // As in Debezium (EventDispatcher), a keyless table's delete is followed by a tombstone too, with a null key.
        if (_options.TombstonesOnDelete)
            Plan(new PlannedRecord(0, HasBefore: false, HasAfter: false, key, ownedKey, keyId, null));
    }

    private RecordView RenderPlanned(in PlannedRecord planned)
    {
        var table = _planTable!;
        if (planned.Op == 0)
            return new RecordView(table.Topic, planned.Key, planned.OwnedKey, planned.KeyId, null, _context.Next(RecordKind.Tombstone), null);
        var value = Data(table, planned.Op, planned.HasBefore, planned.HasAfter, _planCopy, _planCopyCreate);
        return new RecordView(table.Topic, planned.Key, planned.OwnedKey, planned.KeyId, value, _context.Next(RecordKind.Change), planned.Headers);
    }

    private bool KeyChanged(TableSchema table)
    {
        foreach (var index in table.KeyIndexes)
        {
            if (!RowCells.SameCell(_before, _after, index))
                return true;
        }
        return false;
    }

    /// <summary>Writes a change event's value into the shared buffer and returns it (valid until the next record).</summary>
    /// <remarks>
    /// <paramref name="copyRead"/>: a copy-phase row marked as a read (processing time, snapshot "true");
    /// <paramref name="copyCreate"/>: a copy-phase row written as the Vitess connector does (an insert whose
    /// <c>source.ts_ms</c> is the copy transaction's BEGIN time, 0 in a VStream copy).
    /// </remarks>
    private ReadOnlyMemory<byte> Data(TableSchema table, byte op, bool hasBefore, bool hasAfter, bool copyRead, bool copyCreate)
    {
        ref var context = ref _context;
        context.TotalOrder++;
        _collectionCounts.TryGetValue(table.DataCollection, out var collectionOrder);
        if (collectionOrder == 0)
            _collectionOrder.Add(table.DataCollection);
        _collectionCounts[table.DataCollection] = ++collectionOrder;

        var writer = _json.Start();
        var schemas = _options.SchemasEnabled;
        if (schemas)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(DebeziumJson.Schema);
            writer.WriteRawValue(table.EnvelopeSchema!, skipInputValidation: true);
            writer.WritePropertyName(DebeziumJson.Payload);
        }
        writer.WriteStartObject();
        writer.WritePropertyName(DebeziumJson.Before);
        if (hasBefore)
            WriteRow(writer, table, _before);
        else
            writer.WriteNullValue();
        writer.WritePropertyName(DebeziumJson.After);
        if (hasAfter)
            WriteRow(writer, table, _after);
        else
            writer.WriteNullValue();
        var sourceMs = copyRead ? context.NowMs : copyCreate ? 0 : context.CommitMs;
        WriteSource(writer, table.KeyspaceText, table.TableText, table.ShardText, sourceMs, copyRead, context.Vgtid);
        writer.WriteString(DebeziumJson.Op, OpText(op));
        writer.WriteNumber(DebeziumJson.TsMs, context.NowMs);
        writer.WriteNumber(DebeziumJson.TsUs, context.NowUs);
        writer.WriteNumber(DebeziumJson.TsNs, context.NowUs * 1000);
        if (_options.TransactionMetadata)
        {
            writer.WriteStartObject(DebeziumJson.Transaction);
            writer.WriteString(DebeziumJson.Id, context.Vgtid);
            writer.WriteNumber(DebeziumJson.TotalOrder, context.TotalOrder);
            writer.WriteNumber(DebeziumJson.DataCollectionOrder, collectionOrder);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(DebeziumJson.Transaction);
        }
        writer.WriteEndObject();
        if (schemas)
            writer.WriteEndObject();
        return _json.WrittenMemory;
    }

    private static ReadOnlySpan<byte> OpText(byte op) => op switch
    {
        (byte)'c' => "c"u8,
        (byte)'r' => "r"u8,
        (byte)'u' => "u"u8,
        _ => "d"u8,
    };

    private void WriteRow(Utf8JsonWriter writer, TableSchema table, RowCells cells)
    {
        writer.WriteStartObject();
        var columns = table.Columns;
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            if (column.IsOmitted)
                continue;
            writer.WritePropertyName(column.EncodedName);
            if (!cells.IsNull(i))
                column.WriteValue(writer, cells.Cell(i), _scratch);
            else if (cells.HasUnavailable && cells.IsUnavailable(i))
                column.WriteValue(writer, _unavailablePlaceholder, _scratch);
            else
                writer.WriteNullValue();
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes the record key into <paramref name="buffer"/> and returns it; null for a table without a key.</summary>
    private ReadOnlyMemory<byte>? Key(TableSchema table, RowCells cells, JsonBuffer buffer)
    {
        if (table.KeyIndexes.Length == 0)
            return null;
        var writer = buffer.Start();
        if (_options.SchemasEnabled)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(DebeziumJson.Schema);
            writer.WriteRawValue(table.KeySchema!, skipInputValidation: true);
            writer.WritePropertyName(DebeziumJson.Payload);
        }
        writer.WriteStartObject();
        foreach (var index in table.KeyIndexes)
        {
            var column = table.Columns[index];
            writer.WritePropertyName(column.EncodedName);
            if (cells.IsNull(index))
                writer.WriteNullValue();
            else
                column.WriteValue(writer, cells.Cell(index), _scratch);
        }
        writer.WriteEndObject();
        if (_options.SchemasEnabled)
            writer.WriteEndObject();
        return buffer.WrittenMemory;
    }

    /// <summary>The <c>source</c> block of the Vitess connector (<c>io.debezium.connector.vitess.Source</c>).</summary>
    private void WriteSource(Utf8JsonWriter writer, JsonEncodedText keyspace, JsonEncodedText table, JsonEncodedText shard, long sourceMs, bool snapshot, JsonEncodedText vgtid)
    {
        writer.WriteStartObject(DebeziumJson.Source);
        writer.WriteString(DebeziumJson.Version, _versionText);
        writer.WriteString(DebeziumJson.Connector, DebeziumJson.Vitess);
        writer.WriteString(DebeziumJson.Name, _prefixText);
        writer.WriteNumber(DebeziumJson.TsMs, sourceMs);
        writer.WriteString(DebeziumJson.Snapshot, snapshot ? DebeziumJson.True : DebeziumJson.False);
        writer.WriteString(DebeziumJson.Db, DebeziumJson.Empty);
        writer.WriteNull(DebeziumJson.Sequence);
        writer.WriteNumber(DebeziumJson.TsUs, sourceMs * 1000);
        writer.WriteNumber(DebeziumJson.TsNs, sourceMs * 1_000_000);
        writer.WriteString(DebeziumJson.Keyspace, keyspace);
        writer.WriteString(DebeziumJson.Table, table);
        writer.WriteString(DebeziumJson.Shard, shard);
        writer.WriteString(DebeziumJson.Vgtid, vgtid);
        writer.WriteEndObject();
    }

    private byte[] TransactionKey()
    {
        ref readonly var context = ref _context;
        var writer = _json.Start();
        if (_options.SchemasEnabled)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(DebeziumJson.Schema);
            writer.WriteRawValue(FixedSchemas.TransactionKey, skipInputValidation: true);
            writer.WritePropertyName(DebeziumJson.Payload);
        }
        writer.WriteStartObject();
        writer.WriteString(DebeziumJson.Id, context.Vgtid);
        writer.WriteEndObject();
        if (_options.SchemasEnabled)
            writer.WriteEndObject();
        return _json.ToArray();
    }

    /// <summary>A transaction BEGIN or END value, in the shared buffer (valid until the next record).</summary>
    private ReadOnlyMemory<byte> TransactionValue(bool end)
    {
        ref readonly var context = ref _context;
        var writer = _json.Start();
        if (_options.SchemasEnabled)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(DebeziumJson.Schema);
            writer.WriteRawValue(FixedSchemas.TransactionValue, skipInputValidation: true);
            writer.WritePropertyName(DebeziumJson.Payload);
        }
        writer.WriteStartObject();
        writer.WriteString(DebeziumJson.Status, end ? "END"u8 : "BEGIN"u8);
        writer.WriteString(DebeziumJson.Id, context.Vgtid);
        if (end)
        {
            writer.WriteNumber(DebeziumJson.EventCount, context.TotalOrder);
            writer.WriteStartArray(DebeziumJson.DataCollections);
            foreach (var collection in _collectionOrder)
            {
                writer.WriteStartObject();
                writer.WriteString(DebeziumJson.DataCollection, collection);
                writer.WriteNumber(DebeziumJson.EventCount, _collectionCounts[collection]);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull(DebeziumJson.EventCount);
            writer.WriteNull(DebeziumJson.DataCollections);
        }
        writer.WriteNumber(DebeziumJson.TsMs, context.CommitMs);
        writer.WriteEndObject();
        if (_options.SchemasEnabled)
            writer.WriteEndObject();
        return _json.WrittenMemory;
    }

    private void Ddl(VEvent vevent, List<ChangeRecord> output)
    {
        var vgtid = _pendingVgtid;
        if (_options.IncludeSchemaChanges)
        {
            if (vgtid is null)
                throw new DebeziumEventException($"DDL on {Origin(vevent)} without a preceding VGTID: '{vevent.Statement}'");
            var table = DdlText.TableName(vevent.Statement);
            if (table is null || (_options.TableFilter?.Invoke(vevent.Keyspace, table) ?? true))
                output.Add(SchemaChange(vevent, vgtid, table ?? ""));
        }
        MovePosition();
    }

    private ChangeRecord SchemaChange(VEvent vevent, VGtid vgtid, string table)
    {
        var gtid = ShardGtid(vgtid, vevent.Keyspace, vevent.Shard);
        var vgtidText = EncodeVgtid(vgtid);
        var now = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var schemas = _options.SchemasEnabled;

        var writer = _json.Start();
        if (schemas)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(DebeziumJson.Schema);
            writer.WriteRawValue(FixedSchemas.SchemaChangeKey, skipInputValidation: true);
            writer.WritePropertyName(DebeziumJson.Payload);
        }
        writer.WriteStartObject();
        writer.WriteString(DebeziumJson.DatabaseName, vevent.Keyspace);
        writer.WriteEndObject();
        if (schemas)
            writer.WriteEndObject();
        var key = _json.ToArray();

        writer = _json.Start();
        if (schemas)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(DebeziumJson.Schema);
            writer.WriteRawValue(FixedSchemas.SchemaChangeValue, skipInputValidation: true);
            writer.WritePropertyName(DebeziumJson.Payload);
        }
        writer.WriteStartObject();
        WriteSource(
            writer,
            DebeziumJson.Encode(vevent.Keyspace),
            DebeziumJson.Encode(table),
            DebeziumJson.Encode(vevent.Shard),
            vevent.Timestamp > 0 ? vevent.Timestamp * 1000 : now,
            snapshot: false,
            vgtidText);
        writer.WriteNumber(DebeziumJson.TsMs, now);
        writer.WriteString(DebeziumJson.DatabaseName, vevent.Keyspace);
        writer.WriteNull(DebeziumJson.SchemaName);
        writer.WriteString(DebeziumJson.Ddl, vevent.Statement);
        writer.WriteStartArray(DebeziumJson.TableChanges);
        writer.WriteEndArray();
        writer.WriteEndObject();
        if (schemas)
            writer.WriteEndObject();

        return new ChangeRecord(_options.TopicPrefix, key, _json.ToArray(), new RecordPosition(vevent.Keyspace, vevent.Shard, gtid, 0, RecordKind.SchemaChange));
    }

    private void Heartbeat(List<ChangeRecord> output)
    {
        // As VitessHeartbeatImpl: nothing until a position exists.
        if (_heartbeatTopic is null || Position is not { } position)
            return;
        var schemas = _options.SchemasEnabled;
        if (_heartbeatKey is null)
        {
            var keyWriter = _json.Start();
            if (schemas)
            {
                keyWriter.WriteStartObject();
                keyWriter.WritePropertyName(DebeziumJson.Schema);
                keyWriter.WriteRawValue(FixedSchemas.HeartbeatKey, skipInputValidation: true);
                keyWriter.WritePropertyName(DebeziumJson.Payload);
            }
            keyWriter.WriteStartObject();
            keyWriter.WriteString(DebeziumJson.ServerName, _prefixText);
            keyWriter.WriteEndObject();
            if (schemas)
                keyWriter.WriteEndObject();
            _heartbeatKey = _json.ToArray();
        }

        var vgtid = EncodeVgtid(position);
        var writer = _json.Start();
        if (schemas)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(DebeziumJson.Schema);
            writer.WriteRawValue(FixedSchemas.HeartbeatValue, skipInputValidation: true);
            writer.WritePropertyName(DebeziumJson.Payload);
        }
        writer.WriteStartObject();
        writer.WriteString(DebeziumJson.Vgtid, vgtid);
        writer.WriteNumber(DebeziumJson.TsMs, _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        writer.WriteEndObject();
        if (schemas)
            writer.WriteEndObject();
        output.Add(new ChangeRecord(_heartbeatTopic, _heartbeatKey, _json.ToArray(), new RecordPosition("", "", "", 0, RecordKind.Heartbeat)));
    }

    /// <summary>A position-only event (OTHER, DDL, a COMMIT without BEGIN): the pending VGTID becomes the position.</summary>
    private void MovePosition()
    {
        if (_pendingVgtid is not null)
            Position = _pendingVgtid;
        _pendingVgtid = null;
    }

    private void CloseTransaction()
    {
        _open = false;
        _rows.Clear();
        _collectionCounts.Clear();
        _collectionOrder.Clear();
        _txKeyspace = "";
        _txShard = "";
    }

    /// <summary>The VGTID as a JSON string value, encoded once per distinct VGTID instance.</summary>
    private JsonEncodedText EncodeVgtid(VGtid vgtid)
    {
        if (ReferenceEquals(vgtid, _encodedVgtid))
            return _encodedVgtidText;
        VgtidJson.Write(_vgtidJson.Start(), vgtid);
        _encodedVgtidText = JsonEncodedText.Encode(_vgtidJson.Written, DebeziumJson.Encoder);
        _encodedVgtid = vgtid;
        return _encodedVgtidText;
    }

    private static string ShardGtid(VGtid vgtid, string keyspace, string shard)
    {
        var entries = vgtid.ShardGtids;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Keyspace == keyspace && entries[i].Shard == shard)
                return entries[i].Gtid;
        }
        throw new DebeziumEventException(
            $"the VGTID of a transaction on {keyspace}/{shard} has no entry for that shard " +
            $"(it has {string.Join(", ", vgtid.ShardGtids.Select(s => s.Keyspace + "/" + s.Shard))})");
    }

    /// <summary>Vitess sends table names as <c>keyspace.table</c> unless exclude_keyspace_from_table_name is set.</summary>
    private static (string Keyspace, string Table) SplitTableName(string keyspace, string name)
    {
        if (keyspace.Length > 0)
        {
            return name.Length > keyspace.Length + 1 && name[keyspace.Length] == '.' && name.StartsWith(keyspace, StringComparison.Ordinal)
                ? (keyspace, name[(keyspace.Length + 1)..])
                : (keyspace, name);
        }
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? (name[..dot], name[(dot + 1)..]) : ("", name);
    }

    private static string Origin(VEvent vevent) => $"{vevent.Keyspace}/{vevent.Shard}";

    private static DebeziumEventException Malformed(TableSchema table, int change, string problem) =>
        new($"ROW for {table.Keyspace}.{table.Table} on shard {table.Shard}: row change {change} {problem}");

    /// <summary>
    /// Null when <paramref name="bitmap"/> (<c>data_columns</c>) has one bit for each of the FIELD's
    /// <paramref name="columns"/>, else what is wrong. Vitess sends it over the source table's columns: with a filter that
    /// selects some of them, its bits cannot be matched to the values.
    /// </summary>
    private static string? DataColumnsProblem(RowChange.Types.Bitmap bitmap, int columns)
    {
        if (bitmap.Count != columns)
        {
            return $"is a partial row image whose data_columns has {bitmap.Count} bits for the FIELD event's {columns} columns, " +
                "so the absent columns cannot be told; stream the table with all its columns (select *) or set binlog_row_image=FULL on the source";
        }
        return bitmap.Cols.Length * 8 < columns ? $"has a data_columns bitmap of {bitmap.Cols.Length} bytes for {columns} columns" : null;
    }

    private static bool AnySet(RowChange.Types.Bitmap bitmap) => bitmap.Cols.Span.ContainsAnyExcept((byte)0);

    /// <summary>Where the rendering of a committed transaction is.</summary>
    private enum Emit
    {
        None,
        Begin,
        Changes,
        End,
        Finish,
    }

    /// <summary>
    /// One record a row change becomes: a change event (<c>Op</c> c, r, u or d) or a tombstone (<c>Op</c> 0), with its
    /// key (rendered already; <c>OwnedKey</c> when it has an array of its own, <c>KeyId</c> when records share it) and
    /// extra headers.
    /// </summary>
    private readonly record struct PlannedRecord(
        byte Op, bool HasBefore, bool HasAfter, ReadOnlyMemory<byte>? Key, byte[]? OwnedKey, int KeyId, KeyValuePair<string, byte[]>[]? Headers);

    /// <summary>A buffered ROW event with the schema it was read with; <c>Copy</c> for copy-phase rows (timestamp 0).</summary>
    /// <summary>Per-transaction values shared by its records, and the running record index and event order.</summary>
    private struct TransactionContext
    {
        public string Keyspace;
        public string Shard;
        public string Gtid;
        public JsonEncodedText Vgtid;
        public long NowMs;
        public long NowUs;
        public long CommitMs;
        public long TotalOrder;
        private int _index;

        public RecordPosition Next(RecordKind kind) => new(Keyspace, Shard, Gtid, _index++, kind);
    }
}
