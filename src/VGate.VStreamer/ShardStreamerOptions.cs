using Binlogdata;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;

namespace VGate.VStreamer;

/// <summary>Settings of one shard's stream (one <see cref="ShardStreamer"/>).</summary>
public sealed class ShardStreamerOptions
{
    /// <summary>The keyspace name put on every event. Required.</summary>
    public required string Keyspace { get; init; }

    /// <summary>The shard name put on every event (<c>-80</c>, <c>0</c>, …). Required.</summary>
    public required string Shard { get; init; }

    /// <summary>The MySQL/MariaDB server to read. Required.</summary>
    public required MySqlConnectionOptions Source { get; init; }

    /// <summary>The database (schema) on the source that holds this keyspace's tables. Required.</summary>
    public required string Database { get; init; }

    /// <summary>
    /// Where to start: <c>current</c>, a Vitess position (<c>MariaDB/0-1-42</c>, <c>MySQL56/uuid:1-42</c>), or
    /// <c>""</c> to copy the matching tables first. Default <c>current</c>.
    /// </summary>
    public string Position { get; init; } = "current";

    /// <summary>Which tables and rows to stream; null streams every table (the rule <c>/.*</c>).</summary>
    public Filter? Filter { get; init; }

    /// <summary>
    /// Each table's primary vindex (from the keyspace's VSchema): used by key-range rules (<c>-80</c>) and by
    /// <c>in_keyrange('-80')</c>. Tables not listed have none.
    /// </summary>
    public IReadOnlyDictionary<string, Filtering.TableVindex> PrimaryVindexes { get; init; } = new Dictionary<string, Filtering.TableVindex>();

    /// <summary>
    /// The vindexes the keyspace's VSchema declares, by name (e.g. <c>region_vdx</c> of type <c>region_experimental</c>,
    /// built by <see cref="Vindexes.VindexFactory"/>): a <see cref="Filtering.TableVindex.Name"/> or a vindex named in
    /// <c>in_keyrange</c> is looked up here first, then as a vindex type without parameters.
    /// </summary>
    public IReadOnlyDictionary<string, Filtering.IKeyspaceIdFunction> Vindexes { get; init; } = new Dictionary<string, Filtering.IKeyspaceIdFunction>();

    /// <summary>
    /// With <c>VStreamFlags.stream_keyspace_heartbeats</c>: the table whose row changes go out, inside their transactions,
    /// as table <c>heartbeat</c> of the keyspace (FIELD first, all columns, every row) whatever <see cref="Filter"/> says, as
    /// Vitess's vstreamer sends the rows of <c>_vt.heartbeat</c>. Null (the default) streams none: like any table outside
    /// <see cref="Database"/>, its rows are dropped.
    /// </summary>
    public Filtering.HeartbeatTableName? HeartbeatTable { get; init; }

    /// <summary>Copy-phase state to resume from (<c>ShardGtid.table_p_ks</c>).</summary>
    public IReadOnlyList<TableLastPK> TablePKs { get; init; } = [];

    /// <summary>When not empty, only these tables are copied in the copy phase (<c>VStreamFlags.tables_to_copy</c>).</summary>
    public IReadOnlyList<string> TablesToCopy { get; init; } = [];

    /// <summary>A batch is handed on once its events reach about this many bytes, even mid-transaction. Default 250 000.</summary>
    public int PacketSize { get; init; } = 250_000;

    /// <summary>
    /// How many bytes of a group the stream holds, from its first open SAVEPOINT on, before it reads the rest of the group
    /// ahead on a second replication connection to learn which changes a later ROLLBACK TO retracts (and then hands the
    /// group on in <see cref="PacketSize"/> pieces again). Default 16 MiB. See docs/server.md, "Transactions in the stream".
    /// </summary>
    public long SavepointHoldBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How often an idle stream sends HEARTBEAT (it is the source heartbeat period too). Default 900 ms.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(900);

    /// <summary>Clock for <c>current_time</c>; tests inject a fake. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Largest binlog event (and decompressed event part) accepted from the source, see
    /// <see cref="VGate.MySql.Replication.BinlogClientOptions.MaxEventBytes"/>. Default 1 GiB.
    /// </summary>
    public int MaxEventBytes { get; init; } = VGate.MySql.Binlog.BinlogEventParser.DefaultMaxEventSize;

    /// <summary>
    /// Opens the binlog reader of the stream proper (after any copy phase) for the given client options; null reads on a
    /// <see cref="BinlogClient"/> of its own. The gateway passes readers of a <see cref="SharedBinlogReaders"/>, so the
    /// streams of one source share one replication connection whatever their filters. The copy phase's catch-up passes,
    /// the savepoint read-ahead and the read-back of prepared XA transactions always use short-lived connections of their own.
    /// </summary>
    public Func<BinlogClientOptions, IBinlogEventReader>? EventReaders { get; init; }

    /// <summary>
    /// Whether the copy phase reads tables as server-side prepared statements (the binary protocol: the server sends
    /// stored values, VGate formats them as the text protocol would, byte for byte), falling back to the text protocol
    /// for a table with a column it cannot format exactly (ZEROFILL, FLOAT(m,d), YEAR(2)). Default true; false always
    /// reads with COM_QUERY (for comparisons and benchmarks).
    /// </summary>
    public bool CopyBinaryProtocol { get; init; } = true;

    /// <summary>Told how far the stream has read (binlog position, event times, copy progress), for metrics; null for none.</summary>
    public IShardStreamProgress? Progress { get; init; }
}
