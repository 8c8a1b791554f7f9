using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace VGate.Metrics;

/// <summary>
/// Collects every instrument of the <c>VGate.*</c> meters with a <see cref="MeterListener"/> and writes them in the
/// Prometheus text exposition format (version 0.0.4) for <c>GET /metrics</c>. Names become snake case
/// (<c>vgate.server.vstreams</c> → <c>vgate_server_vstreams_total</c>), tags become labels; histograms are Prometheus
/// histograms (<c>_bucket</c> with <c>le</c>, <c>_sum</c>, <c>_count</c>) with the instrument's advised bucket boundaries,
/// or, without advice, Prometheus's default buckets for unit <c>s</c> and OpenTelemetry's default ones otherwise.
/// </summary>
/// <remarks>Used by <c>vgate serve</c> (all <c>VGate.*</c> meters, and the runtime's and the host's ASP.NET Core meters as
/// <see cref="ExportedMeters"/> says) and the Kafka sink (its <c>VGate.Kafka</c> meter), which must not depend on ASP.NET
/// Core or gRPC: this project references nothing.</remarks>
public sealed partial class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();

    /// <summary>Characters of the last scrape plus some room, the next one's starting capacity.</summary>
    private int _lastLength;

    /// <summary>An exporter of the <c>VGate.*</c> meters only.</summary>
    public PrometheusExporter()
        : this(ExportedMeters.VGateOnly)
    {
    }

    /// <summary>An exporter of the meters <paramref name="meters"/> includes (ExportedMeters.cs: runtime, ASP.NET Core, Kestrel).</summary>
    public PrometheusExporter(ExportedMeters meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!meters.Includes(instrument))
                    return;
                var state = new InstrumentState(instrument);
                _instruments[instrument] = state;
                // The state comes with each measurement: no lookup per measurement.
                listener.EnableMeasurementEvents(instrument, state);
            },
            MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _),
        };
        _listener.SetMeasurementEventCallback<long>(static (_, v, tags, state) => ((InstrumentState)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, v, tags, state) => ((InstrumentState)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, v, tags, state) => ((InstrumentState)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, v, tags, state) => ((InstrumentState)state!).Record(v, tags));
        _listener.Start();
    }

    /// <summary>Content type of <see cref="Write"/>'s text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Observes the observable instruments and writes all series (<c>/metrics</c> uses <see cref="WriteUtf8"/>).</summary>
    public string Write()
    {
        // Sized like the previous scrape: one buffer instead of a chain of growing chunks.
        var text = new StringBuilder(Math.Max(Volatile.Read(ref _lastLength), 1024));
        Append(text);
        return text.ToString();
    }

    /// <summary>Observes the observable instruments and appends all series to <paramref name="text"/>.</summary>
    private void Append(StringBuilder text)
    {
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (AggregateException)
        {
            // The listener calls every observable callback and throws what some of them threw only at the end, with the
            // others' values recorded: a component being disposed (its gauge reading state that is already gone) must
            // not fail the scrape of every other series. Its series keep their last values.
        }
        foreach (var group in _instruments.Values.GroupBy(s => s.MetricName).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = group.First();
            if (first.Instrument.Description is { Length: > 0 } help)
                text.Append("# HELP ").Append(group.Key).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            text.Append("# TYPE ").Append(group.Key).Append(' ').Append(first.PrometheusType).Append('\n');
            foreach (var state in group)
                state.WriteSeries(text);
        }
        Volatile.Write(ref _lastLength, text.Length + (text.Length / 8));
    }

    public void Dispose() => _listener.Dispose();

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
        private const int MaxKnownTagSets = 1024;

        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly Aggregation _aggregation;

        /// <summary>Upper bounds of the histogram buckets, ascending (the +Inf bucket is the count).</summary>
        private readonly double[] _buckets;

        /// <summary>The <c>le</c> label values of <see cref="_buckets"/>, formatted once.</summary>
        private readonly string[] _les;

        /// <summary>
        /// Tag sets seen so far and their series, by <see cref="HashOf"/> of the tags (replaced, never changed, so it is read
        /// without a lock).
        /// </summary>
        private Dictionary<int, KnownTags[]> _known = [];

        private int _knownCount;

        public InstrumentState(Instrument instrument)
        {
            Instrument = instrument;
            var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            (_aggregation, PrometheusType) = definition switch
            {
                _ when ExportedMeters.IsMisdeclaredGauge(instrument) => (Aggregation.LastValue, "gauge"),
                _ when definition == typeof(Counter<>) => (Aggregation.Sum, "counter"),
                _ when definition == typeof(UpDownCounter<>) => (Aggregation.Sum, "gauge"),
                _ when definition == typeof(ObservableCounter<>) => (Aggregation.LastValue, "counter"),
                _ when definition == typeof(Histogram<>) => (Aggregation.Histogram, "histogram"),
                _ => (Aggregation.LastValue, "gauge"),
            };
            _buckets = _aggregation == Aggregation.Histogram ? BucketsOf(instrument) : [];
            _les = [.. _buckets.Select(FormatValue)];
            var name = Sanitize(instrument.Name + ExportedMeters.UnitSuffix(instrument));
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
            var hash = HashOf(tags);
            if (Volatile.Read(ref _known).TryGetValue(hash, out var candidates))
            {
                foreach (var entry in candidates)
                {
                    if (SameTags(entry.Tags, tags))
                        return entry.Series;
                }
            }
            var series = _series.GetOrAdd(FormatLabels(tags), static _ => new Series());
            if (Volatile.Read(ref _knownCount) < MaxKnownTagSets)
            {
                // Copy on write (rare: once per tag set): readers never lock. A tag set added twice by a race only costs a slot.
                lock (_series)
                {
                    if (_knownCount < MaxKnownTagSets)
                    {
                        var known = new Dictionary<int, KnownTags[]>(_known);
                        var entry = new KnownTags(tags.ToArray(), series);
                        known[hash] = known.TryGetValue(hash, out var same) ? [.. same, entry] : [entry];
                        Volatile.Write(ref _known, known);
                        _knownCount++;
                    }
                }
            }
            return series;
        }

        /// <summary>A hash of the tag values in their order (the keys are compared by <see cref="SameTags"/>).</summary>
        private static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var hash = tags.Length;
            foreach (var tag in tags)
                hash = HashCode.Combine(hash, tag.Value);
            return hash;
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

        /// <summary>Appends the series' lines, formatting straight into <paramref name="text"/> (no string per line).</summary>
        public void WriteSeries(StringBuilder text)
        {
            var buckets = new long[_buckets.Length];
            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                double value;
                long count;
                lock (series)
                {
                    value = series.Value;
                    count = series.Count;
                    if (series.Buckets is { } counts)
                        counts.CopyTo(buckets, 0);
                    else
                        Array.Clear(buckets);
                }
                if (_aggregation == Aggregation.Histogram)
                {
                    var cumulative = 0L;
                    for (var i = 0; i < _buckets.Length; i++)
                    {
                        cumulative += buckets[i];
                        AppendBucket(text, labels, _les[i]).Append(CultureInfo.InvariantCulture, $"{cumulative}").Append('\n');
                    }
                    AppendBucket(text, labels, "+Inf").Append(CultureInfo.InvariantCulture, $"{count}").Append('\n');
                    AppendValue(text.Append(MetricName).Append("_sum").Append(labels).Append(' '), value).Append('\n');
                    text.Append(MetricName).Append("_count").Append(labels).Append(' ').Append(CultureInfo.InvariantCulture, $"{count}").Append('\n');
                }
                else
                {
                    AppendValue(text.Append(MetricName).Append(labels).Append(' '), value).Append('\n');
                }
            }
        }

        /// <summary><c>name_bucket{labels,le="…"} </c></summary>
        private StringBuilder AppendBucket(StringBuilder text, string labels, string le)
        {
            text.Append(MetricName).Append("_bucket");
            if (labels.Length == 0)
                text.Append('{');
            else
                text.Append(labels, 0, labels.Length - 1).Append(',');
            return text.Append("le=\"").Append(le).Append("\"} ");
        }

        private static StringBuilder AppendValue(StringBuilder text, double value) => value switch
        {
            double.PositiveInfinity => text.Append("+Inf"),
            double.NegativeInfinity => text.Append("-Inf"),
            _ when double.IsNaN(value) => text.Append("NaN"),
            _ => text.Append(CultureInfo.InvariantCulture, $"{value:R}"),
        };

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
