using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using VGate.Server.Logging;

namespace VGate.Server.Auth;

/// <summary>
/// Vitess static gRPC authentication: when a users file is configured, each call must carry <c>username</c> and
/// <c>password</c> metadata. None → UNAUTHENTICATED, no match → PERMISSION_DENIED (same messages as vtgate). Health checks
/// and reflection stay open so probes and grpcurl need no credentials.
/// </summary>
internal sealed class StaticAuthInterceptor : Interceptor
{
    private readonly StaticUsers? _users;
    private readonly ILogger _logger;

    public StaticAuthInterceptor(IOptions<ServerOptions> options, ILogger<StaticAuthInterceptor> logger)
    {
        _logger = logger;
        if (options.Value.UsersFile is { Length: > 0 } file)
        {
            _users = StaticUsers.Load(file);
            Log.AuthEnabled(logger, _users.Count, file);
        }
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        if (_users is null || IsOpen(context.Method))
            return;
        var user = context.RequestHeaders.GetValue("username");
        var password = context.RequestHeaders.GetValue("password");
        if (string.IsNullOrEmpty(user) || password is null)
        {
            Log.AuthMissing(_logger, context.Method, context.Peer);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "username and password must be provided"));
        }
        if (!_users.Verify(user, password))
        {
            Log.AuthDenied(_logger, context.Method, context.Peer, user);
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"auth failure: caller \"{user}\" provided invalid credentials"));
        }
    }

    private static bool IsOpen(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal) || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);
}
