using System.Net;
using System.Text.Json;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using VGate.Gateway.Health;
using VGate.Server.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.Server.Tests;

/// <summary>
/// <c>/readyz</c> and grpc.health.v1 follow the source health checks on real servers: a shard whose only source is killed
/// makes the server not ready (503 naming that shard, NOT_SERVING) while <c>/healthz</c> stays 200; restarted, ready again.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReadinessTests
{
    [ServerFact]
    public async Task Readyz_OnlySourceOfAShardKilledThenRestarted_NotReadyNamingItThenReady()
    {
        await using var first = await MariaDbServer.StartAsync();
        await using var second = await MariaDbServer.StartAsync();
        var logs = new LogSink { ExpectedErrors = _ => true };
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            // Checks run when the test asks (CheckAllAsync), not on a timer.
            ["VGate:Health:Interval"] = "01:00:00",
            ["VGate:Health:Timeout"] = "00:00:05",
            ["VGate:Keyspaces:0:Name"] = "customer",
            ["VGate:Keyspaces:0:Sharded"] = "true",
            ["VGate:Keyspaces:0:Shards:0:Name"] = "-80",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = first.ReplicationUri.ToString(),
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Name"] = "first",
            ["VGate:Keyspaces:0:Shards:1:Name"] = "80-",
            ["VGate:Keyspaces:0:Shards:1:Sources:0:Uri"] = second.ReplicationUri.ToString(),
            ["VGate:Keyspaces:0:Shards:1:Sources:0:Name"] = "second",
        }, withTopology: false, logs);
        var monitor = host.Services.GetRequiredService<SourceHealthMonitor>();
        using var http = host.CreateHttpClient();
        var health = new Health.HealthClient(host.Channel);

        var (readyStatus, readyBody) = await Eventually.UntilAsync(async () =>
        {
            await monitor.CheckAllAsync();
            return await ReadyzAsync(http);
        }, r => r.Status == HttpStatusCode.OK, TestDeadline.Default);
        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.True(readyBody.GetProperty("ready").GetBoolean());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        await second.KillAsync();
        // Polled: the host's own first check round may still be finishing and record an older result after this one.
        var (downStatus, downBody) = await Eventually.UntilAsync(async () =>
        {
            await monitor.CheckAllAsync();
            return await ReadyzAsync(http);
        }, r => r.Status == HttpStatusCode.ServiceUnavailable, TestDeadline.Default);
        using var alive = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, downStatus);
        Assert.False(downBody.GetProperty("ready").GetBoolean());
        var shard = Assert.Single(downBody.GetProperty("shards").EnumerateArray());
        Assert.Equal("customer", shard.GetProperty("keyspace").GetString());
        Assert.Equal("80-", shard.GetProperty("shard").GetString());
        Assert.StartsWith("second: ", Assert.Single(shard.GetProperty("sources").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing,
            (await health.CheckAsync(new HealthCheckRequest { Service = VGateServer.VitessServiceName })).Status);

        await second.RestartAsync();
        var (againStatus, _) = await Eventually.UntilAsync(async () =>
        {
            await monitor.CheckAllAsync();
            return await ReadyzAsync(http);
        }, r => r.Status == HttpStatusCode.OK, TestDeadline.ServerStart);
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = VGateServer.VitessServiceName })).Status);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyzAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
