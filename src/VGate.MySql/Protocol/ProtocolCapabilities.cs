namespace VGate.MySql.Protocol;

/// <summary>
/// The client/server capability flags (the low and high 16 bits of the handshake capability field).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html
/// </summary>
[Flags]
internal enum ProtocolCapabilities : uint
{
    None = 0,

    /// <summary>CLIENT_LONG_PASSWORD; MariaDB calls this bit CLIENT_MYSQL and clears it when it sends extended capabilities.</summary>
    LongPassword = 1,
    FoundRows = 2,
    LongFlag = 4,
    ConnectWithDatabase = 8,
    NoSchema = 0x10,
    Compress = 0x20,
    Odbc = 0x40,
    LocalFiles = 0x80,
    IgnoreSpace = 0x100,
    Protocol41 = 0x200,
    Interactive = 0x400,
    Ssl = 0x800,
    IgnoreSigpipe = 0x1000,
    Transactions = 0x2000,
    Reserved = 0x4000,
    SecureConnection = 0x8000,
    MultiStatements = 0x1_0000,
    MultiResults = 0x2_0000,
    PreparedStatementMultiResults = 0x4_0000,
    PluginAuth = 0x8_0000,
    ConnectAttributes = 0x10_0000,
    PluginAuthLengthEncodedClientData = 0x20_0000,
    CanHandleExpiredPasswords = 0x40_0000,
    SessionTrack = 0x80_0000,
    DeprecateEof = 0x100_0000,
    OptionalResultsetMetadata = 0x200_0000,
    ZstdCompression = 0x400_0000,
    QueryAttributes = 0x800_0000,
    MultiFactorAuthentication = 0x1000_0000,
    CapabilityExtension = 0x2000_0000,
    SslVerifyServerCertificate = 0x4000_0000,
    RememberOptions = 0x8000_0000,
}
