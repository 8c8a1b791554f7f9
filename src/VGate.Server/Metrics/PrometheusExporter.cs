using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace VGate.Server.Metrics;

/// <summary>
/// Collects every instrument of the <c>VGate.*</c> meters with a <see cref="MeterListener"/> and writes them in the
/// Prometheus text exposition format (version 0.0.4) for <c>GET /metrics</c>. Names become snake case
/// (<c>vgate.server.vstreams</c> → <c>vgate_server_vstreams_total</c>), tags become labels; histograms are reported as
/// summaries without quantiles (<c>_sum</c> and <c>_count</c>).
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();

    public PrometheusExporter()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!instrument.Meter.Name.StartsWith("VGate.", StringComparison.Ordinal))
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
        Summary,
    }

    private sealed class InstrumentState
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly Aggregation _aggregation;

        public InstrumentState(Instrument instrument)
        {
            Instrument = instrument;
            var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            (_aggregation, PrometheusType) = definition switch
            {
                _ when definition == typeof(Counter<>) => (Aggregation.Sum, "counter"),
                _ when definition == typeof(UpDownCounter<>) => (Aggregation.Sum, "gauge"),
                _ when definition == typeof(ObservableCounter<>) => (Aggregation.LastValue, "counter"),
                _ when definition == typeof(Histogram<>) => (Aggregation.Summary, "summary"),
                _ => (Aggregation.LastValue, "gauge"),
            };
            var name = Sanitize(instrument.Name);
            MetricName = PrometheusType == "counter" && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
        }

        public Instrument Instrument { get; }

        public string MetricName { get; }

        public string PrometheusType { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = FormatLabels(tags);
            var series = _series.GetOrAdd(labels, static _ => new Series());
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
                        break;
                }
            }
        }

        public void WriteSeries(StringBuilder text)
        {
            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                double value;
                long count;
                lock (series)
                {
                    value = series.Value;
                    count = series.Count;
                }
                if (_aggregation == Aggregation.Summary)
                {
                    Line(text, MetricName + "_sum", labels, value);
                    Line(text, MetricName + "_count", labels, count);
                }
                else
                {
                    Line(text, MetricName, labels, value);
                }
            }
        }

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

    private sealed class Series
    {
        public double Value { get; set; }

        public long Count { get; set; }
    }
}
