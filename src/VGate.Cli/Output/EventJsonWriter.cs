using System.Buffers;
using System.Text.Json;
using VGate.Kafka.Events;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.MySql.Replication;

namespace VGate.Cli.Output;

/// <summary>
/// Writes one binlog event as one JSON object (the format of <c>vgate binlog</c>, documented in docs/binlog-json.md).
/// Common fields: <c>type</c>, <c>timestamp</c> (ISO 8601 UTC, seconds), <c>server_id</c>, <c>file</c> and
/// <c>position</c> (where the next event starts). Row events carry <c>database</c>, <c>table</c> and <c>rows</c>.
/// An event that completes a transaction carries <c>resume_position</c>: start a new read there to get exactly
/// the transactions after it. Column values are written by <see cref="ColumnValueJsonWriter"/>; a value that cannot be
/// written throws <see cref="ValueRenderException"/> (the event's JSON is then incomplete and must be dropped).
/// </summary>
internal sealed class EventJsonWriter : IDisposable
{
    private static readonly System.Text.Encodings.Web.JavaScriptEncoder Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private readonly Utf8JsonWriter _json;
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly ArrayBufferWriter<byte> _utf8 = new(256);
    private ReadOnlyMemory<byte>? _statementUtf8;

    // The column names of the last table written, escaped once (a table's TABLE_MAP is sent again for every
    // transaction, with the same Columns instance while its definition is unchanged).
    private IReadOnlyList<ColumnInfo>? _namedColumns;
    private JsonEncodedText[] _names = [];

    // The last event's timestamp and its text: consecutive events mostly share the second.
    private long _timestampSeconds = -1;
    private string _timestampText = "";

    // Where the event being written is, for the message of a value that cannot be written.
    private string _eventType = "";
    private string _file = "";
    private long _position;

