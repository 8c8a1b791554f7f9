namespace VGate.MySql.Protocol;

/// <summary>
/// MariaDB's extended capability flags, sent in the last four bytes of the Initial Handshake's reserved filler
/// (bits 32 and up of the capability field) when the server clears the CLIENT_MYSQL bit.
/// See https://mariadb.com/kb/en/connection/#capabilities
/// </summary>
[Flags]
public enum MariaDbCapabilities : uint
{
    /// <summary>No extended capabilities (or a MySQL server).</summary>
    None = 0,

    /// <summary>MARIADB_CLIENT_PROGRESS: progress reports for long-running commands.</summary>
    Progress = 1,

    /// <summary>MARIADB_CLIENT_COM_MULTI: several commands in one packet (removed in later servers).</summary>
    ComMulti = 2,

    /// <summary>MARIADB_CLIENT_STMT_BULK_OPERATIONS: COM_STMT_BULK_EXECUTE.</summary>
    StatementBulkOperations = 4,

    /// <summary>MARIADB_CLIENT_EXTENDED_METADATA: extended type information in column definitions.</summary>
    ExtendedMetadata = 8,

    /// <summary>MARIADB_CLIENT_CACHE_METADATA: result set metadata can be skipped for prepared statements.</summary>
    CacheMetadata = 0x10,

    /// <summary>MARIADB_CLIENT_BULK_UNIT_RESULTS: one result per bulk row.</summary>
    BulkUnitResults = 0x20,
}
