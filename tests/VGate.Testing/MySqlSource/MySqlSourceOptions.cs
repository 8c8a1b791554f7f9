namespace VGate.Testing.MySqlSource;

/// <summary>An account of the test source.</summary>
/// <param name="Name">User name.</param>
/// <param name="Password">Password (empty allowed).</param>
/// <param name="Plugin"><c>caching_sha2_password</c> (MySQL 8.4's default) or <c>mysql_native_password</c>.</param>
public sealed record MySqlSourceUser(string Name, string Password, string Plugin = MySqlSourceUser.CachingSha2)
{
    public const string CachingSha2 = "caching_sha2_password";
    public const string NativePassword = "mysql_native_password";
}

/// <summary>One column of a table the source describes in information_schema.COLUMNS (what VGate's schema catalog reads).</summary>
/// <param name="Name">Column name.</param>
/// <param name="DataType">DATA_TYPE, e.g. <c>int</c>, <c>varchar</c>, <c>enum</c>.</param>
/// <param name="ColumnType">COLUMN_TYPE, e.g. <c>int</c>, <c>varchar(300)</c>, <c>enum('a','b')</c>.</param>
/// <param name="ColumnKey">COLUMN_KEY: <c>PRI</c>, <c>UNI</c>, <c>MUL</c> or empty.</param>
/// <param name="Nullable">IS_NULLABLE = YES.</param>
public sealed record MySqlSourceColumn(string Name, string DataType, string ColumnType, string ColumnKey = "", bool Nullable = true);

/// <summary>A table of the source's information_schema.</summary>
public sealed record MySqlSourceTable(string Database, string Name, IReadOnlyList<MySqlSourceColumn> Columns);

/// <summary>How <see cref="MySqlSourceServer"/> is set up.</summary>
public sealed class MySqlSourceOptions
{
    /// <summary>The recorded binlog file to serve (written by a real MySQL server).</summary>
    public required string BinlogFile { get; init; }

    /// <summary>The version the source reports (handshake and <c>SELECT VERSION()</c>).</summary>
    public string ServerVersion { get; init; } = "8.4.3";

    /// <summary>The source's <c>server_uuid</c>; by default the UUID of the file's first GTID (a new one when it has none).</summary>
    public string? ServerUuid { get; init; }

    /// <summary>The accounts. Default: <see cref="MySqlSourceServer.ReplicationUser"/> with a random password, caching_sha2_password.</summary>
    public IReadOnlyList<MySqlSourceUser>? Users { get; init; }

    /// <summary>TLS certificate and key (PEM, e.g. from <see cref="TestCertificates.Create"/>); without them the source offers no TLS.</summary>
    public TlsFiles? Tls { get; init; }

    /// <summary>
    /// When true, caching_sha2_password never finds the account in its cache (as right after a server restart or
    /// <c>FLUSH PRIVILEGES</c>): every login takes full authentication. Otherwise the first login of an account is full and
    /// later ones take the fast path, as on MySQL.
    /// </summary>
    public bool AlwaysFullAuthentication { get; init; }

    /// <summary>
    /// Global variables reported by <c>SHOW GLOBAL VARIABLES</c> in addition to, or instead of, the defaults (a source
    /// configured as VGate requires: log_bin ON, ROW, FULL image, FULL metadata, gtid_mode ON, the file's checksum).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Variables { get; init; }

    /// <summary>The tables of information_schema (what the streamer's schema catalog reads).</summary>
    public IReadOnlyList<MySqlSourceTable> Tables { get; init; } = [];

    /// <summary>
    /// <c>gtid_purged</c>: the GTIDs no binlog holds any more; a dump whose set does not include them fails with 1236.
    /// Default: the file's PREVIOUS_GTIDS (the transactions of the purged earlier files). Can be changed later
    /// (<see cref="MySqlSourceServer.GtidPurged"/>).
    /// </summary>
    public string? GtidPurged { get; init; }

    /// <summary>
    /// A row of <c>SHOW REPLICA STATUS</c> (column → value), for a source that is itself a replica; none (a primary) by
    /// default.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? ReplicaStatus { get; init; }
}
