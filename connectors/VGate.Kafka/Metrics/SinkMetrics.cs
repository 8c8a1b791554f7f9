using System.Diagnostics.Metrics;
using VGate.Kafka.Sink;

namespace VGate.Kafka.Metrics;

/// <summary>
/// The sink's instruments, on its own instance of the meter <c>VGate.Kafka</c> (gone when the sink stops), every one
/// tagged <c>connector</c> (the connector name): counters observed from <see cref="SinkStatistics"/>, the commit latency
/// histogram, the error counter and the lag gauge. docs/metrics.md lists them.
/// </summary>
internal sealed class SinkMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "VGate.Kafka";

    /// <summary>Commit latency buckets, in seconds: 1 ms to 60 s (a batch waits for deliveries, the checkpoint and the commit).</summary>
    private static readonly double[] CommitBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _connector;
    private readonly Histogram<double> _commitLatency;
    private readonly Counter<long> _errors;
    private readonly TimeProvider _time;

    /// <summary>Seconds behind the source as of the newest commit or idle heartbeat (bits of a double); NaN while unknown.</summary>
    private long _lagBits = BitConverter.DoubleToInt64Bits(double.NaN);

    public SinkMetrics(string connector, SinkStatistics statistics, TimeProvider time)
    {
        _time = time;
        _connector = new("connector", connector);
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("vgate.kafka.records", () => Measure(statistics.RecordsWritten), "{record}",
            "Records produced to Kafka and acknowledged (data, transaction metadata, heartbeats; not checkpoints)");
        _meter.CreateObservableCounter("vgate.kafka.records.skipped", () => Measure(statistics.RecordsSkipped), "{record}",
            "Records not written again because a restart found them already in Kafka");
        _meter.CreateObservableCounter("vgate.kafka.records.oversize", () => Measure(statistics.RecordsOversize), "{record}",
            "Records left out because they were larger than message.max.bytes (OversizeRecords=skip)");
        _meter.CreateObservableCounter("vgate.kafka.source_transactions", () => Measure(statistics.Transactions), "{transaction}",
            "Source transactions (and DDL/OTHER positions) whose records are committed to Kafka");
        _meter.CreateObservableCounter("vgate.kafka.transactions", () => Measure(statistics.Batches), "{transaction}",
            "Batches committed: Kafka transactions (Transactional=false: batches delivered and checkpointed)");
        _meter.CreateObservableCounter("vgate.kafka.checkpoints", () => Measure(statistics.Checkpoints), "{checkpoint}",
            "Checkpoints written to the offsets topic");
        _meter.CreateObservableCounter("vgate.kafka.reconnects", () => Measure(statistics.Reconnects), "{reconnect}",
            "VStream calls to the gateway reopened after a retriable error");
        _meter.CreateObservableGauge("vgate.kafka.lag", MeasureLag, "s",
            "Seconds between the source commit time of the newest committed transaction and its commit to Kafka; 0 on an idle heartbeat");
        _commitLatency = _meter.CreateHistogram("vgate.kafka.commit.latency", "s",
            "Per source transaction: seconds from its COMMIT arriving from the gateway to its records and checkpoint being committed to Kafka",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        _errors = _meter.CreateCounter<long>("vgate.kafka.errors", "{error}",
            "Errors: gateway stream failures, aborted Kafka transactions and failures that stop the sink; tag kind");
    }

    /// <summary>One source transaction committed to Kafka <paramref name="seconds"/> after its COMMIT arrived.</summary>
    public void RecordCommit(double seconds) => _commitLatency.Record(seconds, _connector);

    /// <summary>
    /// A batch was committed whose newest source transaction committed at <paramref name="sourceUnixSeconds"/> (VEvent
    /// timestamp, seconds); copy-phase rows (timestamp 0) say nothing about lag and leave it unchanged.
    /// </summary>
    public void RecordCommittedSourceTime(long sourceUnixSeconds)
    {
        if (sourceUnixSeconds <= 0)
            return;
        var lag = Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - sourceUnixSeconds);
        Interlocked.Exchange(ref _lagBits, BitConverter.DoubleToInt64Bits(lag));
    }

    /// <summary>
    /// A heartbeat arrived while nothing received was waiting to be committed: the sink has everything the gateway had at
    /// the heartbeat's time, so it is not behind (the gateway's own lag is its metric, not this one).
    /// </summary>
    public void RecordCaughtUp() => Interlocked.Exchange(ref _lagBits, BitConverter.DoubleToInt64Bits(0));

    /// <summary>Counts an error of <paramref name="kind"/> (gateway, transaction_aborted, kafka, configuration).</summary>
    public void RecordError(string kind) => _errors.Add(1, _connector, new("kind", kind));

    public void Dispose() => _meter.Dispose();

    private Measurement<long> Measure(long value) => new(value, _connector);

    private IEnumerable<Measurement<double>> MeasureLag()
    {
        var lag = BitConverter.Int64BitsToDouble(Interlocked.Read(ref _lagBits));
        return double.IsNaN(lag) ? [] : [new Measurement<double>(lag, _connector)];
    }
}
