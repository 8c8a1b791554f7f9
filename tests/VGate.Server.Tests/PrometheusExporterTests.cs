using System.Diagnostics.Metrics;
using VGate.Metrics;

namespace VGate.Server.Tests;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void Counter_RepeatedTagSets_SummedPerLabelSet()
    {
        using var exporter = new PrometheusExporter();
        using var meter = new Meter("VGate.Test." + Guid.NewGuid().ToString("N"));
        var name = "vgate.test.c" + Guid.NewGuid().ToString("N")[..8];
        var counter = meter.CreateCounter<long>(name);
        KeyValuePair<string, object?>[] a = [new("keyspace", "ks"), new("shard", "-80")];
        KeyValuePair<string, object?>[] reordered = [new("shard", "-80"), new("keyspace", "ks")];

        for (var i = 0; i < 3; i++)
            counter.Add(2, a);
        counter.Add(5, reordered);
        // Equal values in new objects (a tag set is remembered by value, not by reference).
        counter.Add(7, new KeyValuePair<string, object?>("keyspace", new string("ks".AsSpan())), new KeyValuePair<string, object?>("shard", "-80"));
        counter.Add(1, new KeyValuePair<string, object?>("keyspace", "ks"), new KeyValuePair<string, object?>("shard", "80-"));
        // More tag sets than are remembered: the rest are still counted.
        for (var i = 0; i < 40; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("n", i));
            counter.Add(1, new KeyValuePair<string, object?>("n", i));
        }

        var lines = exporter.Write().Split('\n').Where(l => l.StartsWith(name.Replace('.', '_'), StringComparison.Ordinal)).ToList();

        var metric = name.Replace('.', '_') + "_total";
        Assert.Contains(metric + "{keyspace=\"ks\",shard=\"-80\"} 18", lines);
        Assert.Contains(metric + "{keyspace=\"ks\",shard=\"80-\"} 1", lines);
        for (var i = 0; i < 40; i++)
            Assert.Contains(metric + "{n=\"" + i + "\"} 2", lines);
        Assert.Equal(42, lines.Count);
    }

    [Fact]
    public void Histogram_AdvisedBuckets_CumulativeBucketsSumAndCount()
    {
        using var exporter = new PrometheusExporter();
        using var meter = new Meter("VGate.Test." + Guid.NewGuid().ToString("N"));
        var name = "vgate.test.h" + Guid.NewGuid().ToString("N")[..8];
        var histogram = meter.CreateHistogram(name, "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        KeyValuePair<string, object?> shard = new("shard", "-80");

        // A value equal to a bound counts in that bound's bucket (Prometheus le is "less than or equal").
        foreach (var value in new[] { 0.05, 0.1, 0.5, 1, 20 })
            histogram.Record(value, shard);
        histogram.Record(3);

        var metric = name.Replace('.', '_');
        var lines = exporter.Write().Split('\n').Where(l => l.Contains(metric, StringComparison.Ordinal)).ToList();

        Assert.Equal(
        [
            "# TYPE " + metric + " histogram",
            metric + "_bucket{le=\"0.1\"} 0",
            metric + "_bucket{le=\"1\"} 0",
            metric + "_bucket{le=\"10\"} 1",
            metric + "_bucket{le=\"+Inf\"} 1",
            metric + "_sum 3",
            metric + "_count 1",
            metric + "_bucket{shard=\"-80\",le=\"0.1\"} 2",
            metric + "_bucket{shard=\"-80\",le=\"1\"} 4",
            metric + "_bucket{shard=\"-80\",le=\"10\"} 4",
            metric + "_bucket{shard=\"-80\",le=\"+Inf\"} 5",
            metric + "_sum{shard=\"-80\"} 21.65",
            metric + "_count{shard=\"-80\"} 5",
        ], lines);
    }

    [Fact]
    public void Histogram_SecondsWithoutAdvice_PrometheusDefaultBuckets()
    {
        using var exporter = new PrometheusExporter();
        using var meter = new Meter("VGate.Test." + Guid.NewGuid().ToString("N"));
        var name = "vgate.test.h" + Guid.NewGuid().ToString("N")[..8];
        meter.CreateHistogram<double>(name, "s").Record(0.3);

        var metric = name.Replace('.', '_');
        var les = exporter.Write().Split('\n').Where(l => l.StartsWith(metric + "_bucket", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..l.IndexOf("\"}", StringComparison.Ordinal)]).ToList();

        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"], les);
    }
}
