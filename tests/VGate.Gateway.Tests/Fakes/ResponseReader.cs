using Binlogdata;
using Vtgate;

namespace VGate.Gateway.Tests.Fakes;

/// <summary>Reads a gateway stream response by response with a real-time deadline, so a hang fails the test.</summary>
internal sealed class ResponseReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly IAsyncEnumerator<VStreamResponse> _enumerator;

    public ResponseReader(IVStreamGateway gateway, VStreamRequest request) =>
        _enumerator = gateway.StreamAsync(request, _cancel.Token).GetAsyncEnumerator();

    public List<VStreamResponse> Responses { get; } = [];

    public IEnumerable<VEvent> Events => Responses.SelectMany(r => r.Events);

    public List<string> Formatted => [.. Events.Select(Ev.Format)];

    public void Cancel() => _cancel.Cancel();

    public ValueTask<bool> MoveNextAsync() => _enumerator.MoveNextAsync();

    public VStreamResponse Current => _enumerator.Current;

    /// <summary>Reads one response.</summary>
    public async Task<VStreamResponse> NextAsync()
    {
        Assert.True(await _enumerator.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), "the stream ended");
        Responses.Add(_enumerator.Current);
        return _enumerator.Current;
    }

    /// <summary>Reads until <paramref name="count"/> events of <paramref name="type"/> have been read in total.</summary>
    public async Task ReadUntilAsync(VEventType type, int count)
    {
        while (Events.Count(e => e.Type == type) < count)
            await NextAsync();
    }

    /// <summary>Reads until the stream fails; returns the exception.</summary>
    public async Task<Exception> ReadUntilErrorAsync()
    {
        try
        {
            while (true)
                await NextAsync();
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            return ex;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _cancel.Cancel();
        try
        {
            await _enumerator.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
        }
        _cancel.Dispose();
    }
}
