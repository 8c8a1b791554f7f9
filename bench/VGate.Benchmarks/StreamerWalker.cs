using Binlogdata;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.VStreamer;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.Schema;
using VGate.VStreamer.Streaming;

namespace VGate.Benchmarks;

/// <summary>
/// The per-shard streamer on top of the parse: every parsed event goes through the streamer's own
/// <see cref="StreamSession"/> (the code <see cref="ShardStreamer"/> runs for a live source) — transaction grammar,
/// table plans from the filter rules, row predicates, FIELD and ROW VEvents with Vitess-encoded values, batches cut at
/// transaction ends and at the packet size — and the batches are dropped. The difference to <see cref="ParseOnlyWalker"/>
/// is what the streamer costs per row event (issue 4: at most half of the parse time it sits on).
/// </summary>
internal sealed class StreamerWalker : IEventWalker
{
    private readonly string _scenario;
    private readonly Func<StreamSession> _createSession;
    private readonly bool _encode;
    private readonly FixedPosition _position = new();
    private StreamSession _session;
    // The recorded binlog has no BinlogClient: the walker classifies the events itself, as the client does.
    private TransactionClassifier _transactions = new();

    private StreamerWalker(string scenario, Func<StreamSession> createSession, bool encode = false)
    {
        _scenario = scenario;
        _encode = encode;
        _createSession = createSession;
        _session = createSession();
    }

    public string Name => (_encode ? "parse + stream + encode: " : "parse + stream: ") + _scenario;

    public long RowsEvents { get; private set; }

    public long Rows { get; private set; }

    public long Cells { get; private set; }

    /// <summary>A sum over the VEvents produced (so the work cannot be dropped). <see cref="Rows"/> counts the rows sent.</summary>
    public long Checksum { get; private set; }

    /// <summary>Every table, every column (a null filter).</summary>
    public static StreamerWalker AllColumns() => new("all columns", () => Create(filter: null));

    /// <summary>
    /// Every table, every column, and each VEvent serialized as the gateway sends it (table names prefixed with the
    /// keyspace, <see cref="VEvent.GetEncoded"/>): binlog to encoded VEvents, issue 4's benchmark.
    /// </summary>
    public static StreamerWalker AllColumnsEncoded() => new("all columns", () => Create(filter: null), encode: true);

    /// <summary>
    /// A column subset with a WHERE on a non-key column that about half the rows pass. Narrow: five of t10's columns
    /// where <c>flag &lt; 64</c>. Mixed: the same shape on its most frequent table, <c>ints</c> (five columns where the
    /// random signed <c>i &lt; 0</c>); the rows of the other tables are not streamed, but their events are still parsed.
    /// </summary>
    public static StreamerWalker SelectWhere(string workload = RecordedBinlog.Narrow) => workload == RecordedBinlog.Mixed
        ? new("select 5 cols of ints where i < 0", () => Create(new Filter
        {
            Rules = { new Rule { Match = "ints", Filter = "select id, ti, i, bi, y from ints where i < 0" } },
        }))
        : new("select 5 cols where flag < 64", () => Create(new Filter
        {
            Rules = { new Rule { Match = "t10", Filter = "select id, big, name, amount, created from t10 where flag < 64" } },
        }));

    /// <summary>
    /// One shard of two: the key-range rule <c>-80</c> over every table's primary vindex (hash of id): t10 for the narrow
    /// workload, the seven tables the mixed workload writes for the mixed one.
    /// </summary>
    public static StreamerWalker KeyRange(string workload = RecordedBinlog.Narrow)
    {
        string[] tables = workload == RecordedBinlog.Mixed ? ["ints", "reals", "times", "strs", "charsets", "lobs", "docs"] : ["t10"];
        return new($"keyrange -80 (hash id{(tables.Length > 1 ? ", 7 tables" : "")})", () => Create(
            new Filter { Rules = { new Rule { Match = "/.*", Filter = "-80" } } },
            tables.ToDictionary(table => table, _ => new TableVindex("hash", ["id"]))));
    }

    public void Reset()
    {
        RowsEvents = 0;
        Rows = 0;
        Cells = 0;
        Checksum = 0;
        _session = _createSession();
        _transactions = new TransactionClassifier();
    }

    public void Walk(BinlogEvent binlogEvent)
    {
        if (binlogEvent is RowsEvent)
            RowsEvents++;

        _transactions.Classify(binlogEvent);
        var handled = _session.HandleAsync(binlogEvent, _transactions, _position, CancellationToken.None);
        var flush = handled.IsCompletedSuccessfully ? handled.Result : handled.AsTask().GetAwaiter().GetResult();
        if (!flush)
            return;
        foreach (var vevent in _session.TakeBatch())
        {
            Checksum += (int)vevent.Type;
            if (_encode)
                Checksum += vevent.GetEncoded("bench").Length;
            Rows += vevent.RowChangeCount;
        }
    }

    private static StreamSession Create(Filter? filter, IReadOnlyDictionary<string, TableVindex>? vindexes = null)
    {
        var options = new ShardStreamerOptions
        {
            Keyspace = "bench",
            Shard = "-80",
            Database = "bench",
            Source = new MySqlConnectionOptions(),
            Filter = filter,
            PrimaryVindexes = vindexes ?? new Dictionary<string, TableVindex>(),
        };
        var empty = SchemaCatalog.Empty("bench");
        return new StreamSession(options, new RuleTablePlanner(filter, options.PrimaryVindexes), empty,
            _ => Task.FromResult(empty), tableFilter: null, sendHeartbeats: true);
    }

    /// <summary>The recorded binlog has no live reader: the GTID events report one fixed MariaDB position.</summary>
    private sealed class FixedPosition : IStreamPosition
    {
        public bool IsMariaDb => true;

        public ReplicationPosition? Position { get; } = ReplicationPosition.Parse("MariaDB/0-1-100102");
    }
}
