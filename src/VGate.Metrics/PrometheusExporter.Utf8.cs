using System.Buffers;
using System.Text;

namespace VGate.Metrics;

/// <summary>
/// <c>GET /metrics</c> without a string: the text is built in one <see cref="StringBuilder"/> kept from scrape to scrape
/// and encoded chunk by chunk straight into the response's buffer. A scrape of 10,000 series otherwise allocated the
/// builder, the string and its UTF-8 copy, about 4 MB (docs/metrics.md, Why this exporter).
/// </summary>
public sealed partial class PrometheusExporter
{
    /// <summary>One scrape at a time uses <see cref="_scrapeText"/> (Prometheus scrapes every 15 s or so).</summary>
    private readonly Lock _scrapeLock = new();

    /// <summary>The last scrape's text buffer, reused; it keeps the size of the largest scrape (about 2 bytes per character).</summary>
    private readonly StringBuilder _scrapeText = new();

    /// <summary>
    /// Observes the observable instruments and writes all series as UTF-8 into <paramref name="body"/> (the caller
    /// flushes it, e.g. an ASP.NET Core response's <c>BodyWriter</c>).
    /// </summary>
    public void WriteUtf8(IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        lock (_scrapeLock)
        {
            _scrapeText.Clear();
            Append(_scrapeText);
            // One encoder for all chunks: a surrogate pair split between two chunks stays one character.
            var encoder = Encoding.UTF8.GetEncoder();
            foreach (var chunk in _scrapeText.GetChunks())
                encoder.Convert(chunk.Span, body, flush: false, out _, out _);
            encoder.Convert([], body, flush: true, out _, out _);
        }
    }
}
