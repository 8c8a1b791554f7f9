namespace VGate.Server.Metrics;

/// <summary>The <c>/metrics</c> answer: the exporter's text written straight into the response body.</summary>
internal sealed class PrometheusTextResult(PrometheusExporter exporter) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.ContentType = PrometheusExporter.ContentType;
        return exporter.WriteAsync(httpContext.Response.BodyWriter, httpContext.RequestAborted);
    }
}
