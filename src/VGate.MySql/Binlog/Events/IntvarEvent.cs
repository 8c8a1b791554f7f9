using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// INTVAR_EVENT (5): in statement-based logging, the LAST_INSERT_ID() or the next AUTO_INCREMENT value the following
/// QUERY event used.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Intvar__event.html
/// and https://mariadb.com/kb/en/intvar_event/
/// </summary>
public sealed class IntvarEvent : BinlogEvent
{
    /// <summary>LAST_INSERT_ID_EVENT: the value of LAST_INSERT_ID().</summary>
    public const byte LastInsertIdType = 1;

    /// <summary>INSERT_ID_EVENT: the next AUTO_INCREMENT value.</summary>
    public const byte InsertIdType = 2;

    private IntvarEvent(EventHeader header, byte variableType, ulong value)
        : base(header)
    {
        VariableType = variableType;
        Value = value;
    }

    /// <summary><see cref="LastInsertIdType"/> or <see cref="InsertIdType"/>.</summary>
    public byte VariableType { get; }

    /// <summary>The value.</summary>
    public ulong Value { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static IntvarEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var type = reader.ReadByte();
        return new IntvarEvent(header, type, reader.ReadUInt64());
    }
}
