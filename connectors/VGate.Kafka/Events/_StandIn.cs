// TEMPORARY STAND-IN for the Debezium event mapping written on branch h/kafka-events. It exists only so the sink
// compiles and its tests run before that branch is merged; it implements the agreed API with a deliberately small
// mapping (values as JSON numbers for integer/float types and strings otherwise, a minimal schema). Delete this file
// when the real connectors/VGate.Kafka/Events/ code lands.
#pragma warning disable CA1812, CA1819, CA1002, CS1591, CA1024
using System.Globalization;
using System.Text;
using System.Text.Json;
using Binlogdata;

namespace VGate.Kafka.Events;

public sealed record ChangeRecord(string Topic, byte[]? Key, byte[]? Value, RecordPosition Position)
{
    public IReadOnlyList<KeyValuePair<string, byte[]>>? Headers { get; init; }
}

public readonly record struct RecordPosition(string Keyspace, string Shard, string Gtid, int Index, RecordKind Kind);

public enum RecordKind { Change, Tombstone, TransactionBegin, TransactionEnd, Heartbeat, SchemaChange }

public enum DecimalHandling { Precise, String, Double }

public enum BinaryHandling { Base64, Base64String, Base64UrlSafe, Hex }

public enum TimePrecisionMode { AdaptiveTimeMicroseconds, Connect, IsoString }

public enum BigIntUnsignedHandling { String, Long, Precise }

