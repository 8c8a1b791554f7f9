using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace VGate.Gateway.Tests.Fakes;

/// <summary>
/// Sums the measurements of <c>VGate.Gateway</c> instruments whose <c>keyspace</c> tag is the given keyspace (the
/// meter is process-wide, so each test uses its own keyspace name).
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public MetricRecorder(string keyspace)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "keyspace" && Equals(tag.Value, keyspace))
                {
                    _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
                    return;
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The sum of the measurements of <paramref name="instrument"/> so far (for up-down counters: the current value).</summary>
    public long this[string instrument] => _sums.TryGetValue(instrument, out var sum) ? sum : 0;

    public void Dispose() => _listener.Dispose();
}
