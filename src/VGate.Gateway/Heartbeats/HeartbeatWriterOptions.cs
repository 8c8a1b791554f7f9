namespace VGate.Gateway.Heartbeats;

/// <summary>
/// VGate's own heartbeat writer (section <c>VGate:HeartbeatWriter</c>, or <c>HeartbeatWriter</c> of a keyspace): writes
/// Vitess's heartbeat row to the heartbeat table of every shard's PRIMARY source, so that streams with
/// <c>stream_keyspace_heartbeats</c> get a ROW of table <c>heartbeat</c> from each shard at this interval. Off by default.
/// </summary>
public sealed class HeartbeatWriterOptions
{
    /// <summary>How often each primary's row is written; null (the default) writes nothing.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>
    /// Create the heartbeat table's database and the table (Vitess's layout) when they do not exist, once per source.
    /// Default true. Without the CREATE grant the writer goes on and writes to a table that exists.
    /// </summary>
    public bool CreateTable { get; set; } = true;
}
