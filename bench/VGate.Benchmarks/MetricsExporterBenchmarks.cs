using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using VGate.Metrics;
using VGate.Server.Metrics;

namespace VGate.Benchmarks;

/// <summary>
/// The hand-written <see cref="PrometheusExporter"/> against OpenTelemetry's (OpenTelemetry 1.21.0 with
/// OpenTelemetry.Exporter.Prometheus.AspNetCore 1.20.1-beta.1), issue 17 §3. Both are served the same way, by an ASP.NET
/// Core host on <c>TestServer</c> (in memory, no sockets) answering <c>GET /metrics</c>, so a scrape is the whole request:
/// collect, serialize, write the body. The series look like the gateway's: per (keyspace, shard) 12 counters, 3 up-down
/// counters and a seconds histogram with 14 advised buckets (17 lines), i.e. 32 lines per tag set; 2 keyspaces × 16
/// shards give 1,024 lines, × 10 tables 10,240. OpenTelemetry's response cache is off (else it answers from a copy).
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/VGate.Benchmarks -- --filter '*MetricsExporter*' --job short</c></remarks>
[MemoryDiagnoser]
public class MetricsExporterScrapeBenchmarks : IDisposable
{
    private MetricsHost _host = null!;

    /// <summary>Which exporter serves <c>/metrics</c>.</summary>
    [Params(MetricsExporterKind.HandWritten, MetricsExporterKind.OpenTelemetry)]
    public MetricsExporterKind Exporter { get; set; }

    /// <summary>About how many sample lines a scrape writes (1,024 or 10,240, see the class comment).</summary>
    [Params(1_000, 10_000)]
    public int Series { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = MetricsHost.Start(Exporter);
        var tagSets = Series >= 10_000 ? GatewayLikeInstruments.TagSets(tables: 10) : GatewayLikeInstruments.TagSets(tables: 0);
        _host.Instruments.RecordOnce(tagSets);
        var body = _host.ScrapeAsync().GetAwaiter().GetResult();
        var lines = body.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        Console.WriteLine($"// {Exporter}: {lines} sample lines, {body.Length} characters per scrape");
    }

    [Benchmark]
    public int Scrape() => _host.ScrapeAsync().GetAwaiter().GetResult().Length;

