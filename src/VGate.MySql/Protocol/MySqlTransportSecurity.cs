namespace VGate.MySql.Protocol;

/// <summary>How well a connection's transport protects what is sent over it (the password and the stream).</summary>
public enum MySqlTransportSecurity
{
    /// <summary>Plain TCP: readable and changeable by anyone on the path.</summary>
    Plaintext,

    /// <summary>TLS whose server certificate was not verified (ssl-mode preferred or required): encrypted, but a man in
    /// the middle can present its own certificate and read everything, including a password sent in clear text.</summary>
    UnverifiedTls,

    /// <summary>TLS with the server certificate verified against a CA (ssl-mode verify-ca or verify-identity).</summary>
    VerifiedTls,

    /// <summary>A local Unix socket.</summary>
    UnixSocket,
}
