using System.Runtime.CompilerServices;
using VGate.Protocol.Encoding;
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

    /// <summary>
    /// The same stream as serialized responses, which is what the gRPC service writes. The default encodes the responses of
    /// <see cref="StreamAsync"/>; the real gateway assembles them from events encoded once (see <see cref="EncodedVStreamResponse"/>).
    /// </summary>
    IAsyncEnumerable<EncodedVStreamResponse> StreamEncodedAsync(VStreamRequest request, CancellationToken cancellationToken = default) =>
        EncodeAll(StreamAsync(request, cancellationToken), cancellationToken);

    private static async IAsyncEnumerable<EncodedVStreamResponse> EncodeAll(
        IAsyncEnumerable<VStreamResponse> responses, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var response in responses.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return EncodedVStreamResponse.From(response);
    }
}
