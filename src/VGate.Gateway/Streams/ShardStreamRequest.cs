using Binlogdata;
using VGate.Gateway.Topology;

namespace VGate.Gateway.Streams;

/// <summary>What the gateway asks of one shard stream: where to start, what to stream, and which sources to avoid.</summary>
public sealed record ShardStreamRequest
{
    /// <summary>The keyspace name.</summary>
    public required string Keyspace { get; init; }

    /// <summary>The shard name.</summary>
    public required string Shard { get; init; }

    /// <summary>The start position: <c>current</c>, <c>""</c> (copy first) or a Vitess position such as <c>MariaDB/0-1-42</c>.</summary>
    public required string Position { get; init; }

    /// <summary>Copy-phase state to resume from (<c>ShardGtid.table_p_ks</c>); owned by the request.</summary>
    public IReadOnlyList<TableLastPK> TablePKs { get; init; } = [];

    /// <summary>The filter; null streams every table.</summary>
    public Filter? Filter { get; init; }

    /// <summary>Tables the copy phase is limited to (<c>VStreamFlags.tables_to_copy</c>); empty = all matching tables.</summary>
    public IReadOnlyList<string> TablesToCopy { get; init; } = [];

    /// <summary>
    /// <c>VStreamFlags.stream_keyspace_heartbeats</c>: the rows of the keyspace's heartbeat table go out as table
    /// <c>heartbeat</c>, whatever the filter.
    /// </summary>
    public bool StreamKeyspaceHeartbeats { get; init; }

    /// <summary>The role of the source to read (from the request's tablet_type).</summary>
    public SourceRole Role { get; init; } = SourceRole.Primary;

    /// <summary>The cells the sources must be in (<c>VStreamFlags.cells</c>, <see cref="SourceCells"/>); empty = any source.</summary>
    public IReadOnlySet<string> Cells { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Sources that must not be used (they cannot serve this position: GTIDSet mismatch, purged binlogs).</summary>
    public IReadOnlySet<string> ExcludedSources { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Sources that failed recently: used only when no other source of the role is left.</summary>
    public IReadOnlySet<string> FailedSources { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Set by the connection limiter (<see cref="BinlogConnectionLimiter"/>): called before each replication connection the
    /// stream opens, the result disposed when it closes; throws RESOURCE_EXHAUSTED over the limit. Factories that share
    /// connections call it themselves and say so with <see cref="OpenedShardStream.CountsConnections"/>.
    /// </summary>
    public Func<IDisposable>? AcquireConnection { get; init; }
}
