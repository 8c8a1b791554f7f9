using System.Diagnostics.Metrics;

namespace VGate.Server;

/// <summary>The <c>VGate.Server</c> meter: VStream calls and their outcome, Execute statements (Vitess vstreamsCreated/EndedWithErrors).</summary>
internal sealed class ServerMetrics
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "VGate.Server";

    private readonly Counter<long> _vstreams;
    private readonly UpDownCounter<long> _activeVStreams;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _executes;
    private readonly Histogram<double> _executeDuration;

    public ServerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _vstreams = meter.CreateCounter<long>("vgate.server.vstreams", description: "VStream calls started.");
        _activeVStreams = meter.CreateUpDownCounter<long>("vgate.server.vstreams.active", description: "VStream calls running now.");
        _responses = meter.CreateCounter<long>("vgate.server.vstream.responses", description: "VStreamResponse messages sent.");
        _errors = meter.CreateCounter<long>("vgate.server.call.errors", description: "Calls ended with an error, by method and Vitess code.");
        _executes = meter.CreateCounter<long>("vgate.server.execute.statements", description: "Execute calls, by statement kind.");
        // SHOW TABLES asks a source, the other statements answer from memory: milliseconds to seconds.
        _executeDuration = meter.CreateHistogram("vgate.server.execute.duration", "s", "Time to answer an Execute call, in seconds.",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    public void VStreamStarted()
    {
        _vstreams.Add(1);
        _activeVStreams.Add(1);
    }

    public void VStreamEnded() => _activeVStreams.Add(-1);

    public void ResponseSent() => _responses.Add(1);

    public void CallFailed(string method, Vtrpc.Code code) =>
        _errors.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("code", code.ToString()));

    public void ExecuteTook(TimeSpan duration) => _executeDuration.Record(duration.TotalSeconds);

    public void Executed(string statement) => _executes.Add(1, new KeyValuePair<string, object?>("statement", statement));
}
