namespace VGate.MySql.Binlog;

/// <summary>
/// The binlog event checksum algorithm (<c>binlog_checksum</c> / <c>@master_binlog_checksum</c>), as stored in the
/// checksum-algorithm byte of a FORMAT_DESCRIPTION event.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html#sect_protocol_replication_event_format_desc
/// </summary>
public enum ChecksumAlgorithm : byte
{
    /// <summary>Events carry no checksum.</summary>
    None = 0,

    /// <summary>Every event ends with a 4-byte little-endian CRC32 (ISO-HDLC / zlib polynomial) of the rest of the event.</summary>
    Crc32 = 1,

    /// <summary>BINLOG_CHECKSUM_ALG_UNDEF: the writer did not say; treated as <see cref="None"/>.</summary>
    Undefined = 255,
}
