namespace VGate.MySql.Protocol;

/// <summary>
/// Whether and how the connection uses TLS. The semantics follow MySqlConnector's <c>SslMode</c>
/// (https://mysqlconnector.net/connection-options/#SslMode).
/// </summary>
public enum MySqlSslMode
{
    /// <summary>Never use TLS, even if the server offers it.</summary>
    None,

    /// <summary>
    /// Use TLS when the server offers it, without validating its certificate; fall back to plain TCP otherwise.
    /// Unix socket connections stay unencrypted (the socket is already local and trusted).
    /// </summary>
    Preferred,

    /// <summary>Always use TLS and fail if the server does not offer it. The server certificate is not validated.</summary>
    Required,

    /// <summary>
    /// Always use TLS and validate the server certificate chain against <see cref="MySqlConnectionOptions.SslCaFile"/>
    /// (or the system trust store when no CA file is given). The host name is not checked.
    /// </summary>
    VerifyCA,

    /// <summary>Like <see cref="VerifyCA"/>, and the certificate must also match <see cref="MySqlConnectionOptions.Host"/>.</summary>
    VerifyFull,
}
