using Grpc.Core;
using Microsoft.Extensions.Options;
using Vtgate;
using VGate.Gateway;
using VGate.Gateway.Topology;
using VGate.Server.Auth;
using VGate.Protocol.Encoding;
using VGate.Server.Execute;
using VGate.Server.Logging;

namespace VGate.Server.Services;

/// <summary>
/// <c>vtgateservice.Vitess</c>: VStream is forwarded to the <see cref="IVStreamGateway"/> (the only writer of the response
/// stream), Execute answers the metadata statements CDC clients send, and every other RPC is UNIMPLEMENTED. Failures are
/// turned into statuses by <see cref="Errors.ErrorMappingInterceptor"/>. Bound through <see cref="VitessBinding"/>, so VStream
/// writes the gateway's pre-encoded responses. The caller's table ACLs apply to both: VStream requests are checked (and
/// a <c>/regex</c> filter narrowed) by <see cref="VStreamAuthorizer"/>, Execute lists only what the caller may see. Both read
/// the topology loaded at start, the one the gateway streams from.
/// </summary>
internal sealed class VitessService(
    IVStreamGateway gateway,
    ExecuteHandler executeHandler,
    IOptions<GatewayOptions> topology,
    ServerMetrics metrics,
    StreamAdmission admission,
    ILogger<VitessService> logger)
    : VitessBinding.ServiceBase
{
    public override async Task VStream(VStreamRequest request, IServerStreamWriter<EncodedVStreamResponse> responseStream, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        try
        {
            request = VStreamAuthorizer.Authorize(request, caller, topology.Value);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
        {
            Log.AccessDenied(logger, context.Method, context.Peer, caller.Name, ex.Status.Detail);
            throw;
        }
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
        executeHandler.ExecuteAsync(request, context.CancellationToken, Caller.Of(context).Rules);

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