    [GlobalCleanup]
    public void Dispose()
    {
        _host?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The cost of one measurement on a hot path (a counter add and a histogram record with keyspace and shard tags, cycling
/// through 32 tag sets) with no exporter listening, the hand-written one, or OpenTelemetry's. One operation is one
/// measurement (OperationsPerInvoke).
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/VGate.Benchmarks -- --filter '*MetricsExporter*' --job short</c></remarks>
[MemoryDiagnoser]
public class MetricsExporterRecordBenchmarks : IDisposable
{
    private const int Measurements = 1024;

    private MetricsHost _host = null!;
    private KeyValuePair<string, object?>[][] _tagSets = [];

    /// <summary>Which exporter listens (<see cref="MetricsExporterKind.None"/>: nobody, the instruments are off).</summary>
    [Params(MetricsExporterKind.None, MetricsExporterKind.HandWritten, MetricsExporterKind.OpenTelemetry)]
    public MetricsExporterKind Exporter { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = MetricsHost.Start(Exporter);
        _tagSets = GatewayLikeInstruments.TagSets(tables: 0);
        _host.Instruments.RecordOnce(_tagSets);
    }

    [Benchmark(OperationsPerInvoke = Measurements)]
    public void CounterAdd()
    {
        var counter = _host.Instruments.Counters[0];
        var tagSets = _tagSets;
        for (var i = 0; i < Measurements; i++)
        {
            var tags = tagSets[i & 31];
            counter.Add(1, tags[0], tags[1]);
        }
    }

    [Benchmark(OperationsPerInvoke = Measurements)]
    public void HistogramRecord()
    {
        var histogram = _host.Instruments.Histogram;
        var tagSets = _tagSets;
        for (var i = 0; i < Measurements; i++)
        {
            var tags = tagSets[i & 31];
            histogram.Record((i & 63) * 0.0004, tags[0], tags[1]);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _host?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public enum MetricsExporterKind
{
    None,
    HandWritten,
    OpenTelemetry,
}

/// <summary>Instruments shaped like the gateway's, on a meter of their own (a <c>VGate.</c> name, which the hand-written exporter listens to).</summary>
internal sealed class GatewayLikeInstruments : IDisposable
{
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;

    public GatewayLikeInstruments(string meterName)
    {
        _meter = new Meter(meterName);
        Counters = [.. Enumerable.Range(0, 12).Select(i => _meter.CreateCounter<long>("vgate.bench.counter" + i.ToString(CultureInfo.InvariantCulture), "{event}", "A counter like vgate.gateway.events.streamed"))];
        Gauges = [.. Enumerable.Range(0, 3).Select(i => _meter.CreateUpDownCounter<long>("vgate.bench.gauge" + i.ToString(CultureInfo.InvariantCulture), "{stream}", "An up-down counter like vgate.gateway.hub.subscribers"))];
        Histogram = _meter.CreateHistogram("vgate.bench.duration", "s", "A histogram like vgate.server.execute.duration", null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public Counter<long>[] Counters { get; }

    public UpDownCounter<long>[] Gauges { get; }

    public Histogram<double> Histogram { get; }

    /// <summary>2 keyspaces × 16 shards, each also × <paramref name="tables"/> tables when not 0.</summary>
    public static KeyValuePair<string, object?>[][] TagSets(int tables)
    {
        var sets = new List<KeyValuePair<string, object?>[]>();
        foreach (var keyspace in new[] { "customer", "commerce" })
        {
            for (var shard = 0; shard < 16; shard++)
            {
                var name = shard == 0 ? "-10" : shard == 15 ? "f0-" : (shard * 16).ToString("x2", CultureInfo.InvariantCulture) + "-" + ((shard + 1) * 16).ToString("x2", CultureInfo.InvariantCulture);
                if (tables == 0)
                {
                    sets.Add([new("keyspace", keyspace), new("shard", name)]);
                    continue;
                }
                for (var table = 0; table < tables; table++)
                    sets.Add([new("keyspace", keyspace), new("shard", name), new("table", "t" + table.ToString(CultureInfo.InvariantCulture))]);
            }
        }
        return [.. sets];
    }

    /// <summary>Every instrument once per tag set, so every series exists.</summary>
    public void RecordOnce(KeyValuePair<string, object?>[][] tagSets)
    {
        var i = 0;
        foreach (var tags in tagSets)
        {
            foreach (var counter in Counters)
                counter.Add(++i, tags);
            foreach (var gauge in Gauges)
                gauge.Add(i % 7, tags);
            Histogram.Record(i % 100 * 0.003, tags);
        }
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>An ASP.NET Core host on TestServer with one of the exporters on <c>/metrics</c>, and its instruments.</summary>
internal sealed class MetricsHost : IDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly PrometheusExporter? _handWritten;

    private MetricsHost(WebApplication app, PrometheusExporter? handWritten, GatewayLikeInstruments instruments)
    {
        _app = app;
        _handWritten = handWritten;
        Instruments = instruments;
        _client = app.GetTestClient();
    }

    public GatewayLikeInstruments Instruments { get; }

    public static MetricsHost Start(MetricsExporterKind kind)
    {
        // One host per process (BenchmarkDotNet runs each case in a process of its own); the hand-written exporter
        // listens process-wide to every VGate.* meter. The name is short as the gateway's are: OpenTelemetry writes it
        // into every series (otel_scope_name).
        const string meterName = "VGate.Bench";
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        PrometheusExporter? handWritten = null;
        if (kind == MetricsExporterKind.OpenTelemetry)
            AddOpenTelemetry(builder, meterName);
        else if (kind == MetricsExporterKind.HandWritten)
            handWritten = new PrometheusExporter();
        var app = builder.Build();
        if (kind == MetricsExporterKind.OpenTelemetry)
            MapOpenTelemetry(app);
        else if (handWritten is not null)
            app.MapGet("/metrics", () => new PrometheusTextResult(handWritten)); // as VGateServer serves it
        app.StartAsync().GetAwaiter().GetResult();
        // Instruments after the exporter: both then see them from the first measurement.
        return new MetricsHost(app, handWritten, new GatewayLikeInstruments(meterName));
    }

    // Separate methods, not inlined: only a host with OpenTelemetry loads its assemblies (for metrics-startup).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOpenTelemetry(WebApplicationBuilder builder, string meterName) =>
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(meterName)
            .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MapOpenTelemetry(WebApplication app) => app.MapPrometheusScrapingEndpoint();

    public async Task<string> ScrapeAsync(string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _client.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        Instruments.Dispose();
        _client.Dispose();
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
        _handWritten?.Dispose();
    }
}

/// <summary>
/// <c>metrics-startup KIND</c>: in a fresh process, the time and allocation from nothing to the first answered scrape
/// (host built and started, 1,024 series recorded, one <c>GET /metrics</c>), and the OpenTelemetry assemblies loaded.
/// Run it several times per kind, alternating, for the startup cost. <c>metrics-startup KIND print [ACCEPT]</c> also writes
/// the scrape's text.
/// </summary>
internal static class MetricsExporterStartup
{
    public static void Run(string[] args)
    {
        var kind = Enum.Parse<MetricsExporterKind>(args.Length > 0 ? args[0] : nameof(MetricsExporterKind.HandWritten), ignoreCase: true);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        using var host = MetricsHost.Start(kind);
        host.Instruments.RecordOnce(GatewayLikeInstruments.TagSets(tables: 0));
        var body = host.ScrapeAsync().GetAwaiter().GetResult();
        stopwatch.Stop();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var otelAssemblies = AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name?.StartsWith("OpenTelemetry", StringComparison.Ordinal) == true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind}: first scrape after {stopwatch.Elapsed.TotalMilliseconds:F1} ms, {allocated / 1024.0 / 1024.0:F1} MiB allocated, {body.Length} characters, {otelAssemblies} OpenTelemetry assemblies loaded, process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds:F0} ms"));
        // metrics-startup KIND print [ACCEPT]: the scrape's text, e.g. with "application/openmetrics-text; version=1.0.0".
        if (args is [_, "print", .. var accept])
            Console.Write(host.ScrapeAsync(accept is [var value] ? value : null).GetAwaiter().GetResult());
    }
}

/// <summary>
/// <c>metrics-quick [ROUNDS]</c>: the same measurements as the BenchmarkDotNet classes, in process CPU time (user + system,
/// so a machine shared with other work slows the figures less than wall time), the exporters alternating within the run:
/// each round starts a host per exporter in turn (order swapped every round), measures 2,000,000 counter adds, 2,000,000
/// histogram records (32 tag sets) and scrapes of 1,024 and 10,240 lines, and disposes it. Prints each round and the
/// medians with their range.
/// </summary>
internal static class MetricsExporterQuick
{
    private const int Measurements = 2_000_000;

    public static void Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        MetricsExporterKind[] kinds = [MetricsExporterKind.HandWritten, MetricsExporterKind.OpenTelemetry];
        var results = kinds.ToDictionary(k => k, _ => new List<double[]>());
        string[] columns = ["counter ns", "histogram ns", "scrape 1k µs", "scrape 1k KB", "scrape 10k µs", "scrape 10k KB"];
        for (var round = 0; round < rounds; round++)
        {
            foreach (var kind in round % 2 == 0 ? kinds : kinds.Reverse())
            {
                var figures = Measure(kind);
                results[kind].Add(figures);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} {kind,-13} ") + string.Join("  ", columns.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"{c} {figures[i]:F1}"))));
            }
        }
        Console.WriteLine("medians (min–max) of process CPU time per operation; KB allocated per scrape:");
        foreach (var kind in kinds)
        {
            Console.WriteLine($"{kind,-13} " + string.Join("  ", columns.Select((c, i) =>
            {
                var values = results[kind].Select(r => r[i]).Order().ToArray();
                return string.Create(CultureInfo.InvariantCulture, $"{c} {values[values.Length / 2]:F1} ({values[0]:F1}–{values[^1]:F1})");
            })));
        }
    }

    private static double[] Measure(MetricsExporterKind kind)
    {
        var tagSets = GatewayLikeInstruments.TagSets(tables: 0);
        double counter, histogram;
        using (var host = MetricsHost.Start(kind))
        {
            host.Instruments.RecordOnce(tagSets);
            var c = host.Instruments.Counters[0];
            var h = host.Instruments.Histogram;
            (counter, _) = CpuNanosecondsPer(Measurements, () =>
            {
                for (var i = 0; i < Measurements; i++)
                {
                    var tags = tagSets[i & 31];
                    c.Add(1, tags[0], tags[1]);
                }
            });
            (histogram, _) = CpuNanosecondsPer(Measurements, () =>
            {
                for (var i = 0; i < Measurements; i++)
                {
                    var tags = tagSets[i & 31];
                    h.Record((i & 63) * 0.0004, tags[0], tags[1]);
                }
            });
        }
        var (scrape1k, bytes1k) = Scrape(kind, tables: 0, scrapes: 200);
        var (scrape10k, bytes10k) = Scrape(kind, tables: 10, scrapes: 30);
        return [counter, histogram, scrape1k / 1000, bytes1k / 1024, scrape10k / 1000, bytes10k / 1024];
    }

    private static (double CpuNanoseconds, double Bytes) Scrape(MetricsExporterKind kind, int tables, int scrapes)
    {
        using var host = MetricsHost.Start(kind);
        host.Instruments.RecordOnce(GatewayLikeInstruments.TagSets(tables));
        for (var i = 0; i < 5; i++)
            _ = host.ScrapeAsync().GetAwaiter().GetResult();
        return CpuNanosecondsPer(scrapes, () =>
        {
            for (var i = 0; i < scrapes; i++)
                _ = host.ScrapeAsync().GetAwaiter().GetResult();
        });
    }

    /// <summary>
    /// Warms <paramref name="work"/> up once, then the process CPU time and the bytes allocated (all threads: the scrape's
    /// server and client sides) of a second run, per operation.
    /// </summary>
    private static (double CpuNanoseconds, double Bytes) CpuNanosecondsPer(int operations, Action work)
    {
        work();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        work();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        process.Refresh();
        return ((process.TotalProcessorTime - before).TotalNanoseconds / operations, allocated / (double)operations);
    }
}
