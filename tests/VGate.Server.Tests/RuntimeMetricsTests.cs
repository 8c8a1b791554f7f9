using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vtgate;
using VGate.Gateway;
using VGate.Server.Execute;
using VGate.Server.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.Server.Tests;

/// <summary>
/// <c>/metrics</c> of a real server on Kestrel exports, besides VGate's meters, the .NET runtime's (<c>dotnet_*</c>),
/// ASP.NET Core's request metrics (<c>http_server_*</c>) and Kestrel's (<c>kestrel_*</c>) of its own host only, all
/// documented in docs/metrics.md; <c>MetricsRuntime</c> and <c>MetricsHttp</c> turn them off.
/// </summary>
public sealed partial class RuntimeMetricsTests
{
    [Fact]
    public async Task Metrics_RealKestrel_RuntimeKestrelAndRequestSeries_AllDocumented()
    {
        var metricsPort = FreePort.GetAvailableTcpPort();
        await using var host = await KestrelHost.StartAsync(metricsPort);
        using (var channel = GrpcChannel.ForAddress(host.GrpcAddress))
            await new Vtgateservice.Vitess.VitessClient(channel).ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW VITESS_SHARDS" } });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };

        // A request's duration is recorded when it ends, after the client has its response: poll until the gRPC call's is there.
        var text = await Eventually.UntilAsync(
            () => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            t => t.Contains("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && t.Contains("Execute", StringComparison.Ordinal),
            TestDeadline.Default);
        var types = Types(text);
        var samples = Samples(text);

        Assert.Equal("counter", types["dotnet_gc_collections_total"]);
        Assert.Contains(samples, s => s.Name == "dotnet_gc_collections_total" && s.Labels.Contains("gc_heap_generation=\"gen0\"", StringComparison.Ordinal));
        Assert.Equal("counter", types["dotnet_gc_pause_time_seconds_total"]);
        Assert.Equal("gauge", types["dotnet_process_memory_working_set_bytes"]);
        Assert.True(samples.Single(s => s.Name == "dotnet_process_memory_working_set_bytes").Value > 0);
        Assert.Equal("counter", types["dotnet_process_cpu_time_seconds_total"]);
        // Declared as counters by the runtime, but they go down: gauges (ExportedMeters.IsMisdeclaredGauge).
        Assert.Equal("gauge", types["dotnet_thread_pool_thread_count"]);
        Assert.Equal("gauge", types["dotnet_thread_pool_queue_length"]);
        // Kestrel's connections on this host's metrics port: at least the scraping client's, open now.
        Assert.Equal("gauge", types["kestrel_active_connections"]);
        Assert.Contains(samples, s => s.Name == "kestrel_active_connections"
            && s.Labels.Contains($"server_port=\"{metricsPort}\"", StringComparison.Ordinal) && s.Value >= 1);
        // The gRPC call as an HTTP request: a histogram in seconds with ASP.NET Core's advised buckets, route and status.
        Assert.Equal("histogram", types["http_server_request_duration_seconds"]);
        var execute = samples.Single(s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.Contains("Execute", StringComparison.Ordinal));
        Assert.Equal(1, execute.Value);
        Assert.Contains("http_request_method=\"POST\"", execute.Labels, StringComparison.Ordinal);
        Assert.Contains("http_response_status_code=\"200\"", execute.Labels, StringComparison.Ordinal);
        Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_bucket" && s.Labels.Contains("Execute", StringComparison.Ordinal)
            && s.Labels.Contains("le=\"+Inf\"", StringComparison.Ordinal) && s.Value == 1);
        Assert.Contains(samples, s => s.Name == "vgate_server_execute_statements_total" && s.Labels == "{statement=\"VitessShards\"}" && s.Value == 1);
        var documented = DocumentedMetrics();
        Assert.DoesNotContain(types.Keys, m => !documented.Contains(m));
    }

    [Fact]
    public async Task Metrics_RuntimeAndHttpOff_OnlyVGateSeries()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["VGate:Server:MetricsRuntime"] = "false",
            ["VGate:Server:MetricsHttp"] = "false",
        });
        using var http = host.CreateHttpClient();
        _ = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)); // a request before, so there would be request metrics

        var types = Types(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.Contains("vgate_server_shard_ready", types.Keys);
        Assert.All(types.Keys, m => Assert.StartsWith("vgate_", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_TwoHostsInOneProcess_EachOnlyItsOwnKestrelSeries()
    {
        var portA = FreePort.GetAvailableTcpPort();
        var portB = FreePort.GetAvailableTcpPort();
        await using var a = await KestrelHost.StartAsync(portA);
        await using var b = await KestrelHost.StartAsync(portB);
        using var httpA = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{portA}") };
        using var httpB = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{portB}") };
        _ = await httpB.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        var text = await httpA.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains($"server_port=\"{portA}\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"server_port=\"{portB}\"", text, StringComparison.Ordinal);
        // One TYPE line per metric: the runtime's process-wide meter is exported once per host, not once per listener.
        var typeLines = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();
        Assert.Equal(typeLines.Count, typeLines.Distinct(StringComparer.Ordinal).Count());
    }

    private static Dictionary<string, string> Types(string text) =>
        text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' '))
            .ToDictionary(p => p[2], p => p[3], StringComparer.Ordinal);

    private static List<(string Name, string Labels, double Value)> Samples(string text) =>
        [.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SampleLine().Match(l))
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))];

    /// <summary>The metric names in the first column of docs/metrics.md's tables.</summary>
    private static HashSet<string> DocumentedMetrics()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "VGate.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        return File.ReadLines(Path.Combine(directory.FullName, "docs", "metrics.md"))
            .Select(l => DocumentedRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^\| `([a-z_][a-z0-9_]*)` \|")]
    private static partial Regex DocumentedRow();

    /// <summary>The real server on Kestrel: cleartext gRPC on 127.0.0.1 (port chosen by the OS) and <c>/metrics</c> on <c>MetricsListen</c>.</summary>
    private sealed class KestrelHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly LogSink _logs;

        private KestrelHost(WebApplication app, LogSink logs, string grpcAddress)
        {
            _app = app;
            _logs = logs;
            GrpcAddress = grpcAddress;
        }

        public string GrpcAddress { get; }

        public static async Task<KestrelHost> StartAsync(int metricsPort)
        {
            var logs = new LogSink();
            var builder = VGateServer.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(TestServerHost.Topology);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["VGate:Server:Listen"] = "127.0.0.1:0",
                ["VGate:Server:MetricsListen"] = $"127.0.0.1:{metricsPort}",
            });
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<IVStreamGateway>(new FakeVStreamGateway());
            builder.Services.AddSingleton<ITableLister>(new FakeTableLister());
            var app = VGateServer.Build(builder);
            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Single(a => !a.EndsWith(":" + metricsPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            return new KestrelHost(app, logs, address);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _logs.VerifyNoErrors();
        }
    }
}