public sealed class DebeziumEventOptions
{
    public required string TopicPrefix { get; init; }
    public bool SchemasEnabled { get; init; } = true;
    public bool TransactionMetadata { get; init; }
    public bool TombstonesOnDelete { get; init; } = true;
    public DecimalHandling DecimalHandling { get; init; }
    public BinaryHandling BinaryHandling { get; init; }
    public TimePrecisionMode TimePrecisionMode { get; init; }
    public BigIntUnsignedHandling BigIntUnsignedHandling { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> KeyColumns { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public Func<string, string, bool>? TableFilter { get; init; }
    public bool IncludeSchemaChanges { get; init; }
    public string? HeartbeatTopicPrefix { get; init; } = "__debezium-heartbeat";
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

public sealed class DebeziumEventBuilder : IDisposable
{
    private readonly DebeziumEventOptions _options;
    private readonly Dictionary<(string, string, string), Query.Field[]> _fields = [];
    private readonly List<(string Topic, byte[]? Key, byte[]? Value, RecordKind Kind, string Table, KeyValuePair<string, byte[]>[]? Headers)> _pending = [];
    private VGtid? _transactionVgtid;
    private string _keyspace = "";
    private string _shard = "";

    public DebeziumEventBuilder(DebeziumEventOptions options) => _options = options;

    public VGtid? Position { get; private set; }

    public void Dispose()
    {
    }

    public void Add(VEvent vevent, ICollection<ChangeRecord> output)
    {
        ArgumentNullException.ThrowIfNull(vevent);
        ArgumentNullException.ThrowIfNull(output);
        switch (vevent.Type)
        {
            case VEventType.Begin:
                _pending.Clear();
                _transactionVgtid = null;
                _keyspace = vevent.Keyspace;
                _shard = vevent.Shard;
                break;
            case VEventType.Field:
                {
                    var (ks, table) = Split(vevent.FieldEvent.TableName, vevent.FieldEvent.Keyspace);
                    _fields[(ks, vevent.FieldEvent.Shard, table)] = [.. vevent.FieldEvent.Fields];
                    break;
                }
            case VEventType.Row:
                AddRows(vevent);
                break;
            case VEventType.Vgtid:
                _transactionVgtid = vevent.Vgtid;
                break;
            case VEventType.Commit:
                Emit(output, vevent);
                break;
            case VEventType.Ddl:
                if (_transactionVgtid is not null)
                {
                    if (_options.IncludeSchemaChanges)
                    {
                        var gtid = ShardGtid(_transactionVgtid, vevent.Keyspace, vevent.Shard);
                        var value = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?> { ["ddl"] = vevent.Statement, ["databaseName"] = vevent.Keyspace });
                        output.Add(new ChangeRecord(_options.TopicPrefix, Encoding.UTF8.GetBytes($"{{\"databaseName\":\"{vevent.Keyspace}\"}}"), value,
                            new RecordPosition(vevent.Keyspace, vevent.Shard, gtid, 0, RecordKind.SchemaChange)));
                    }
                    Position = _transactionVgtid;
                    _transactionVgtid = null;
                }
                break;
            case VEventType.Other:
                if (_transactionVgtid is not null)
                {
                    Position = _transactionVgtid;
                    _transactionVgtid = null;
                }
                break;
            case VEventType.Heartbeat:
                if (_options.HeartbeatTopicPrefix is { } prefix && Position is not null)
                {
                    var value = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
                    {
                        ["vgtid"] = Position.ToString(),
                        ["ts_ms"] = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                    });
                    output.Add(new ChangeRecord($"{prefix}.{_options.TopicPrefix}", Encoding.UTF8.GetBytes($"{{\"serverName\":\"{_options.TopicPrefix}\"}}"), value,
                        new RecordPosition("", "", "", 0, RecordKind.Heartbeat)));
                }
                break;
            default:
                break;
        }
    }

    private void AddRows(VEvent vevent)
    {
        var rowEvent = vevent.RowEvent;
        var (ks, table) = Split(rowEvent.TableName, rowEvent.Keyspace);
        if (_options.TableFilter is { } filter && !filter(ks, table))
            return;
        if (!_fields.TryGetValue((ks, rowEvent.Shard, table), out var fields))
            throw new InvalidOperationException($"ROW for {ks}.{table} before its FIELD event.");
        var topic = $"{_options.TopicPrefix}.{ks}.{table}";
        _options.KeyColumns.TryGetValue($"{ks}.{table}", out var keyColumns);
        foreach (var change in rowEvent.RowChanges)
        {
            var before = change.Before is null ? null : Decode(fields, change.Before);
            var after = change.After is null ? null : Decode(fields, change.After);
            var beforeKey = before is null ? null : Key(fields, before, keyColumns);
            var afterKey = after is null ? null : Key(fields, after, keyColumns);
            if (before is not null && after is not null && beforeKey != afterKey)
            {
                AddChange(topic, table, beforeKey, before, null, "d", vevent, [new("__debezium.newkey", Encoding.UTF8.GetBytes(afterKey!))]);
                AddChange(topic, table, afterKey, null, after, "c", vevent, [new("__debezium.oldkey", Encoding.UTF8.GetBytes(beforeKey!))]);
            }
            else
            {
                var op = before is null ? (vevent.Timestamp == 0 ? "r" : "c") : after is null ? "d" : "u";
                AddChange(topic, table, afterKey ?? beforeKey, before, after, op, vevent);
            }
        }
    }

    private void AddChange(string topic, string table, string? key, Dictionary<string, object?>? before, Dictionary<string, object?>? after, string op, VEvent vevent, KeyValuePair<string, byte[]>[]? headers = null)
    {
        var keyBytes = key is null ? null : Encoding.UTF8.GetBytes(key);
        var payload = new Dictionary<string, object?>
        {
            ["before"] = before,
            ["after"] = after,
            ["source"] = new Dictionary<string, object?>
            {
                ["connector"] = "vitess",
                ["name"] = _options.TopicPrefix,
                ["ts_ms"] = vevent.Timestamp * 1000,
                ["snapshot"] = op == "r" ? "true" : "false",
                ["keyspace"] = vevent.RowEvent.Keyspace,
                ["shard"] = vevent.RowEvent.Shard,
                ["table"] = table,
            },
            ["op"] = op,
            ["ts_ms"] = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        object envelope = _options.SchemasEnabled
            ? new Dictionary<string, object?> { ["schema"] = new Dictionary<string, object?> { ["type"] = "struct", ["name"] = topic + ".Envelope" }, ["payload"] = payload }
            : payload;
        _pending.Add((topic, keyBytes, JsonSerializer.SerializeToUtf8Bytes(envelope), RecordKind.Change, $"{vevent.RowEvent.Keyspace}.{table}", headers));
        if (op == "d" && _options.TombstonesOnDelete)
            _pending.Add((topic, keyBytes, null, RecordKind.Tombstone, $"{vevent.RowEvent.Keyspace}.{table}", null));
    }

    private void Emit(ICollection<ChangeRecord> output, VEvent commit)
    {
        if (_transactionVgtid is null)
        {
            _pending.Clear();
            return;
        }
        var keyspace = _keyspace.Length > 0 ? _keyspace : commit.Keyspace;
        var shard = _shard.Length > 0 ? _shard : commit.Shard;
        var gtid = ShardGtid(_transactionVgtid, keyspace, shard);
        var index = 0;
        var id = _transactionVgtid.ToString();
        if (_options.TransactionMetadata && _pending.Count > 0)
        {
            var begin = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?> { ["status"] = "BEGIN", ["id"] = id });
            output.Add(new ChangeRecord(_options.TopicPrefix + ".transaction", Encoding.UTF8.GetBytes($"{{\"id\":{JsonSerializer.Serialize(id)}}}"), begin,
                new RecordPosition(keyspace, shard, gtid, index++, RecordKind.TransactionBegin)));
        }
        foreach (var (topic, key, value, kind, _, headers) in _pending)
            output.Add(new ChangeRecord(topic, key, value, new RecordPosition(keyspace, shard, gtid, index++, kind)) { Headers = headers });
        if (_options.TransactionMetadata && _pending.Count > 0)
        {
            var counts = _pending.Where(p => p.Kind == RecordKind.Change).GroupBy(p => p.Table)
                .Select(g => new Dictionary<string, object?> { ["data_collection"] = g.Key, ["event_count"] = g.Count() }).ToList();
            var end = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
            {
                ["status"] = "END",
                ["id"] = id,
                ["event_count"] = _pending.Count(p => p.Kind == RecordKind.Change),
                ["data_collections"] = counts,
            });
            output.Add(new ChangeRecord(_options.TopicPrefix + ".transaction", Encoding.UTF8.GetBytes($"{{\"id\":{JsonSerializer.Serialize(id)}}}"), end,
                new RecordPosition(keyspace, shard, gtid, index, RecordKind.TransactionEnd)));
        }
        _pending.Clear();
        Position = _transactionVgtid;
        _transactionVgtid = null;
    }

