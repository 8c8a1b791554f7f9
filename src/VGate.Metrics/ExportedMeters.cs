using System.Diagnostics.Metrics;

namespace VGate.Metrics;

/// <summary>
/// Which meters <see cref="PrometheusExporter"/> exports and how their instruments are named. Always every <c>VGate.*</c>
/// meter, named as they always were (snake case, <c>_total</c> on counters, no unit suffix). Optionally the .NET runtime's
/// own meter (<c>System.Runtime</c>: GC, memory, CPU, thread pool, JIT, exceptions) and the host's ASP.NET Core meters
/// (<c>Microsoft.AspNetCore.Hosting</c>: HTTP and gRPC requests; <c>Microsoft.AspNetCore.Server.Kestrel</c>: connections,
/// TLS handshakes); their instruments are named the way OpenTelemetry's Prometheus exporter names them (a unit suffix such
/// as <c>_seconds</c> or <c>_bytes</c>, then <c>_total</c> on counters: <c>dotnet.gc.pause.time</c> in s →
/// <c>dotnet_gc_pause_time_seconds_total</c>), so the usual .NET and ASP.NET Core dashboards and alerts find them.
/// </summary>
public sealed class ExportedMeters
{
    /// <summary>The .NET runtime's built-in meter (.NET 9 and later).</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>ASP.NET Core's request meter (<c>http.server.request.duration</c>, <c>http.server.active_requests</c>).</summary>
    public const string HostingMeter = "Microsoft.AspNetCore.Hosting";

    /// <summary>Kestrel's meter (<c>kestrel.active_connections</c>, <c>kestrel.connection.duration</c>, …).</summary>
    public const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";

    private readonly bool _runtime;
    private readonly bool _http;

    /// <summary>
    /// The host's meter factory: ASP.NET Core creates its meters through it, one set per host, and a
    /// <see cref="MeterListener"/> sees every host's in the process (tests run several), so only this host's are taken.
    /// </summary>
    private readonly IMeterFactory? _hostMeters;

    private ExportedMeters(bool runtime, bool http, IMeterFactory? hostMeters)
    {
        _runtime = runtime;
        _http = http;
        _hostMeters = hostMeters;
    }

    /// <summary>The <c>VGate.*</c> meters only.</summary>
    public static ExportedMeters VGateOnly { get; } = new(runtime: false, http: false, hostMeters: null);

    /// <summary>The <c>VGate.*</c> meters and, as <paramref name="options"/> say, the runtime's and this host's ASP.NET Core meters.</summary>
    public static ExportedMeters For(MetricsExportOptions options, IMeterFactory hostMeters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hostMeters);
        return new(options.MetricsRuntime, options.MetricsHttp, hostMeters);
    }

    /// <summary>Whether the instrument is exported.</summary>
    public bool Includes(Instrument instrument)
    {
        var meter = instrument.Meter;
        if (IsVGate(meter))
            return true;
        if (meter.Name == RuntimeMeter)
            return _runtime;
        if (meter.Name is HostingMeter or KestrelMeter)
            return _http && ReferenceEquals(meter.Scope, _hostMeters);
        return false;
    }

    /// <summary>
    /// What follows the snake-case instrument name before <c>_total</c>: nothing for VGate's own instruments (their names
    /// are kept as documented), else the unit as OpenTelemetry's Prometheus exporter writes it.
    /// </summary>
    public static string UnitSuffix(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (IsVGate(instrument.Meter))
            return "";
        return instrument.Unit switch
        {
            null or "" or "1" => "",
            // Annotations such as {connection} or {request} are no unit.
            ['{', .., '}'] => "",
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            var unit => "_" + unit,
        };
    }

    /// <summary>
    /// Instruments the runtime declares as (observable) counters although their value goes down, which a counter's
    /// <c>rate()</c> would read as resets: the .NET 9 and 10 <c>System.Runtime</c> meter publishes
    /// <c>dotnet.thread_pool.thread.count</c> and <c>dotnet.thread_pool.queue.length</c> with
    /// <c>CreateObservableCounter</c>, where OpenTelemetry's semantic conventions (and the runtime's documentation) have
    /// up-down counters. They are exported as gauges (<c>dotnet_thread_pool_thread_count</c>, no <c>_total</c>).
    /// </summary>
    public static bool IsMisdeclaredGauge(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return instrument.Meter.Name == RuntimeMeter && instrument.Name is "dotnet.thread_pool.thread.count" or "dotnet.thread_pool.queue.length";
    }

    private static bool IsVGate(Meter meter) => meter.Name.StartsWith("VGate.", StringComparison.Ordinal);
}
