using Vtgate;
using VGate.Gateway;
using VGate.VStreamer;

namespace VGate.Server;

/// <summary>
/// Stand-in registered until the real <c>VStreamGateway</c> is wired in <see cref="VGateServer"/>: every VStream fails
/// with UNAVAILABLE saying so, while Execute, health and metrics already work.
/// </summary>
internal sealed class PendingVStreamGateway : IVStreamGateway
{
    public IAsyncEnumerable<VStreamResponse> StreamAsync(VStreamRequest request, CancellationToken cancellationToken = default) =>
        throw VStreamException.Unavailable("VStream is not available in this build: the gateway is not registered.");
}