    private static string ShardGtid(VGtid vgtid, string keyspace, string shard) =>
        vgtid.ShardGtids.FirstOrDefault(s => s.Keyspace == keyspace && s.Shard == shard)?.Gtid ?? "";

    private static (string Keyspace, string Table) Split(string tableName, string keyspace)
    {
        var dot = tableName.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (keyspace, tableName) : (tableName[..dot], tableName[(dot + 1)..]);
    }

    private static string Key(Query.Field[] fields, Dictionary<string, object?> row, IReadOnlyList<string>? keyColumns)
    {
        var names = keyColumns ?? fields.Where(f => (f.Flags & 2) != 0).Select(f => f.Name).ToList();
        var key = names.ToDictionary(n => n, n => row.GetValueOrDefault(n));
        return JsonSerializer.Serialize(new Dictionary<string, object?> { ["payload"] = key });
    }

    private static Dictionary<string, object?> Decode(Query.Field[] fields, Query.Row row)
    {
        var result = new Dictionary<string, object?>();
        var values = row.Values.Span;
        var offset = 0;
        for (var i = 0; i < fields.Length && i < row.Lengths.Count; i++)
        {
            var length = (int)row.Lengths[i];
            if (length < 0)
            {
                result[fields[i].Name] = null;
                continue;
            }
            var text = Encoding.UTF8.GetString(values.Slice(offset, length));
            offset += length;
            result[fields[i].Name] = fields[i].Type switch
            {
                Query.Type.Int8 or Query.Type.Int16 or Query.Type.Int24 or Query.Type.Int32 or Query.Type.Int64
                    or Query.Type.Uint8 or Query.Type.Uint16 or Query.Type.Uint24 or Query.Type.Uint32 => long.Parse(text, CultureInfo.InvariantCulture),
                _ => text,
            };
        }
        return result;
    }
}
