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

    /// <summary>
    /// The common name (OID 2.5.4.3) of a certificate's subject, or null when it has none or more than one. Read from
    /// the RDNs, not with <c>GetNameInfo(SimpleName)</c>, which falls back to other attributes (O, OU, e-mail): a
    /// certificate without a CN must not become a user named after its organisation.
    /// </summary>
    public static string? CommonName(X509Certificate2 certificate)
    {
        string? commonName = null;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementType().Value != "2.5.4.3")
                continue;
            if (commonName is not null)
                return null;
            commonName = rdn.GetSingleElementValue();
        }
        return string.IsNullOrEmpty(commonName) ? null : commonName;
    }
}
