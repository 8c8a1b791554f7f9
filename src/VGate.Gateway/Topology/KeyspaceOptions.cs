namespace VGate.Gateway.Topology;

/// <summary>A keyspace: a logical database split into shards, each shard a set of MySQL/MariaDB servers.</summary>
public sealed class KeyspaceOptions
{
    /// <summary>The keyspace name clients use.</summary>
    public string Name { get; set; } = "";

    /// <summary>The database (schema) on each source that holds the keyspace's tables; default: the keyspace name.</summary>
    public string? Database { get; set; }

    /// <summary>True when the keyspace is split by key ranges; false means one shard named <c>0</c> (or <c>-</c>).</summary>
    public bool Sharded { get; set; }

    /// <summary>
    /// A Vitess VSchema JSON file for this keyspace (<c>vschema.Keyspace</c>, or a <c>vschema.SrvVSchema</c> whose entry
    /// for this keyspace is used): its vindexes and each table's primary vindex (see <see cref="VSchemaLoader"/>).
    /// </summary>
    public string? VSchemaFile { get; set; }

    /// <summary>Primary vindex per table (sharded keyspaces), used by key-range filters; wins over the VSchema file's.</summary>
    public Dictionary<string, VindexOptions> Vindexes { get; set; } = [];

    /// <summary>
    /// Where this keyspace's heartbeat rows live on its sources (<c>database.table</c>); null uses
    /// <see cref="GatewayOptions.HeartbeatTable"/>. Streams with <c>stream_keyspace_heartbeats</c> get its rows as table
    /// <c>heartbeat</c> of the keyspace.
    /// </summary>
    public string? HeartbeatTable { get; set; }

    /// <summary>This keyspace's heartbeat writer; null uses <see cref="GatewayOptions.HeartbeatWriter"/>.</summary>
    public Heartbeats.HeartbeatWriterOptions? HeartbeatWriter { get; set; }

    /// <summary>The shards; in a sharded keyspace their key ranges must cover the whole space without overlap.</summary>
    public List<ShardOptions> Shards { get; set; } = [];
}
