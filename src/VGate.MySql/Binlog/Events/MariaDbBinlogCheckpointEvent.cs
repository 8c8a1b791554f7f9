using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// BINLOG_CHECKPOINT_EVENT (161, MariaDB): names the oldest binlog file crash recovery may still need.
/// See https://mariadb.com/kb/en/binlog_checkpoint_event/
/// </summary>
public sealed class MariaDbBinlogCheckpointEvent : BinlogEvent
{
    private MariaDbBinlogCheckpointEvent(EventHeader header, string fileName)
        : base(header) => FileName = fileName;

    /// <summary>The binlog file name, e.g. <c>mariadb-bin.000001</c>.</summary>
    public string FileName { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static MariaDbBinlogCheckpointEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var length = reader.ReadUInt32();
        if (length > (uint)reader.Remaining)
            throw BinlogFormatException.CreateForShortBuffer(reader.Offset, (int)Math.Min(length, int.MaxValue), reader.Remaining);
        return new MariaDbBinlogCheckpointEvent(header, Encoding.UTF8.GetString(reader.ReadBytes((int)length)));
    }
}
