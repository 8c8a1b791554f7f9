using System.Net.Security;
using System.Security.Authentication;

namespace VGate.MySql.Protocol;

/// <summary>
/// Factories for the exceptions the connection layer throws that are not server errors
/// (<see cref="MySqlServerException"/>) or malformed bytes (<see cref="BinlogFormatException"/>):
/// a closed connection (<see cref="EndOfStreamException"/>), a timeout (<see cref="TimeoutException"/>), and client-side
/// refusals to authenticate or to set up TLS (<see cref="AuthenticationException"/>).
/// </summary>
internal static class ProtocolErrors
{
    public static EndOfStreamException CreateForUnexpectedEnd(long bufferedBytes, int assembledBytes) =>
        new(bufferedBytes + assembledBytes == 0
            ? "The server closed the connection unexpectedly."
            : $"The server closed the connection in the middle of a packet ({bufferedBytes + assembledBytes} byte(s) of it received).");

    public static TimeoutException CreateForConnectTimeout(string endpoint, TimeSpan timeout) =>
        new($"Connecting to {endpoint} did not complete within {timeout.TotalSeconds:0.###} s (connect, TLS and authentication).");

    public static AuthenticationException CreateForTlsNotOffered(string endpoint, MySqlSslMode mode) =>
        new($"SSL mode {mode} requires TLS, but the server at {endpoint} does not offer it. " +
            "Enable TLS on the server (ssl_cert/ssl_key) or use ssl-mode=preferred or none.");

    public static AuthenticationException CreateForUnsupportedPlugin(string plugin) =>
        new($"The server asked for authentication plugin '{plugin}', which VGate does not support. Supported plugins: " +
            "mysql_native_password, caching_sha2_password, sha256_password, mysql_clear_password (verified TLS or socket only), client_ed25519.");

    public static AuthenticationException CreateForInsecureClearPassword(string plugin, string endpoint) =>
        new($"The server at {endpoint} asked for authentication plugin '{plugin}', which sends the password in clear text; " +
            "VGate only does that over a Unix socket or TLS with a verified server certificate. " +
            "Enable TLS on the server and connect with ssl-mode=verify-identity (or verify-ca) and ssl-ca=CA.pem.");

    public static AuthenticationException CreateForUnverifiedTlsPassword(string plugin, string endpoint, MySqlSslMode mode) =>
        new($"The server at {endpoint} needs the password in clear text (authentication plugin '{plugin}'), but the TLS " +
            $"connection does not verify the server certificate (ssl-mode {mode}), so a man in the middle could collect it; " +
            "VGate refused to send it. Connect with ssl-mode=verify-identity (or verify-ca) and ssl-ca=CA.pem, or, for " +
            "caching_sha2_password and sha256_password, with ssl-mode=disabled and server-public-key-path=KEY.pem (RSA).");

    public static AuthenticationException CreateForMissingRsaKey(string plugin) =>
        new($"Authentication plugin '{plugin}' needs the password sent securely, but the connection is neither TLS nor a Unix socket, " +
            "and no RSA public key is available. Enable TLS (ssl-mode=verify-identity or verify-ca with ssl-ca), set the server's public key file " +
            "(server-public-key-path / ServerRsaPublicKeyFile), or allow public key retrieval (allow-public-key-retrieval=true).");

    public static AuthenticationException CreateForBadRsaKey(string plugin, Exception inner) =>
        new($"The RSA public key for authentication plugin '{plugin}' could not be read: {inner.Message}", inner);

    public static AuthenticationException CreateForServerTooOld(string serverVersion) =>
        new($"Server {serverVersion} does not support the 4.1 protocol with secure authentication (CLIENT_PROTOCOL_41, CLIENT_SECURE_CONNECTION).");

    public static AuthenticationException CreateForCertificateRejected(string endpoint, MySqlSslMode mode, SslPolicyErrors errors, Exception inner) =>
        new(($"The TLS certificate of {endpoint} was rejected for ssl-mode {mode}: {errors}. " +
            (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                ? "The certificate does not name the host connected to; connect by a name it contains or use ssl-mode=verify-ca. "
                : "") +
            (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)
                ? "The certificate chain is not trusted; set ssl-ca to the CA that issued it."
                : "")).TrimEnd(),
            inner);

    public static AuthenticationException CreateForBadCaFile(string path) =>
        new($"The CA file '{path}' contains no PEM certificate.");
}
