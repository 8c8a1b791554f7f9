using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Binlogdata;
using Google.Protobuf;
using VGate.Kafka.Events;

namespace VGate.Benchmarks;

/// <summary>
/// <see cref="DebeziumEventBuilder"/> turning VStream events into Debezium records: 10,000 single-row insert
/// transactions (BEGIN, ROW, VGTID, COMMIT) of the 10-column <c>t10</c> table of bench/README.md (INT PK, BIGINT,
/// VARCHAR(64), DECIMAL(12,2), DATETIME(6), DOUBLE, TINYINT, CHAR(8), DATE, INT UNSIGNED), with values in the text form
/// VStream sends. One operation is one row (OperationsPerInvoke), so Mean is the time per row event and Allocated the
/// bytes per row: with <c>Add</c>, the key and value arrays plus the record, nothing per column; on the sink's path
/// (<c>Feed</c>/<c>TryRenderNext</c>) only the per-transaction VGTID text.
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/VGate.Benchmarks -- --filter '*DebeziumEvent*' --job short</c></remarks>
[MemoryDiagnoser]
public class DebeziumEventBenchmarks : IDisposable
{
    private const int Transactions = 10_000;

    private readonly List<ChangeRecord> _output = new(8);
    private VEvent[] _events = [];
    private DebeziumEventBuilder _builder = null!;

    /// <summary>JSON converter with schemas (<c>{"schema","payload"}</c>) or payload only.</summary>
    [Params(true, false)]
    public bool Schemas { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var events = new List<VEvent>(Transactions * 4);
        for (var i = 0; i < Transactions; i++)
        {
            events.Add(new VEvent { Type = VEventType.Begin, Timestamp = 1_700_000_000, Keyspace = "ks", Shard = "0" });
            events.Add(Row(i));
            events.Add(new VEvent
            {
                Type = VEventType.Vgtid,
                Keyspace = "ks",
                Shard = "0",
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "ks", Shard = "0", Gtid = "MariaDB/0-1-" + (i + 1).ToString(CultureInfo.InvariantCulture) } } },
            });
            events.Add(new VEvent { Type = VEventType.Commit, Timestamp = 1_700_000_000, Keyspace = "ks", Shard = "0" });
        }
        _events = [.. events];
        _builder = new DebeziumEventBuilder(new DebeziumEventOptions { TopicPrefix = "bench", SchemasEnabled = Schemas });
        _builder.Add(Field(), _output);
        var sample = Build()[0];
        Console.WriteLine($"// one row record: key {sample.Key!.Length} bytes, value {sample.Value!.Length} bytes (schemas {Schemas})");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _builder?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Transactions, Description = "VEvents -> Debezium JSON records, per row")]
    public int BuildRecords()
    {
        var count = 0;
        foreach (var vevent in _events)
        {
            _builder.Add(vevent, _output);
            count += _output.Count;
            _output.Clear();
        }
        return count;
    }

    /// <summary>
    /// The sink's path: <see cref="DebeziumEventBuilder.Feed"/> and <see cref="DebeziumEventBuilder.TryRenderNext"/>,
    /// records rendered into the builder's reused buffers (no arrays of their own). Returns the bytes rendered.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Transactions, Description = "VEvents -> rendered records in reused buffers (sink path), per row")]
    public long RenderRecords()
    {
        long bytes = 0;
        foreach (var vevent in _events)
        {
            _builder.Feed(vevent);
            while (_builder.TryRenderNext(out var record))
                bytes += record.Value.GetValueOrDefault().Length + record.Key.GetValueOrDefault().Length;
        }
        return bytes;
    }

    private List<ChangeRecord> Build()
    {
        var records = new List<ChangeRecord>();
        for (var i = 0; i < 4; i++)
            _builder.Add(_events[i], records);
        return records;
    }

    private static VEvent Field()
    {
        const uint notNull = (uint)Query.MySqlFlag.NotNullFlag;
        var field = new FieldEvent { TableName = "ks.t10", Keyspace = "ks", Shard = "0", EnumSetStringValues = true };
        field.Fields.Add(new Query.Field { Name = "id", Type = Query.Type.Int32, Flags = notNull | (uint)Query.MySqlFlag.PriKeyFlag, ColumnType = "int(11)" });
        field.Fields.Add(new Query.Field { Name = "big", Type = Query.Type.Int64, Flags = notNull, ColumnType = "bigint(20)" });
        field.Fields.Add(new Query.Field { Name = "name", Type = Query.Type.Varchar, Flags = notNull, ColumnType = "varchar(64)", Charset = 224 });
        field.Fields.Add(new Query.Field { Name = "amount", Type = Query.Type.Decimal, Flags = notNull, ColumnType = "decimal(12,2)", Decimals = 2 });
        field.Fields.Add(new Query.Field { Name = "at", Type = Query.Type.Datetime, Flags = notNull, ColumnType = "datetime(6)", Decimals = 6 });
        field.Fields.Add(new Query.Field { Name = "ratio", Type = Query.Type.Float64, Flags = notNull, ColumnType = "double" });
        field.Fields.Add(new Query.Field { Name = "flag", Type = Query.Type.Int8, Flags = notNull, ColumnType = "tinyint(4)" });
        field.Fields.Add(new Query.Field { Name = "code", Type = Query.Type.Char, Flags = notNull, ColumnType = "char(8)", Charset = 224 });
        field.Fields.Add(new Query.Field { Name = "day", Type = Query.Type.Date, Flags = notNull, ColumnType = "date" });
        field.Fields.Add(new Query.Field { Name = "count", Type = Query.Type.Uint32, Flags = notNull, ColumnType = "int(10) unsigned" });
        return new VEvent { Type = VEventType.Field, Keyspace = "ks", Shard = "0", FieldEvent = field };
    }

    private static VEvent Row(int i)
    {
        string[] cells =
        [
            (i + 1).ToString(CultureInfo.InvariantCulture),
            (i * 7919L).ToString(CultureInfo.InvariantCulture),
            "customer-name-" + i.ToString(CultureInfo.InvariantCulture),
            (i % 100000).ToString(CultureInfo.InvariantCulture) + "." + (i % 100).ToString("00", CultureInfo.InvariantCulture),
            "2026-11-25 12:" + (i % 60).ToString("00", CultureInfo.InvariantCulture) + ":05.123456",
            "1.25E+00",
            (i % 2).ToString(CultureInfo.InvariantCulture),
            "CODE" + (i % 10000).ToString("0000", CultureInfo.InvariantCulture),
            "2026-11-25",
            ((uint)i * 3u).ToString(CultureInfo.InvariantCulture),
        ];
        var row = new Query.Row();
        var values = new StringBuilder();
        foreach (var cell in cells)
        {
            row.Lengths.Add(Encoding.UTF8.GetByteCount(cell));
            values.Append(cell);
        }
        row.Values = ByteString.CopyFromUtf8(values.ToString());
        var rowEvent = new RowEvent { TableName = "ks.t10", Keyspace = "ks", Shard = "0" };
        rowEvent.RowChanges.Add(new RowChange { After = row });
        return new VEvent { Type = VEventType.Row, Timestamp = 1_700_000_000, Keyspace = "ks", Shard = "0", RowEvent = rowEvent };
    }
}
