using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// RAND_EVENT (13): in statement-based logging, the two seeds of RAND() for the following QUERY event.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Rand__event.html
/// and https://mariadb.com/kb/en/rand_event/
/// </summary>
public sealed class RandEvent : BinlogEvent
{
    private RandEvent(EventHeader header, ulong seed1, ulong seed2)
        : base(header)
    {
        Seed1 = seed1;
        Seed2 = seed2;
    }

    /// <summary>First seed.</summary>
    public ulong Seed1 { get; }

    /// <summary>Second seed.</summary>
    public ulong Seed2 { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static RandEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var seed1 = reader.ReadUInt64();
        return new RandEvent(header, seed1, reader.ReadUInt64());
    }
}
