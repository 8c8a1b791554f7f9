using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.Options;
using Vtgate;
using VGate.Server.Errors;
using VGate.Server.Execute;
using VGate.Server.Tests.Infrastructure;

namespace VGate.Server.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task Health_CheckWithSourceHealthChecksOff_Serving()
    {
        // Nothing is known about the sources without the checks: ready, as before readiness existed.
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["VGate:Health:Enabled"] = "false" });

        var reply = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());
        var vitess = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = VGateServer.VitessServiceName });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, vitess.Status);
    }

    [Fact]
    public async Task Health_SourcesNobodyAnswersOn_NotServingAndReadyz503NamingEveryShard()
    {
        // The test topology's hosts (db1, db2, …) do not exist: no shard has a healthy source, checked or not.
        await using var host = await TestServerHost.StartAsync();

        var reply = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());
        var vitess = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = VGateServer.VitessServiceName });
        using var http = host.CreateHttpClient();
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var alive = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var body = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, reply.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, vitess.Status);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, alive.StatusCode);
        Assert.False(body.RootElement.GetProperty("ready").GetBoolean());
        Assert.Equal(["commerce/0", "customer/-80", "customer/80-"],
            body.RootElement.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("keyspace").GetString() + "/" + s.GetProperty("shard").GetString()));
    }

    [Fact]
    public async Task Reflection_ListServices_IncludesVitess()
    {
        await using var host = await TestServerHost.StartAsync();

        using var call = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        Assert.Contains("vtgateservice.Vitess", call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public async Task Metrics_AfterCalls_PrometheusText()
    {
        await using var host = await TestServerHost.StartAsync();
        await host.Client.ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW VITESS_SHARDS" } });
        using var call = host.Client.VStream(new VStreamRequest());
        while (await call.ResponseStream.MoveNext())
        {
        }

        using var http = host.CreateHttpClient();
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("# TYPE vgate_server_vstreams_total counter", text, StringComparison.Ordinal);
        Assert.Contains("vgate_server_execute_statements_total{statement=\"VitessShards\"}", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE vgate_server_vstreams_active gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoKeyspaces_FailsWithMessageNamingTheSetting()
    {
        var logs = new LogSink { ExpectedErrors = _ => true };
        var builder = TestServerHost.CreateBuilder(null, withTopology: false, logs);
        await using var app = VGateServer.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("VGate:Keyspaces is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ShardWithoutSources_FailsWithPath()
    {
        var logs = new LogSink { ExpectedErrors = _ => true };
        var builder = TestServerHost.CreateBuilder(new Dictionary<string, string?> { ["VGate:Keyspaces:2:Name"] = "empty", ["VGate:Keyspaces:2:Shards:0:Name"] = "0" }, withTopology: true, logs);
        await using var app = VGateServer.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("VGate:Keyspaces:2:Shards:0 ('empty/0') has no sources.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", 100, "short")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789", 30, "abcde[...] remainder truncated")]
    [InlineData("éééééééééééééééééééé", 30, "éé[...] remainder truncated")]
    public void Truncate_Message_CutToByteBudget(string message, int max, string expected) =>
        Assert.Equal(expected, RpcErrors.Truncate(message, max));

    [Theory]
    [InlineData("/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'ks/%'", "VitessShards", "ks/%", null)]
    [InlineData("show   vitess_tablets", "VitessTablets", null, null)]
    [InlineData("SHOW TABLES FROM `my ks`;", "Tables", null, "my ks")]
    [InlineData("show tables in ks like 't%'", "Tables", "t%", "ks")]
    [InlineData("SHOW DATABASES", "Databases", null, null)]
    public void ShowStatement_Parse_Recognised(string sql, string kind, string? like, string? from)
    {
        var statement = ShowStatement.Parse(sql);
        Assert.Equal(new ShowStatement(Enum.Parse<ShowKind>(kind), like, from), statement);
    }

    [Theory]
    [InlineData("ks/%", "ks/-80", true)]
    [InlineData("ks/%", "ks2/-80", false)]
    [InlineData("k_/0", "ks/0", true)]
    [InlineData("a\\_b", "a_b", true)]
    [InlineData("a\\_b", "axb", false)]
    public void ShowStatement_Like_MatchesLikeVtgate(string pattern, string value, bool expected) =>
        Assert.Equal(expected, ShowStatement.Matches(pattern, value));
}
