using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VGate.Gateway.Health;
using VGate.Gateway.Topology;

namespace VGate.Server.Probes;

/// <summary>
/// Readiness: every shard of every configured keyspace has at least one source the <see cref="SourceHealthMonitor"/> found
/// reachable and healthy at its latest check (a replica also replicating within <c>Health:MaxReplicationLag</c>). A shard
/// none of whose sources has been checked yet is not ready. With the health checks off (<c>Health:Enabled=false</c>) nothing
/// is known and the server reports ready, as before. Drives <c>/readyz</c> and grpc.health.v1.
/// </summary>
internal sealed class Readiness
{
    private readonly Lazy<SourceHealthMonitor> _monitor;
    private readonly IOptions<GatewayOptions> _options;

    // The monitor (which reads the validated options) only when first needed: the server resolves this when it is built,
    // and an invalid configuration must fail at start with its own message.
    public Readiness(IServiceProvider services, IOptions<GatewayOptions> options, IMeterFactory meterFactory)
    {
        _monitor = new Lazy<SourceHealthMonitor>(services.GetRequiredService<SourceHealthMonitor>);
        _options = options;
        meterFactory.Create(ServerMetrics.MeterName).CreateObservableGauge("vgate.server.shard.ready", MeasureShards, "{shard}",
            "1 when the shard has a reachable, healthy source (or the health checks are off), 0 when not");
    }

    private List<Measurement<int>> MeasureShards()
    {
        IReadOnlyList<NotReadyShard> notReady;
        try
        {
            notReady = NotReadyShards();
        }
        catch (ObjectDisposedException)
        {
            // The host is stopping (its services are gone before its meters): nothing to report.
            return [];
        }
        var measurements = new List<Measurement<int>>();
        foreach (var keyspace in _options.Value.Keyspaces)
        {
            foreach (var shard in keyspace.Shards)
            {
                var ready = !notReady.Any(s => s.Keyspace == keyspace.Name && s.Shard == shard.Name);
                measurements.Add(new Measurement<int>(ready ? 1 : 0, [new("keyspace", keyspace.Name), new("shard", shard.Name)]));
            }
        }
        return measurements;
    }

    /// <summary>The shards not ready now, with why; empty when ready.</summary>
    public IReadOnlyList<NotReadyShard> NotReadyShards()
    {
        var gateway = _options.Value;
        if (!gateway.Health.Enabled)
            return [];
        var notReady = new List<NotReadyShard>();
        foreach (var keyspace in gateway.Keyspaces)
        {
            foreach (var shard in keyspace.Shards)
            {
                var problems = new List<string>();
                var ready = false;
                foreach (var source in shard.Sources)
                {
                    var name = TopologyValidator.SourceName(source);
                    var health = _monitor.Value.Get(keyspace.Name, shard.Name, name);
                    if (health is null)
                    {
                        problems.Add($"{name}: not checked yet");
                    }
                    else if (health.IsHealthy(_monitor.Value.MaxReplicationLag))
                    {
                        ready = true;
                        break;
                    }
                    else
                    {
                        problems.Add($"{name}: {health.Problem ?? (health.Reachable ? "not healthy" : "unreachable")}");
                    }
                }
                if (!ready)
                    notReady.Add(new NotReadyShard(keyspace.Name, shard.Name, problems));
            }
        }
        return notReady;
    }

    /// <summary>The <c>/readyz</c> body: <c>{"ready":false,"shards":[{"keyspace":…,"shard":…,"sources":[…]}]}</c>.</summary>
    public static string ToJson(IReadOnlyList<NotReadyShard> notReady)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteBoolean("ready", notReady.Count == 0);
            json.WriteStartArray("shards");
            foreach (var shard in notReady)
            {
                json.WriteStartObject();
                json.WriteString("keyspace", shard.Keyspace);
                json.WriteString("shard", shard.Shard);
                json.WriteStartArray("sources");
                foreach (var problem in shard.Sources)
                    json.WriteStringValue(problem);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>A shard without a healthy source; <paramref name="Sources"/> says, per source, what its latest check found.</summary>
internal sealed record NotReadyShard(string Keyspace, string Shard, IReadOnlyList<string> Sources);

/// <summary>The ASP.NET Core health check behind grpc.health.v1 (service "" and <c>vtgateservice.Vitess</c>): unhealthy when not ready.</summary>
internal sealed class ReadinessHealthCheck(Readiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var notReady = readiness.NotReadyShards();
        return Task.FromResult(notReady.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("not ready: " + string.Join(", ", notReady.Select(s => s.Keyspace + "/" + s.Shard))));
    }
}
