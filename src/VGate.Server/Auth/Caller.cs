using System.Security.Cryptography.X509Certificates;
using Grpc.Core;

namespace VGate.Server.Auth;

/// <summary>
/// Who made a call and what they may read, attached to the call by <see cref="StaticAuthInterceptor"/>. A call on a
/// server without authentication has no caller: <see cref="Of"/> returns <see cref="Anonymous"/>, which may read everything.
/// </summary>
internal sealed record Caller(string Name, AccessRules Rules)
{
    private const string Key = "vgate.caller";

    /// <summary>The caller of a server without authentication.</summary>
    public static Caller Anonymous { get; } = new("", AccessRules.All);

    /// <summary>The caller attached to <paramref name="context"/>, or <see cref="Anonymous"/>.</summary>
    public static Caller Of(ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var value) && value is Caller caller ? caller : Anonymous;

    public void AttachTo(ServerCallContext context) => context.UserState[Key] = this;

    /// <summary>The common name of a certificate's subject (the last CN when there are several), or null.</summary>
    public static string? CommonName(X509Certificate2 certificate)
    {
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return string.IsNullOrEmpty(name) ? null : name;
    }
}
