using Grpc.Core;
using Grpc.Core.Interceptors;
using VGate.Server.Logging;

namespace VGate.Server.Auth;

/// <summary>
/// Authentication of every gRPC call except health and reflection (so probes and grpcurl need no credentials):
/// <list type="bullet">
/// <item>A client certificate accepted by the TLS handshake (it chains to <c>ClientCaFile</c>) whose subject CN names a
/// <c>"ClientCertificate": true</c> user of the users file is that user; without a users file it is a user that may read
/// everything (the CA is then the whole access control). A certificate naming no such user is PERMISSION_DENIED.</item>
/// <item>Otherwise Vitess static authentication: <c>username</c> and <c>password</c> metadata. None → UNAUTHENTICATED,
/// no match → PERMISSION_DENIED (vtgate's messages).</item>
/// </list>
/// The authenticated <see cref="Caller"/> is attached to the call for the authorization checks of the service.
/// </summary>
internal sealed class StaticAuthInterceptor(SecurityState state, ILogger<StaticAuthInterceptor> logger) : Interceptor
{
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
        if (!state.AuthenticationRequired || IsOpen(context.Method))
            return;
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        var user = context.RequestHeaders.GetValue("username");
        var (caller, error) = Identify(state, certificate, user, context.RequestHeaders.GetValue("password"));
        if (caller is null)
        {
            if (error!.Value.StatusCode == StatusCode.Unauthenticated)
                Log.AuthMissing(logger, context.Method, context.Peer);
            else
                Log.AuthDenied(logger, context.Method, context.Peer, string.IsNullOrEmpty(user) && certificate is not null ? certificate.Subject : user ?? "");
            throw new RpcException(error.Value);
        }
        caller.AttachTo(context);
    }

    /// <summary>
    /// The caller a certificate (already validated by the TLS layer) or username/password identify, or the status to fail
    /// with. Shared by gRPC calls and <c>/metrics</c>.
    /// </summary>
    internal static (Caller? Caller, Status? Error) Identify(SecurityState state, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, string? user, string? password)
    {
        var users = state.Users;
        if (certificate is not null && Caller.CommonName(certificate) is { } commonName)
        {
            if (users is null)
                return (new Caller(commonName, AccessRules.All), null);
            if (users.FindCertificateUser(commonName) is { } certificateUser)
            {
                if (!string.IsNullOrEmpty(user) && user != commonName)
                    return (null, new Status(StatusCode.PermissionDenied, $"auth failure: caller \"{user}\" does not match the client certificate (CN={commonName})"));
                return (new Caller(certificateUser.Name, certificateUser.Rules), null);
            }
            if (string.IsNullOrEmpty(user))
                return (null, new Status(StatusCode.PermissionDenied, $"auth failure: client certificate CN={commonName} is not a ClientCertificate user of the users file"));
        }
        if (users is null)
            return (null, new Status(StatusCode.Unauthenticated, "a client certificate must be provided"));
        if (string.IsNullOrEmpty(user) || password is null)
            return (null, new Status(StatusCode.Unauthenticated, "username and password must be provided"));
        if (users.Authenticate(user, password) is not { } entry)
            return (null, new Status(StatusCode.PermissionDenied, $"auth failure: caller \"{user}\" provided invalid credentials"));
        return (new Caller(entry.Name, entry.Rules), null);
    }

    private static bool IsOpen(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal) || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);
}
