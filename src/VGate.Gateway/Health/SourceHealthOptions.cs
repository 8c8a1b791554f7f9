namespace VGate.Gateway.Health;

/// <summary>
/// Settings of the periodic source health checks (<c>VGate:Health</c>): each configured source is connected to and
/// queried (<c>SELECT 1</c>), and replicas report their replication lag. Shard streams prefer healthy, least-lagged
/// sources.
/// </summary>
public sealed class SourceHealthOptions
{
    /// <summary>Whether the checks run. Default true; false picks sources in configuration order.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between two checks of a source. Default 5 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one check may take (connect and queries) before the source counts as unreachable. Default 5 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A replica (or rdonly source) whose replication lag is above this, or whose replication is not running, is used only
    /// when no better source of the role is left (Vitess <c>--discovery_low_replication_lag</c>). Default 30 s.
    /// </summary>
    public TimeSpan MaxReplicationLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a running shard stream moves off its source when a check finds it unhealthy (lagging, not replicating,
    /// unreachable) and another source of the role is healthy, after the current transaction and without the client
    /// noticing (as VTGate does). Default true; false keeps a stream on its source until the source fails.
    /// </summary>
    public bool LeaveUnhealthySource { get; set; } = true;
}
