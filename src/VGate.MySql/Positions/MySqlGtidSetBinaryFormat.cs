namespace VGate.MySql.Positions;

/// <summary>The two binary layouts of a GTID set (PREVIOUS_GTIDS body, COM_BINLOG_DUMP_GTID data).</summary>
public enum MySqlGtidSetBinaryFormat
{
    /// <summary>
    /// MySQL 5.6 to 8.3: 8-byte little-endian number of SIDs; per SID the 16-byte UUID, an 8-byte interval count and
    /// pairs of 8-byte <c>[start, end)</c> values with an exclusive end. Cannot hold tagged GTIDs.
    /// </summary>
    Untagged = 0,

    /// <summary>
    /// MySQL 8.4+: the first 8 bytes are a format byte (1), the number of (UUID, tag) entries in 6 bytes, and the
    /// format byte again; each entry has the 16-byte UUID, the tag as a serialization-library variable-length length
    /// plus ASCII bytes (length 0 for untagged), then the interval count and intervals as in <see cref="Untagged"/>.
    /// </summary>
    Tagged = 1,
}
