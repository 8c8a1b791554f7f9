namespace VGate.Metrics;

/// <summary>
/// What <c>/metrics</c> exports besides VGate's own meters, bound from the <c>VGate:Server</c> configuration section
/// (docs/metrics.md, docs/server.md).
/// </summary>
public sealed class MetricsExportOptions
{
    /// <summary>The .NET runtime's metrics (<c>dotnet_*</c>: GC, heap, CPU, thread pool, JIT, exceptions). Default true.</summary>
    public bool MetricsRuntime { get; set; } = true;

    /// <summary>ASP.NET Core's request metrics (<c>http_server_*</c>) and Kestrel's connection metrics (<c>kestrel_*</c>). Default true.</summary>
    public bool MetricsHttp { get; set; } = true;
}
