using Vtgate;

namespace VGate.Gateway;

/// <summary>
/// The VTGate side of VStream: resolves a request against the topology, runs one stream per shard, and merges them
/// into one response stream (vstream-spec §2.1–2.5). The gRPC service only validates transport concerns and
/// forwards to this. Failures are <see cref="VStreamer.VStreamException"/>s carrying the Vitess code to report.
/// </summary>
public interface IVStreamGateway
{
    /// <summary>Streams responses for <paramref name="request"/> until the client cancels or a fatal error.</summary>
    IAsyncEnumerable<VStreamResponse> StreamAsync(VStreamRequest request, CancellationToken cancellationToken = default);
}
