using VGate.MySql.Positions;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// MySQL's PREVIOUS_GTIDS_LOG_EVENT (35), written after the FORMAT_DESCRIPTION event of every binlog file: the set of
/// GTIDs in all earlier binlog files. The body is a binary GTID set (untagged, or the tagged format of MySQL 8.4+).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Previous__gtids__event.html
/// </summary>
public sealed class PreviousGtidsEvent : BinlogEvent
{
    private PreviousGtidsEvent(EventHeader header, MySqlGtidSet gtidSet, MySqlGtidSetBinaryFormat format)
        : base(header)
    {
        GtidSet = gtidSet;
        Format = format;
    }

    /// <summary>The GTIDs executed before this binlog file.</summary>
    public MySqlGtidSet GtidSet { get; }

    /// <summary>The binary format the server used for the set.</summary>
    public MySqlGtidSetBinaryFormat Format { get; }

    internal static PreviousGtidsEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var set = MySqlGtidSet.Decode(ref reader, out var format);
        if (reader.Remaining != 0)
            throw BinlogFormatException.Create($"{reader.Remaining} unexpected byte(s) after the GTID set in PREVIOUS_GTIDS", reader.Offset);
        return new PreviousGtidsEvent(header, set, format);
    }
}
