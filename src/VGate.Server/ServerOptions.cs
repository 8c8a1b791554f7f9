namespace VGate.Server;

/// <summary>
/// Settings of the gRPC front end, bound from the <c>VGate:Server</c> configuration section. Listening addresses and TLS
/// are Kestrel's own settings (<c>Kestrel:Endpoints:…</c>, see docs/server.md).
/// </summary>
public sealed class ServerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "VGate:Server";

    /// <summary>
    /// A Vitess <c>grpc-auth-static-password-file</c>: a JSON array of <c>{"Username": …, "Password": …}</c> entries (or
    /// <c>SHA256HashedPassword</c>), plus VGate's per-user <c>Allow</c> lists and <c>ClientCertificate</c> users. When set,
    /// every VStream/Execute call needs matching <c>username</c> and <c>password</c> metadata (or a client certificate).
    /// Unset: no authentication, and only loopback listening. The other security settings: <see cref="Auth.SecurityOptions"/>.
    /// </summary>
    public string? UsersFile { get; set; }

    /// <summary>The cell name reported by <c>SHOW VITESS_TABLETS</c>. Default <c>vgate</c>.</summary>
    public string Cell { get; set; } = "vgate";

    /// <summary>Longest error message sent in a gRPC status, in bytes; longer ones are cut like vtgate does. Default 7.5 KiB.</summary>
    public int MaxErrorMessageBytes { get; set; } = 7680;
}
