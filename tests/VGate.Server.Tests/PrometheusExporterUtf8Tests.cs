using System.Diagnostics.Metrics;
using System.Buffers;
using System.Text;
using VGate.Metrics;

namespace VGate.Server.Tests;

/// <summary>
/// <see cref="PrometheusExporter.WriteUtf8"/> (what <c>/metrics</c> sends) writes the same text as
/// <see cref="PrometheusExporter.Write"/>, as UTF-8, also when a character outside the BMP (a surrogate pair) falls on the
/// boundary between two chunks of the text buffer, and again on the next scrape with the buffer reused.
/// </summary>
public sealed class PrometheusExporterUtf8Tests
{
    [Fact]
    public void WriteUtf8_LabelsWithSurrogatePairsOverManyChunks_SameTextAsWrite()
    {
        using var exporter = new PrometheusExporter();
        using var meter = new Meter("VGate.Test." + Guid.NewGuid().ToString("N"));
        var name = "vgate.test.u" + Guid.NewGuid().ToString("N")[..8];
        var counter = meter.CreateCounter<long>(name);
        // 400 series of about 90 characters, two thirds of them in surrogate pairs: the text spans several chunks of the
        // buffer, and with the shifting offsets a chunk boundary almost surely falls inside a pair.
        for (var i = 0; i < 400; i++)
            counter.Add(i + 1, new KeyValuePair<string, object?>("table", new string('x', i % 7) + string.Concat(Enumerable.Repeat("\U0001F642é", 20)) + i));
        var metric = name.Replace('.', '_');

        var expected = Lines(exporter.Write(), metric);
        var first = Lines(Scrape(exporter), metric);
        counter.Add(1000, new KeyValuePair<string, object?>("table", "日本"));
        var second = Lines(Scrape(exporter), metric);

        Assert.Equal(401, expected.Count); // 400 series and the TYPE line
        Assert.Equal(expected, first);
        Assert.DoesNotContain(first, l => l.Contains('\uFFFD', StringComparison.Ordinal));
        var added = metric + "_total{table=\"日本\"} 1000";
        Assert.Equal(expected.Append(added).Order(StringComparer.Ordinal), second.Order(StringComparer.Ordinal));
    }

    private static string Scrape(PrometheusExporter exporter)
    {
        var body = new ArrayBufferWriter<byte>(1024);
        exporter.WriteUtf8(body);
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.WrittenSpan);
    }

    /// <summary>This test's lines (other tests' VGate meters in the same process write theirs too), in order.</summary>
    private static List<string> Lines(string text, string metric) =>
        [.. text.Split('\n').Where(l => l.Contains(metric, StringComparison.Ordinal))];
}
