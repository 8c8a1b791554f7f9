using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace VGate.Server.Auth;

/// <summary>
/// The security settings of the front end, bound from the same <c>VGate:Server</c> section as <see cref="ServerOptions"/>
/// (kept apart so that access control has one place): listening addresses, TLS, client certificates, the users file,
/// the explicit opt-outs and the reload period. Checked at start by <see cref="Configuration.SecurityOptionsValidator"/>.
/// </summary>
internal sealed class SecurityOptions
{
    /// <summary>gRPC address, <c>host:port</c>. Default <c>localhost:15991</c>.</summary>
    public string Listen { get; set; } = "localhost:15991";

    /// <summary>Extra cleartext HTTP/1.1 address serving <c>/metrics</c>.</summary>
    public string? MetricsListen { get; set; }

    /// <summary>PEM certificate chain of the gRPC port (with <see cref="TlsKeyFile"/>).</summary>
    public string? TlsCertificateFile { get; set; }

    /// <summary>PEM private key matching <see cref="TlsCertificateFile"/>.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>
    /// Client certificates on the TLS port: <c>NoCertificate</c> (default), <c>AllowCertificate</c> or
    /// <c>RequireCertificate</c>. A string, so that a misspelt value is reported by the validator with the setting's name
    /// instead of failing the configuration binder.
    /// </summary>
    public string ClientCertificateMode { get; set; } = nameof(Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.NoCertificate);

    /// <summary><see cref="ClientCertificateMode"/> parsed (case-insensitive); null when it names no mode VGate supports.</summary>
    public ClientCertificateMode? ClientCertificates =>
        Enum.TryParse<ClientCertificateMode>(ClientCertificateMode, ignoreCase: true, out var mode)
        && mode is Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.NoCertificate or Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate or Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate
        && !int.TryParse(ClientCertificateMode, out _)
            ? mode
            : null;

    /// <summary>PEM bundle of the CAs client certificates must chain to.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>The users file (also <see cref="ServerOptions.UsersFile"/>).</summary>
    public string? UsersFile { get; set; }

    /// <summary>Lets a server without authentication listen beyond loopback. Default false: such a server refuses to start.</summary>
    public bool AllowUnauthenticated { get; set; }

    /// <summary>Serves <c>/metrics</c> without credentials although authentication is on. Default false.</summary>
    public bool MetricsAllowUnauthenticated { get; set; }

    /// <summary>How often the users file, certificate, key and client CA files are checked for changes; 0 turns reloading off. Default 5 s.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True when every call must be authenticated: a users file, or TLS that requires a client certificate.</summary>
    public bool AuthenticationRequired =>
        UsersFile is { Length: > 0 } || (ClientCertificates == Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate && TlsCertificateFile is { Length: > 0 });
}
