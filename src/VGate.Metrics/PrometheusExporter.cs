using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace VGate.Metrics;

/// <summary>
/// Collects every instrument of the meters whose names start with one of the given prefixes (by default <c>VGate.</c>) with a <see cref="MeterListener"/> and writes them in the
/// Prometheus text exposition format (version 0.0.4) for <c>GET /metrics</c>. Names become snake case
/// (<c>vgate.server.vstreams</c> → <c>vgate_server_vstreams_total</c>), tags become labels; histograms are Prometheus
/// histograms (<c>_bucket</c> with <c>le</c>, <c>_sum</c>, <c>_count</c>) with the instrument's advised bucket boundaries,
/// or, without advice, Prometheus's default buckets for unit <c>s</c> and OpenTelemetry's default ones otherwise.
/// </summary>
/// <remarks>Used by <c>vgate serve</c> (all <c>VGate.*</c> meters) and the Kafka sink (<c>VGate.Kafka</c>), which must not depend
/// on ASP.NET Core or gRPC: this project references nothing.</remarks>
public sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly string[] _meterPrefixes;

    /// <summary>Exports every meter whose name starts with <c>VGate.</c>.</summary>
    public PrometheusExporter()
        : this("VGate.")
    {
    }

    /// <summary>Exports every meter whose name starts with one of <paramref name="meterPrefixes"/> (ordinal comparison).</summary>
    public PrometheusExporter(params string[] meterPrefixes)
    {
        ArgumentNullException.ThrowIfNull(meterPrefixes);
        _meterPrefixes = [.. meterPrefixes];
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!Array.Exists(_meterPrefixes, prefix => instrument.Meter.Name.StartsWith(prefix, StringComparison.Ordinal)))
                    return;
                _instruments[instrument] = new InstrumentState(instrument);
                listener.EnableMeasurementEvents(instrument);
            },
            MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _),
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Content type of <see cref="Write"/>'s text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Observes the observable instruments and writes all series.</summary>
    public string Write()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _instruments.Values.GroupBy(s => s.MetricName).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = group.First();
            if (first.Instrument.Description is { Length: > 0 } help)
                text.Append("# HELP ").Append(group.Key).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            text.Append("# TYPE ").Append(group.Key).Append(' ').Append(first.PrometheusType).Append('\n');
            foreach (var state in group)
                state.WriteSeries(text);
        }
        return text.ToString();
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var state))
            state.Record(value, tags);
    }

    private enum Aggregation
    {
        Sum,
        LastValue,
        Histogram,
    }

    /// <summary>Prometheus client libraries' default buckets, for durations in seconds.</summary>
    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>OpenTelemetry's default explicit buckets (milliseconds and other units).</summary>
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private static double[] BucketsOf(Instrument instrument)
    {
        var advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        return advised ?? (instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets);
    }

    private sealed class InstrumentState
    {
        /// <summary>Tag sets remembered per instrument for <see cref="FindSeries"/>; others are formatted per measurement.</summary>
        private const int MaxKnownTagSets = 32;

        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly Aggregation _aggregation;

        /// <summary>Upper bounds of the histogram buckets, ascending (the +Inf bucket is the count).</summary>
        private readonly double[] _buckets;

        /// <summary>Tag sets seen so far and their series (replaced, never changed, so it is read without a lock).</summary>
        private KnownTags[] _known = [];

        public InstrumentState(Instrument instrument)
        {
            Instrument = instrument;
            var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            (_aggregation, PrometheusType) = definition switch
            {
                _ when definition == typeof(Counter<>) => (Aggregation.Sum, "counter"),
                _ when definition == typeof(UpDownCounter<>) => (Aggregation.Sum, "gauge"),
                _ when definition == typeof(ObservableCounter<>) => (Aggregation.LastValue, "counter"),
                _ when definition == typeof(Histogram<>) => (Aggregation.Histogram, "histogram"),
                _ => (Aggregation.LastValue, "gauge"),
            };
            _buckets = _aggregation == Aggregation.Histogram ? BucketsOf(instrument) : [];
            var name = Sanitize(instrument.Name);
            MetricName = PrometheusType == "counter" && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
        }

        public Instrument Instrument { get; }

        public string MetricName { get; }

        public string PrometheusType { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = FindSeries(tags);
            lock (series)
            {
                switch (_aggregation)
                {
                    case Aggregation.Sum:
                        series.Value += value;
                        break;
                    case Aggregation.LastValue:
                        series.Value = value;
                        break;
                    default:
                        series.Value += value;
                        series.Count++;
                        series.Buckets ??= new long[_buckets.Length];
                        // Prometheus buckets are cumulative when written; here each measurement counts in its own bucket.
                        var bucket = Array.BinarySearch(_buckets, value);
                        if (bucket < 0)
                            bucket = ~bucket;
                        if (bucket < _buckets.Length)
                            series.Buckets[bucket]++;
                        break;
                }
            }
        }

        /// <summary>
        /// The series of a tag set. Measurements repeat a few tag sets (a shard's keyspace and shard) and are recorded on
        /// hot paths (per response per VStream client), so a tag set seen before is found by comparing tags, without
        /// formatting its labels again (which allocated several strings per measurement).
        /// </summary>
        private Series FindSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var known = Volatile.Read(ref _known);
            foreach (var entry in known)
            {
                if (SameTags(entry.Tags, tags))
                    return entry.Series;
            }
            var series = _series.GetOrAdd(FormatLabels(tags), static _ => new Series());
            if (known.Length < MaxKnownTagSets)
            {
                // Copy on write: readers never lock. A tag set added twice by a race only costs a slot.
                lock (_series)
                {
                    if (_known.Length < MaxKnownTagSets)
                        _known = [.. _known, new KnownTags(tags.ToArray(), series)];
                }
            }
            return series;
        }

        private static bool SameTags(KeyValuePair<string, object?>[] known, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (known.Length != tags.Length)
                return false;
            for (var i = 0; i < known.Length; i++)
            {
                if (!string.Equals(known[i].Key, tags[i].Key, StringComparison.Ordinal) || !Equals(known[i].Value, tags[i].Value))
                    return false;
            }
            return true;
        }

        public void WriteSeries(StringBuilder text)
        {
            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                double value;
                long count;
                long[]? buckets;
                lock (series)
                {
                    value = series.Value;
                    count = series.Count;
                    buckets = series.Buckets?.ToArray();
                }
                if (_aggregation == Aggregation.Histogram)
                {
                    var cumulative = 0L;
                    for (var i = 0; i < _buckets.Length; i++)
                    {
                        cumulative += buckets?[i] ?? 0;
                        Line(text, MetricName + "_bucket", WithLe(labels, FormatValue(_buckets[i])), cumulative);
                    }
                    Line(text, MetricName + "_bucket", WithLe(labels, "+Inf"), count);
                    Line(text, MetricName + "_sum", labels, value);
                    Line(text, MetricName + "_count", labels, count);
                }
                else
                {
                    Line(text, MetricName, labels, value);
                }
            }
        }

        private static string WithLe(string labels, string le) =>
            labels.Length == 0 ? "{le=\"" + le + "\"}" : labels[..^1] + ",le=\"" + le + "\"}";

        private static void Line(StringBuilder text, string name, string labels, double value) =>
            text.Append(name).Append(labels).Append(' ').Append(FormatValue(value)).Append('\n');

        private static string FormatValue(double value) => value switch
        {
            double.PositiveInfinity => "+Inf",
            double.NegativeInfinity => "-Inf",
            _ when double.IsNaN(value) => "NaN",
            _ => value.ToString("R", CultureInfo.InvariantCulture),
        };

        private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
                return "";
            var pairs = new List<(string Name, string Value)>(tags.Length);
            foreach (var tag in tags)
                pairs.Add((Sanitize(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
            pairs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            var text = new StringBuilder("{");
            for (var i = 0; i < pairs.Count; i++)
            {
                if (i > 0)
                    text.Append(',');
                text.Append(pairs[i].Name).Append("=\"");
                foreach (var c in pairs[i].Value)
                {
                    _ = c switch
                    {
                        '\\' => text.Append("\\\\"),
                        '"' => text.Append("\\\""),
                        '\n' => text.Append("\\n"),
                        _ => text.Append(c),
                    };
                }
                text.Append('"');
            }
            return text.Append('}').ToString();
        }

        private static string Sanitize(string name)
        {
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_')
                    chars[i] = '_';
            }
            if (chars.Length > 0 && char.IsAsciiDigit(chars[0]))
                return "_" + new string(chars);
            return new string(chars);
        }
    }

    /// <summary>A tag set (as recorded, in its order) and the series its labels name.</summary>
    private sealed record KnownTags(KeyValuePair<string, object?>[] Tags, Series Series);

    private sealed class Series
    {
        public double Value { get; set; }

        public long Count { get; set; }

        /// <summary>Histograms: measurements per bucket (not cumulative), null until the first.</summary>
        public long[]? Buckets { get; set; }
    }
}
