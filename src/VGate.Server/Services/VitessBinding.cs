using Google.Protobuf;
using Grpc.Core;
using VGate.Protocol.Encoding;
using Vtgate;

namespace VGate.Server.Services;

/// <summary>
/// The <c>vtgateservice.Vitess</c> service bound by hand instead of through the generated <c>Vitess.VitessBase</c>: the
/// same service name, method names and request/response wire formats, except that VStream's responses are written by
/// <see cref="EncodedVStreamResponse.Marshaller"/> from events that were serialized once for every subscriber, rather than
/// serialized again per client by the generated marshaller. Clients see no difference on the wire.
/// </summary>
/// <remarks>
/// Grpc.AspNetCore finds <see cref="BindService"/> through <see cref="BindServiceMethodAttribute"/> on
/// <see cref="ServiceBase"/> and binds each method to the override of the virtual method of the same name; gRPC
/// reflection reads <see cref="Descriptor"/> from the class that declares the base, as it does for generated code.
/// </remarks>
public static class VitessBinding
{
    private const string ServiceName = "vtgateservice.Vitess";

    /// <summary>The service's descriptor (for gRPC reflection): the one generated from vtgateservice.proto.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Vtgateservice.Vitess.Descriptor;

    /// <summary>Binds every method of the service to <paramref name="service"/>'s handlers.</summary>
    public static void BindService(ServiceBinderBase binder, ServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(Unary("Execute", ExecuteRequest.Parser, ExecuteResponse.Parser), service is null ? null : service.Execute);
        binder.AddMethod(Unary("ExecuteBatch", ExecuteBatchRequest.Parser, ExecuteBatchResponse.Parser), service is null ? null : service.ExecuteBatch);
        binder.AddMethod(ServerStreaming("StreamExecute", StreamExecuteRequest.Parser, Message(StreamExecuteResponse.Parser)),
            service is null ? null : service.StreamExecute);
        binder.AddMethod(Unary("ExecuteMulti", ExecuteMultiRequest.Parser, ExecuteMultiResponse.Parser), service is null ? null : service.ExecuteMulti);
        binder.AddMethod(ServerStreaming("StreamExecuteMulti", StreamExecuteMultiRequest.Parser, Message(StreamExecuteMultiResponse.Parser)),
            service is null ? null : service.StreamExecuteMulti);
        binder.AddMethod(ServerStreaming("VStream", VStreamRequest.Parser, EncodedVStreamResponse.Marshaller), service is null ? null : service.VStream);
        binder.AddMethod(Unary("Prepare", PrepareRequest.Parser, PrepareResponse.Parser), service is null ? null : service.Prepare);
        binder.AddMethod(Unary("CloseSession", CloseSessionRequest.Parser, CloseSessionResponse.Parser), service is null ? null : service.CloseSession);
    }

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, MessageParser<TRequest> request, MessageParser<TResponse> response)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, ServiceName, name, Message(request), Message(response));

    private static Method<TRequest, TResponse> ServerStreaming<TRequest, TResponse>(string name, MessageParser<TRequest> request, Marshaller<TResponse> response)
        where TRequest : class, IMessage<TRequest> =>
        new(MethodType.ServerStreaming, ServiceName, name, Message(request), response);

    private static Marshaller<T> Message<T>(MessageParser<T> parser)
        where T : class, IMessage<T> =>
        Marshallers.Create(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    /// <summary>The service's handlers; an override of each is what the binding calls.</summary>
    [BindServiceMethod(typeof(VitessBinding), nameof(BindService))]
    public abstract class ServiceBase
    {
        /// <summary>VStream, writing pre-encoded responses.</summary>
        public abstract Task VStream(VStreamRequest request, IServerStreamWriter<EncodedVStreamResponse> responseStream, ServerCallContext context);

        /// <summary>Execute.</summary>
        public abstract Task<ExecuteResponse> Execute(ExecuteRequest request, ServerCallContext context);

        /// <summary>ExecuteBatch.</summary>
        public abstract Task<ExecuteBatchResponse> ExecuteBatch(ExecuteBatchRequest request, ServerCallContext context);

        /// <summary>StreamExecute.</summary>
        public abstract Task StreamExecute(StreamExecuteRequest request, IServerStreamWriter<StreamExecuteResponse> responseStream, ServerCallContext context);

        /// <summary>ExecuteMulti.</summary>
        public abstract Task<ExecuteMultiResponse> ExecuteMulti(ExecuteMultiRequest request, ServerCallContext context);

        /// <summary>StreamExecuteMulti.</summary>
        public abstract Task StreamExecuteMulti(StreamExecuteMultiRequest request, IServerStreamWriter<StreamExecuteMultiResponse> responseStream, ServerCallContext context);

        /// <summary>Prepare.</summary>
        public abstract Task<PrepareResponse> Prepare(PrepareRequest request, ServerCallContext context);

        /// <summary>CloseSession.</summary>
        public abstract Task<CloseSessionResponse> CloseSession(CloseSessionRequest request, ServerCallContext context);
    }
}
