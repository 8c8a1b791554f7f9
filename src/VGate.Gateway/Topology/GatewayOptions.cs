using VGate.Gateway.Health;
using VGate.Gateway.Hub;

namespace VGate.Gateway.Topology;

/// <summary>
/// The gateway's topology and stream settings, bound from the <c>VGate</c> configuration section (appsettings JSON,
/// environment variables such as <c>VGate__Keyspaces__0__Name</c>, command line). Check it with
/// <see cref="TopologyValidator.Validate"/>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "VGate";

    /// <summary>The keyspaces served.</summary>
    public List<KeyspaceOptions> Keyspaces { get; set; } = [];

    /// <summary>
    /// A Vitess VSchema JSON file for every keyspace (<c>vschema.SrvVSchema</c>, <c>{"keyspaces": {name: Keyspace}}</c>;
    /// or one <c>vschema.Keyspace</c> when one keyspace is configured); see <see cref="VSchemaLoader"/>.
    /// </summary>
    public string? VSchemaFile { get; set; }

    /// <summary>Largest VStreamResponse sent, in bytes; kept under the 4 MiB default limit of gRPC clients. Default 3 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>
    /// Bounded memory: how many encoded bytes of one open transaction a stream holds per shard. A bigger transaction goes to
    /// the client in pieces as it arrives (as with the request's <c>transaction_chunk_size</c>, whichever is smaller), with
    /// the stream's send turn held from its first piece to its COMMIT, so no other shard's events come in between. A shard
    /// that fails after a piece went out ends the VStream with UNAVAILABLE (the transaction is never re-sent inside a
    /// stream); the client resumes from its last VGTID and gets the whole transaction once. Default 4 MiB; at least
    /// <see cref="TopologyValidator.MinimumTransactionBufferBytes"/>.
    /// </summary>
    public long TransactionBufferBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// Largest binlog event a source may send, in bytes, and the most a compressed event (MariaDB compressed QUERY/ROWS,
    /// an inner event of a MySQL TRANSACTION_PAYLOAD) may inflate to; a bigger one fails the shard stream with an error
    /// naming the event, its position and this limit. Memory is otherwise bounded by the bytes that really arrive, never by
    /// a declared length. Default 1 GiB (the largest <c>max_allowed_packet</c>); between
    /// <see cref="TopologyValidator.MinimumMaxEventBytes"/> and 1 GiB.
    /// </summary>
    public int MaxEventBytes { get; set; } = VGate.MySql.Binlog.BinlogEventParser.DefaultMaxEventSize;

    /// <summary>Consecutive failures of one shard's stream before the whole VStream fails with UNAVAILABLE. Default 3.</summary>
    public int MaxConsecutiveShardFailures { get; set; } = 3;

    /// <summary>
    /// Switchover and failover of the primary: when a PRIMARY stream's source fails, the shard stream is reopened on another
    /// source of the shard (replica or rdonly, healthy first) before the failed primary is tried again. The configured roles
    /// do not follow a switchover, so the promoted server is still listed as a replica; its binlog holds the old primary's
    /// transactions under the same GTIDs when it writes what it replicates (<c>log_slave_updates=ON</c>), and a source
    /// that lacks the stream's position refuses it and is skipped, so nothing is lost or repeated. REPLICA and RDONLY streams
    /// never move to the primary. Default true.
    /// </summary>
    public bool PrimaryFailoverToReplicas { get; set; } = true;

    /// <summary>Pause before a failed shard stream is reopened. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many responses may wait between the shard streams and the client. Default 16.</summary>
    public int ResponseQueueCapacity { get; set; } = 16;

    /// <summary>
    /// With <c>minimize_skew</c>, how long a shard that is ahead may wait for the slowest shard before the stream fails with
    /// CANCELED (Vitess: 10 min). Default 10 min.
    /// </summary>
    public TimeSpan SkewTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A stream that receives no event at all from any of its shards (not even the tablets' idle heartbeats, sent every
    /// second) for this long fails with UNAVAILABLE "vstream failed liveness checks", as in Vitess. Default 10 min.
    /// </summary>
    public TimeSpan LivenessTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Where heartbeat rows live on the sources (<c>database.table</c>), for every keyspace that does not set its own
    /// (<see cref="KeyspaceOptions.HeartbeatTable"/>): a stream with <c>stream_keyspace_heartbeats</c> gets the row changes
    /// of this table as table <c>heartbeat</c> of the keyspace. Default <c>_vt.heartbeat</c> (Vitess's sidecar table, the
    /// one <see cref="HeartbeatWriter"/> writes); point it at pt-heartbeat's table to stream that instead.
    /// </summary>
    public string HeartbeatTable { get; set; } = VStreamer.Filtering.HeartbeatTableName.Default;

    /// <summary>VGate's heartbeat writer, off by default (section <c>VGate:HeartbeatWriter</c>).</summary>
    public Heartbeats.HeartbeatWriterOptions HeartbeatWriter { get; set; } = new();

    /// <summary>The fan-out hub: one binlog reader shared by the subscribers of a shard (section <c>VGate:FanOut</c>).</summary>
    public FanOutOptions FanOut { get; set; } = new();

    /// <summary>What one client may ask: streams, filter size, request and event sizes (section <c>VGate:Limits</c>).</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>Source health checks: reachability and replication lag (section <c>VGate:Health</c>).</summary>
    public SourceHealthOptions Health { get; set; } = new();
}
