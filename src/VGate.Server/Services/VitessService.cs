using Grpc.Core;
using Vtgate;
using VGate.Gateway;
using VGate.Protocol.Encoding;
using VGate.Server.Execute;
using VGate.Server.Logging;

namespace VGate.Server.Services;

/// <summary>
/// <c>vtgateservice.Vitess</c>: VStream is forwarded to the <see cref="IVStreamGateway"/> (the only writer of the response
/// stream), Execute answers the metadata statements CDC clients send, and every other RPC is UNIMPLEMENTED. Failures are
/// turned into statuses by <see cref="Errors.ErrorMappingInterceptor"/>. Bound through <see cref="VitessBinding"/>, so VStream
/// writes the gateway's pre-encoded responses.
/// </summary>
internal sealed class VitessService(IVStreamGateway gateway, ExecuteHandler executeHandler, ServerMetrics metrics, StreamAdmission admission, ILogger<VitessService> logger)
    : VitessBinding.ServiceBase
{
    public override async Task VStream(VStreamRequest request, IServerStreamWriter<EncodedVStreamResponse> responseStream, ServerCallContext context)
    {
        using var admitted = Admit(context);
        var keyspaces = request.Vgtid is null ? "" : string.Join(",", request.Vgtid.ShardGtids.Select(s => s.Shard.Length == 0 ? s.Keyspace : $"{s.Keyspace}/{s.Shard}").Distinct());
        Log.VStreamStarted(logger, keyspaces, context.Peer);
        metrics.VStreamStarted();
        long sent = 0;
        try
        {
            await foreach (var response in gateway.StreamEncodedAsync(request, context.CancellationToken).WithCancellation(context.CancellationToken))
            {
                await responseStream.WriteAsync(response, context.CancellationToken);
                sent++;
                metrics.ResponseSent();
            }
        }
        finally
        {
            metrics.VStreamEnded();
            Log.VStreamEnded(logger, context.Peer, sent);
        }
    }

    /// <summary>The limits on running streams (StreamAdmission): RESOURCE_EXHAUSTED before the gateway opens anything.</summary>
    private StreamAdmission.Lease Admit(ServerCallContext context) => admission.Admit(context);

    public override Task<ExecuteResponse> Execute(ExecuteRequest request, ServerCallContext context) =>
        executeHandler.ExecuteAsync(request, context.CancellationToken);

    public override Task<ExecuteBatchResponse> ExecuteBatch(ExecuteBatchRequest request, ServerCallContext context) =>
        throw Unimplemented(nameof(ExecuteBatch));

    public override Task StreamExecute(StreamExecuteRequest request, IServerStreamWriter<StreamExecuteResponse> responseStream, ServerCallContext context) =>
        throw Unimplemented(nameof(StreamExecute));

    public override Task<ExecuteMultiResponse> ExecuteMulti(ExecuteMultiRequest request, ServerCallContext context) =>
        throw Unimplemented(nameof(ExecuteMulti));

    public override Task StreamExecuteMulti(StreamExecuteMultiRequest request, IServerStreamWriter<StreamExecuteMultiResponse> responseStream, ServerCallContext context) =>
        throw Unimplemented(nameof(StreamExecuteMulti));

    public override Task<PrepareResponse> Prepare(PrepareRequest request, ServerCallContext context) =>
        throw Unimplemented(nameof(Prepare));

    public override Task<CloseSessionResponse> CloseSession(CloseSessionRequest request, ServerCallContext context) =>
        throw Unimplemented(nameof(CloseSession));

    private static RpcException Unimplemented(string method) =>
        new(new Status(StatusCode.Unimplemented, $"VGate serves VStream and the Execute subset used by CDC clients; {method} is not supported"));
}