    public EventJsonWriter(IBufferWriter<byte> output) =>
        _json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Encoder });

    public void Dispose() => _json.Dispose();

    /// <summary>Writes the event <paramref name="client"/> yielded last.</summary>
    public void Write(BinlogEvent binlogEvent, BinlogClient client) =>
        Write(binlogEvent, client.CurrentFileName, ResumePosition(client));

    /// <summary>
    /// The <c>resume_position</c> of the event <paramref name="client"/> yielded last, or null when that event did not
    /// complete a transaction.
    /// </summary>
    public static string? ResumePosition(BinlogClient client) =>
        client.LastEventCompletedTransaction && client.Position is { } position ? position.ToString() : null;

    /// <summary>
    /// Writes an event read from <paramref name="file"/> (empty when unknown); <paramref name="resumePosition"/> is
    /// <see cref="ResumePosition(BinlogClient)"/> taken when the event was yielded (the event may be written later, on
    /// another thread, after the client has moved on).
    /// </summary>
    public void Write(BinlogEvent binlogEvent, string file, string? resumePosition) =>
        Write(binlogEvent, file, resumePosition, statementUtf8: null);

    /// <summary>
    /// <see cref="Write(BinlogEvent, string, string?)"/> for an ANNOTATE_ROWS event whose statement text is given as
    /// <paramref name="statementUtf8"/>: valid UTF-8 of at most <see cref="JsonTextEscaper.MaxLength"/> bytes (a copy of
    /// <see cref="MariaDbAnnotateRowsEvent.QueryBytes"/>), escaped as it is instead of decoded to a string and encoded back
    /// (the same bytes; a statement is as long as the values it inserts).
    /// </summary>
    public void Write(BinlogEvent binlogEvent, string file, string? resumePosition, ReadOnlyMemory<byte>? statementUtf8)
    {
        _statementUtf8 = statementUtf8;
        _json.Reset();
        _eventType = TypeName(binlogEvent.Type);
        _file = file;
        _position = binlogEvent.Header.NextPosition;
        _json.WriteStartObject();
        _json.WriteString("type", _eventType);
        _json.WriteString("timestamp", TimestampText(binlogEvent.Header.Timestamp));
        _json.WriteNumber("server_id", binlogEvent.Header.ServerId);
        if (file.Length > 0)
            _json.WriteString("file", file);
        if (binlogEvent.Header.NextPosition > 0)
            _json.WriteNumber("position", binlogEvent.Header.NextPosition);
        WriteBody(binlogEvent);
        if (resumePosition is not null)
            _json.WriteString("resume_position", resumePosition);
        _json.WriteEndObject();
        _json.Flush();
    }

    private void WriteBody(BinlogEvent binlogEvent)
    {
        switch (binlogEvent)
        {
            case RowsEvent rows:
                WriteRows(rows);
                break;
            case GtidEvent gtid:
                if (gtid.Gtid is { } mysqlGtid)
                    _json.WriteString("gtid", mysqlGtid.ToString());
                break;
            case MariaDbGtidEvent mariaGtid:
                _json.WriteString("gtid", mariaGtid.Gtid.ToString());
                _json.WriteBoolean("standalone", mariaGtid.IsStandalone);
                break;
            case PreviousGtidsEvent previous:
                _json.WriteString("gtid_set", previous.GtidSet.ToString());
                break;
            case MariaDbGtidListEvent list:
                _json.WriteString("gtid_list", list.GtidList.ToString());
                break;
            case QueryEvent query:
                _json.WriteString("database", query.Database);
                WriteText("sql", query.Query);
                break;
            case RowsQueryEvent rowsQuery:
                WriteText("sql", rowsQuery.Query);
                break;
            case MariaDbAnnotateRowsEvent annotate:
                if (_statementUtf8 is { } utf8)
                    WriteUtf8Text("sql", utf8.Span);
                else
                    WriteText("sql", annotate.Query);
                break;
            case TableMapEvent tableMap:
                _json.WriteString("database", tableMap.Database);
                _json.WriteString("table", tableMap.Table);
                _json.WriteNumber("table_id", tableMap.TableId);
                _json.WriteStartArray("columns");
                foreach (var column in tableMap.Columns)
                    _json.WriteStringValue(ColumnName(column));
                _json.WriteEndArray();
                break;
            case XidEvent xid:
                _json.WriteNumber("xid", xid.Xid);
                break;
            case RotateEvent rotate:
                _json.WriteString("next_file", rotate.NextFileName);
                _json.WriteNumber("next_position", rotate.Position);
                break;
            case FormatDescriptionEvent format:
                _json.WriteString("server_version", format.ServerVersion);
                _json.WriteNumber("binlog_version", format.BinlogVersion);
                break;
            case HeartbeatEvent heartbeat:
                _json.WriteString("log_file", heartbeat.LogFileName);
                break;
            case IntvarEvent intvar:
                _json.WriteNumber("variable_type", intvar.VariableType);
                _json.WriteNumber("value", intvar.Value);
                break;
            case RandEvent rand:
                _json.WriteNumber("seed1", rand.Seed1);
                _json.WriteNumber("seed2", rand.Seed2);
                break;
            case UserVarEvent userVar:
                _json.WriteString("name", userVar.Name);
                _json.WriteBoolean("is_null", userVar.IsNull);
                break;
        }
    }

    private void WriteRows(RowsEvent rows)
    {
        var table = rows.TableMap;
        _json.WriteString("database", table.Database);
        _json.WriteString("table", table.Table);
        _json.WriteStartArray("rows");
        foreach (var row in rows.GetRows())
        {
            if (rows.Kind == RowsEventKind.Update)
            {
                _json.WriteStartObject();
                _json.WritePropertyName("before");
                WriteImage(table, row.Before);
                _json.WritePropertyName("after");
                WriteImage(table, row.After);
                _json.WriteEndObject();
            }
            else
            {
                WriteImage(table, rows.Kind == RowsEventKind.Insert ? row.After : row.Before);
            }
        }
        _json.WriteEndArray();
    }

    private void WriteImage(TableMapEvent table, RowImage image)
    {
        var names = ColumnNames(table.Columns);
        _json.WriteStartObject();
        foreach (var cell in image.Cells)
        {
            var column = table.Columns[cell.ColumnIndex];
            _json.WritePropertyName(names[cell.ColumnIndex]);
            if (cell.IsNull)
            {
                _json.WriteNullValue();
                continue;
            }
            try
            {
                var bytes = image.GetBytes(cell);
                if (cell.IsPartialJson)
                {
                    _json.WriteStartObject();
                    _json.WriteString("json_diff", JsonDiffDecoder.ToVitessExpression(ColumnValueDecoder.GetPayload(column, bytes), ColumnName(column)));
                    _json.WriteEndObject();
                }
                else
                {
                    ColumnValueJsonWriter.Write(_json, column, bytes, _scratch);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw ValueRenderException.Create(_eventType, _file, _position, table.Database, table.Table, ColumnName(column), column.Type.ToString(), ex);
            }
        }
        _json.WriteEndObject();
    }

    /// <summary>
    /// A property whose string value can be long (statements: an INSERT of large values is megabytes of text): encoded
    /// to UTF-8 once and escaped by <see cref="JsonTextEscaper"/>, the same bytes as <see cref="Utf8JsonWriter.WriteString(string, string)"/>.
    /// </summary>
    private void WriteUtf8Text(string name, ReadOnlySpan<byte> utf8)
    {
        _scratch.ResetWrittenCount();
        if (!JsonTextEscaper.TryWriteQuoted(utf8, _scratch))
            throw new ArgumentException("the statement text is not valid UTF-8", nameof(utf8));
        _json.WritePropertyName(name);
        _json.WriteRawValue(_scratch.WrittenSpan, skipInputValidation: true);
    }

    private void WriteText(string name, string value)
    {
        if (value.Length > JsonTextEscaper.MaxLength / 3)
        {
            _json.WriteString(name, value);
            return;
        }
        _utf8.ResetWrittenCount();
        var utf8 = _utf8.GetSpan(System.Text.Encoding.UTF8.GetByteCount(value));
        if (System.Text.Unicode.Utf8.FromUtf16(value, utf8, out _, out var length, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            // A lone surrogate: Utf8JsonWriter's own handling of it.
            _json.WriteString(name, value);
            return;
        }
        _scratch.ResetWrittenCount();
        JsonTextEscaper.TryWriteQuoted(utf8[..length], _scratch); // valid UTF-8: cannot fail
        _json.WritePropertyName(name);
        _json.WriteRawValue(_scratch.WrittenSpan, skipInputValidation: true);
    }

    private JsonEncodedText[] ColumnNames(IReadOnlyList<ColumnInfo> columns)
    {
        if (ReferenceEquals(columns, _namedColumns))
            return _names;
        var names = new JsonEncodedText[columns.Count];
        for (var i = 0; i < names.Length; i++)
            names[i] = JsonEncodedText.Encode(ColumnName(columns[i]), Encoder);
        _namedColumns = columns;
        return _names = names;
    }

    private string TimestampText(long seconds)
    {
        if (seconds != _timestampSeconds)
        {
            _timestampText = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            _timestampSeconds = seconds;
        }
        return _timestampText;
    }

    private static string ColumnName(ColumnInfo column) => column.Name ?? "@" + (column.Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Event type names by type (the names are fixed; computing them allocated per event).
    private static readonly string?[] TypeNames = new string?[256];

    private static string TypeName(EventType type) => TypeNames[(byte)type] ??= ComputeTypeName(type);

    private static string ComputeTypeName(EventType type) => type switch
    {
        EventType.WriteRowsV1 or EventType.WriteRowsV2 or EventType.MariaDbWriteRowsCompressed or EventType.MariaDbWriteRowsCompressedV1 => "write_rows",
        EventType.UpdateRowsV1 or EventType.UpdateRowsV2 or EventType.MariaDbUpdateRowsCompressed or EventType.MariaDbUpdateRowsCompressedV1 => "update_rows",
        EventType.PartialUpdateRows => "partial_update_rows",
        EventType.DeleteRowsV1 or EventType.DeleteRowsV2 or EventType.MariaDbDeleteRowsCompressed or EventType.MariaDbDeleteRowsCompressedV1 => "delete_rows",
        EventType.MariaDbGtid => "gtid",
        EventType.MariaDbGtidList => "gtid_list",
        EventType.MariaDbAnnotateRows => "annotate_rows",
        EventType.MariaDbBinlogCheckpoint => "binlog_checkpoint",
        EventType.MariaDbQueryCompressed => "query",
        _ => ToSnakeCase(type.ToString()),
    };

    private static string ToSnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
