using VGate.Metrics;

namespace VGate.Server.Metrics;

/// <summary>The <c>/metrics</c> answer: the exporter's text written straight into the response body.</summary>
internal sealed class PrometheusTextResult(PrometheusExporter exporter) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.ContentType = PrometheusExporter.ContentType;
        exporter.WriteUtf8(httpContext.Response.BodyWriter);
        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }
}
