using System.Runtime.CompilerServices;
using Vtgate;
using VGate.Gateway;

namespace VGate.Server.Tests.Infrastructure;

/// <summary>A scripted gateway: yields the given responses, then optionally throws or waits for cancellation.</summary>
internal sealed class FakeVStreamGateway : IVStreamGateway
{
    public List<VStreamResponse> Responses { get; } = [];

    public Exception? ThenThrow { get; set; }

    public bool ThenWaitForCancellation { get; set; }

    public VStreamRequest? LastRequest { get; private set; }

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async IAsyncEnumerable<VStreamResponse> StreamAsync(VStreamRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        LastRequest = request;
        foreach (var response in Responses)
        {
            await Task.Yield();
            yield return response;
        }
        if (ThenThrow is not null)
            throw ThenThrow;
        if (ThenWaitForCancellation)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Cancelled.TrySetResult();
            }
        }
    }
}
