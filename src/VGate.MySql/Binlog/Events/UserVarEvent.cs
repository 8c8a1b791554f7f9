using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// USER_VAR_EVENT (14): in statement-based logging, the value of a user variable (<c>@name</c>) the following QUERY
/// event reads.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1User__var__event.html
/// and https://mariadb.com/kb/en/user_var_event/
/// </summary>
public sealed class UserVarEvent : BinlogEvent
{
    /// <summary>Bit in <see cref="Flags"/>: an INT value is unsigned.</summary>
    public const byte UnsignedFlag = 0x01;

    private readonly byte[] _value;

    private UserVarEvent(EventHeader header, string name, bool isNull, UserVarType valueType, uint charset, byte[] value, byte flags)
        : base(header)
    {
        Name = name;
        IsNull = isNull;
        ValueType = valueType;
        Charset = charset;
        _value = value;
        Flags = flags;
    }

    /// <summary>Variable name without the <c>@</c>.</summary>
    public string Name { get; }

    /// <summary>True when the variable is NULL (then the other value members are empty/0).</summary>
    public bool IsNull { get; }

    /// <summary>The value type (Item_result).</summary>
    public UserVarType ValueType { get; }

    /// <summary>Collation id of a string value.</summary>
    public uint Charset { get; }

    /// <summary>
    /// The value bytes as the server stored them: the string bytes, an 8-byte little-endian integer or double, or a
    /// binary DECIMAL preceded by precision and scale bytes. Owned by this event.
    /// </summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>Trailing flags (<see cref="UnsignedFlag"/>), 0 when absent (servers before MySQL 5.6 / MariaDB 10.0).</summary>
    public byte Flags { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static UserVarEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var nameLength = reader.ReadUInt32();
        if (nameLength > (uint)reader.Remaining)
            throw BinlogFormatException.CreateForShortBuffer(reader.Offset, (int)Math.Min(nameLength, int.MaxValue), reader.Remaining);
        var name = Encoding.UTF8.GetString(reader.ReadBytes((int)nameLength));
        var isNull = reader.ReadByte() != 0;
        if (isNull)
            return new UserVarEvent(header, name, true, UserVarType.String, 0, [], 0);

        var type = (UserVarType)reader.ReadByte();
        var charset = reader.ReadUInt32();
        var valueLength = reader.ReadUInt32();
        if (valueLength > (uint)reader.Remaining)
            throw BinlogFormatException.CreateForShortBuffer(reader.Offset, (int)Math.Min(valueLength, int.MaxValue), reader.Remaining);
        var value = reader.ReadBytes((int)valueLength).ToArray();
        var flags = reader.Remaining > 0 ? reader.ReadByte() : (byte)0;
        return new UserVarEvent(header, name, false, type, charset, value, flags);
    }
}
