using Binlogdata;
using Vtgate;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>Reads one VStream call into a <see cref="StreamChecker"/>, event by event, until told to stop.</summary>
internal sealed class VStreamReader : IDisposable
{
    private readonly Grpc.Core.AsyncServerStreamingCall<VStreamResponse> _call;
    private readonly StreamChecker _checker;
    private readonly Queue<VEvent> _pending = new();

    public VStreamReader(Vtgateservice.Vitess.VitessClient client, VStreamRequest request, StreamChecker checker, Grpc.Core.Metadata? headers = null, CancellationToken cancellationToken = default)
    {
        _checker = checker;
        _call = client.VStream(request, headers, cancellationToken: cancellationToken);
    }

    /// <summary>Every response received, in order (their serialized sizes, for cap checks).</summary>
    public List<int> ResponseSizes { get; } = [];

    /// <summary>
    /// Feeds events to the checker until <paramref name="stop"/> (asked after every event) returns true; the events after
    /// that one stay queued for the next call. Throws when the stream ends first or <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task ReadUntilAsync(Func<StreamChecker, VEvent, bool> stop, CancellationToken cancellationToken)
    {
        while (true)
        {
            while (_pending.TryDequeue(out var e))
            {
                _checker.Add(e);
                if (stop(_checker, e))
                    return;
            }
            if (!await _call.ResponseStream.MoveNext(cancellationToken))
                throw new Xunit.Sdk.XunitException($"the stream ended after {_checker.Events} events");
            var response = _call.ResponseStream.Current;
            ResponseSizes.Add(response.CalculateSize());
            _checker.OnResponse();
            foreach (var e in response.Events)
                _pending.Enqueue(e);
        }
    }

    /// <summary>Cancels the call (the client going away), dropping anything not yet read.</summary>
    public void Dispose() => _call.Dispose();
}
