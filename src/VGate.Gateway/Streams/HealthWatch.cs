using System.Globalization;
using System.Runtime.CompilerServices;
using Binlogdata;
using Microsoft.Extensions.Logging;
using VGate.Gateway.Health;
using VGate.Gateway.Logging;
using VGate.Gateway.Topology;
using VGate.VStreamer;

namespace VGate.Gateway.Streams;

/// <summary>
/// Moves a running shard stream off a source that the health checks find unhealthy — a replica lagging more than
/// <see cref="SourceHealthOptions.MaxReplicationLag"/> or not replicating, or a source the checks cannot reach — when
/// another source of the same role is healthy (vstream-spec §2.12: VTGate ends such a stream internally and resumes on a
/// newly picked tablet from its in-memory position). The stream ends with UNAVAILABLE right after a transaction, never in
/// the middle of one; the session or hub that reads it then reopens the shard from the last position it sent, with the
/// left source put last (<see cref="ShardStreamRequest.FailedSources"/>), so the client sees nothing but a short pause.
/// A stream stays on an unhealthy source when no healthy one is left: late data beats no data.
/// </summary>
internal static class HealthWatch
{
    /// <summary>Wraps <paramref name="batches"/>, read from <paramref name="source"/>, to end after a transaction once it should move.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<VEvent>> LeaveWhenUnhealthyAsync(
        IAsyncEnumerable<IReadOnlyList<VEvent>> batches,
        SourceHealthMonitor health,
        string keyspace,
        ShardOptions shard,
        SourceOptions source,
        ShardStreamRequest request,
        ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var name = TopologyValidator.SourceName(source);
        var inTransaction = false;
        SourceHealth? lastSeen = null;
        await foreach (var batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return batch;
            foreach (var vevent in batch)
            {
                inTransaction = vevent.Type switch
                {
                    VEventType.Begin => true,
                    VEventType.Commit or VEventType.Rollback or VEventType.Ddl or VEventType.Other => false,
                    _ => inTransaction,
                };
            }
            if (inTransaction)
                continue;

            // A new verdict arrives once per health-check interval; only then is there anything to decide.
            var current = health.Get(keyspace, shard.Name, name);
            if (current is null || ReferenceEquals(current, lastSeen))
                continue;
            lastSeen = current;
            if (current.IsHealthy(health.MaxReplicationLag))
                continue;
            var better = HealthyAlternative(health, keyspace, shard, source, request);
            if (better is null)
                continue;

            var reason = Describe(current, health.MaxReplicationLag);
            Log.SourceLeaving(logger, keyspace, shard.Name, name, reason, better);
            throw VStreamException.Unavailable($"{keyspace}/{shard.Name}: leaving source {name} ({reason}); {better} is healthy");
        }
    }

    /// <summary>The name of a healthy source of the same role other than <paramref name="source"/>, or null.</summary>
    private static string? HealthyAlternative(SourceHealthMonitor health, string keyspace, ShardOptions shard, SourceOptions source, ShardStreamRequest request)
    {
        foreach (var candidate in shard.Sources)
        {
            if (ReferenceEquals(candidate, source) || candidate.Role != source.Role || !SourceCells.Allows(request.Cells, candidate))
                continue;
            var name = TopologyValidator.SourceName(candidate);
            if (request.ExcludedSources.Contains(name))
                continue;
            if (health.Get(keyspace, shard.Name, name) is { } candidateHealth && candidateHealth.IsHealthy(health.MaxReplicationLag))
                return name;
        }
        return null;
    }

    private static string Describe(SourceHealth health, TimeSpan maxLag) => health switch
    {
        { Reachable: false } => "health check failed: " + (health.Problem ?? "unreachable"),
        { ReplicationRunning: false } => health.Problem ?? "replication is not running",
        { ReplicationLag: { } lag } => string.Create(CultureInfo.InvariantCulture,
            $"replication lag {lag.TotalSeconds:0} s is above {maxLag.TotalSeconds:0} s"),
        _ => health.Problem ?? "replication lag unknown",
    };
}
