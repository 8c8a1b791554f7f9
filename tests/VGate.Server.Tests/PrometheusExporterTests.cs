using System.Diagnostics.Metrics;
using VGate.Server.Metrics;

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
}
