using VGate.Gateway.Topology;

namespace VGate.Gateway.Health;

/// <summary>The outcome of the latest health check of one source.</summary>
public sealed record SourceHealth
{
    /// <summary>The keyspace of the shard.</summary>
    public required string Keyspace { get; init; }

    /// <summary>The shard.</summary>
    public required string Shard { get; init; }

    /// <summary>The source's name (<see cref="TopologyValidator.SourceName"/>).</summary>
    public required string Source { get; init; }

    /// <summary>The source's configured role.</summary>
    public required SourceRole Role { get; init; }

    /// <summary>True when a connection and <c>SELECT VERSION()</c> succeeded.</summary>
    public required bool Reachable { get; init; }

    /// <summary>
    /// For replica and rdonly sources: true when replication runs (every channel's IO and SQL threads). Null for primaries
    /// (not checked) and for unreachable sources.
    /// </summary>
    public bool? ReplicationRunning { get; init; }

    /// <summary>For replica and rdonly sources: the largest <c>Seconds_Behind_Master</c>/<c>Seconds_Behind_Source</c>; null when unknown.</summary>
    public TimeSpan? ReplicationLag { get; init; }

    /// <summary>Why the source is unreachable or not replicating; null when all is well.</summary>
    public string? Problem { get; init; }

    /// <summary>
    /// When the source's server started: the check's time minus the server's <c>Uptime</c> status, to the second. Null for
    /// unreachable sources and when the status could not be read.
    /// </summary>
    public DateTimeOffset? ServerStartedAt { get; init; }

    /// <summary>
    /// The source's binlog files and sizes (<c>SHOW BINARY LOGS</c>) at the check, oldest first; null for unreachable sources,
    /// without binary logging, or without the privilege (MySQL <c>REPLICATION CLIENT</c>, MariaDB <c>BINLOG MONITOR</c>).
    /// </summary>
    public IReadOnlyList<BinlogFileSize>? Binlogs { get; init; }

    /// <summary>When the check finished.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>
    /// True when the source is reachable and, for replicas, replicating with a lag of at most <paramref name="maxLag"/>.
    /// </summary>
    public bool IsHealthy(TimeSpan maxLag) =>
        Reachable && (Role == SourceRole.Primary || (ReplicationRunning == true && ReplicationLag is { } lag && lag <= maxLag));

    /// <summary>
    /// Preference of a source when a shard stream picks one, lower first: 0 healthy, 1 not checked yet, 2 reachable but
    /// lagging or not replicating, 3 unreachable.
    /// </summary>
    public static int Rank(SourceHealth? health, TimeSpan maxLag) => health switch
    {
        null => 1,
        { Reachable: false } => 3,
        _ when health.IsHealthy(maxLag) => 0,
        _ => 2,
    };
}
