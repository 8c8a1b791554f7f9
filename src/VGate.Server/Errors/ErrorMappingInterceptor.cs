using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace VGate.Server.Errors;

/// <summary>Applies <see cref="RpcErrors"/> to every unary and server-streaming call.</summary>
internal sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger, IOptions<ServerOptions> options, ServerMetrics metrics) : Interceptor
{
    private readonly int _maxMessageBytes = options.Value.MaxErrorMessageBytes;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw RpcErrors.ToRpcException(ex, context, logger, metrics, _maxMessageBytes);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw RpcErrors.ToRpcException(ex, context, logger, metrics, _maxMessageBytes);
        }
    }
}
