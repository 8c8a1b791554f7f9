using System.Buffers.Binary;
using System.Text;
using VGate.MySql.Protocol;
using VGate.Testing;

namespace VGate.VStreamer.Tests.Schema;

/// <summary>
/// The column definitions a server sends for a query (Protocol::ColumnDefinition41), read raw off the wire on a utf8mb4
/// connection, and turned into the <c>query.Field</c> a Vitess tablet builds from them. This is the independent judge of
/// the FIELD events VGate derives from TABLE_MAP metadata and information_schema: Vitess reads table fields with
/// <c>SELECT … WHERE 1 != 1</c> (mysqlctl.GetColumns) on a utf8mb4 connection and then replaces the charset with the
/// column's collation from information_schema (vstreamer.go getFields).
/// </summary>
internal static class ServerColumnDefinitions
{
    /// <summary>One column definition as sent.</summary>
    internal sealed record Definition(string Name, int Charset, uint Length, byte Type, ushort Flags, byte Decimals);

    /// <summary>The column definitions of <paramref name="sql"/>'s result set.</summary>
    public static async Task<IReadOnlyList<Definition>> ReadAsync(MariaDbServer server, string sql)
    {
        using var deadline = TestDeadline.CreateTokenSource();
        await using var connection = await MySqlProtocolConnection.ConnectAsync(
            MySqlConnectionOptions.Parse(server.ReplicationUri.ToString()), deadline.Token);
        await connection.ExecuteAsync("SET NAMES utf8mb4", deadline.Token);
        var command = new byte[1 + Encoding.UTF8.GetByteCount(sql)];
        command[0] = 0x03; // COM_QUERY
        Encoding.UTF8.GetBytes(sql, command.AsSpan(1));
        await connection.WriteCommandAsync(command, deadline.Token);

        var first = (await connection.ReadPacketAsync(deadline.Token)).ToArray();
        if (first[0] == 0xFF)
            throw new InvalidOperationException($"query failed: {Encoding.UTF8.GetString(first, 9, first.Length - 9)}");
        var offset = 0;
        var count = (int)ReadLengthEncoded(first, ref offset);
        var definitions = new List<Definition>(count);
        for (var i = 0; i < count; i++)
        {
            var packet = (await connection.ReadPacketAsync(deadline.Token)).ToArray();
            try
            {
                definitions.Add(Parse(packet));
            }
            catch (IndexOutOfRangeException ex)
            {
                throw new InvalidOperationException($"column definition {i} of {count} is malformed: {Convert.ToHexString(packet)}", ex);
            }
        }
        // Drain the rest of the reply: a 5-byte EOF after the definitions (no CLIENT_DEPRECATE_EOF) is followed by the
        // rows and a final EOF; with CLIENT_DEPRECATE_EOF the rows are followed by an OK that starts with 0xFE.
        var seenEof = false;
        while (true)
        {
            var packet = await connection.ReadPacketAsync(deadline.Token);
            if (packet.Span[0] != 0xFE || packet.Length >= 0xFFFFFF)
                continue;
            if (packet.Length == 5 && !seenEof)
            {
                seenEof = true;
                continue;
            }
            break;
        }
        return definitions;
    }

    /// <summary>
    /// The field a Vitess tablet makes of <paramref name="definition"/>: <c>sqltypes.MySQLToType(type, flags)</c>, the
    /// flags with NUM_FLAG added for numeric types (go/mysql/query.go readColumnDefinition), and
    /// <paramref name="collationId"/> (information_schema) as charset.
    /// </summary>
    public static (Query.Type Type, uint Flags, uint Length, uint Charset, uint Decimals) ToVitessField(Definition definition, int collationId)
    {
        var flags = (uint)definition.Flags;
        if (IsNumeric(definition.Type))
            flags |= 32768; // NUM_FLAG
        return (MySqlToType(definition.Type, definition.Flags), flags, definition.Length, (uint)collationId, definition.Decimals);
    }

    // go/sqltypes/type.go: mysqlToType, then modifyType (unsigned, then binary, then enum/set).
    private static Query.Type MySqlToType(byte type, ushort flags)
    {
        var result = type switch
        {
            0 or 246 => Query.Type.Decimal,
            1 => Query.Type.Int8,
            2 => Query.Type.Int16,
            3 => Query.Type.Int32,
            4 => Query.Type.Float32,
            5 => Query.Type.Float64,
            6 => Query.Type.NullType,
            7 or 17 => Query.Type.Timestamp,
            8 => Query.Type.Int64,
            9 => Query.Type.Int24,
            10 => Query.Type.Date,
            11 or 19 => Query.Type.Time,
            12 or 18 => Query.Type.Datetime,
            13 => Query.Type.Year,
            15 or 253 => Query.Type.Varchar,
            16 => Query.Type.Bit,
            242 => Query.Type.Vector,
            245 => Query.Type.Json,
            247 => Query.Type.Enum,
            248 => Query.Type.Set,
            249 or 250 or 251 or 252 => Query.Type.Text,
            254 => Query.Type.Char,
            255 => Query.Type.Geometry,
            _ => throw new InvalidOperationException($"MySQL type {type} has no Vitess type"),
        };
        if ((flags & 32) != 0) // UNSIGNED_FLAG
        {
            result = result switch
            {
                Query.Type.Int8 => Query.Type.Uint8,
                Query.Type.Int16 => Query.Type.Uint16,
                Query.Type.Int24 => Query.Type.Uint24,
                Query.Type.Int32 => Query.Type.Uint32,
                Query.Type.Int64 => Query.Type.Uint64,
                _ => result,
            };
        }
        if ((flags & 128) != 0) // BINARY_FLAG
        {
            result = result switch
            {
                Query.Type.Char => Query.Type.Binary,
                Query.Type.Varchar => Query.Type.Varbinary,
                Query.Type.Text => Query.Type.Blob,
                _ => result,
            };
        }
        if ((flags & 256) != 0 && result == Query.Type.Char) // ENUM_FLAG
            result = Query.Type.Enum;
        if ((flags & 2048) != 0 && result == Query.Type.Char) // SET_FLAG
            result = Query.Type.Set;
        return result;
    }

    // go/mysql/constants.go IsNum: DECIMAL … INT24 except TIMESTAMP, YEAR and NEWDECIMAL.
    private static bool IsNumeric(byte type) => (type <= 9 && type != 7) || type == 13 || type == 246;

    private static Definition Parse(byte[] packet)
    {
        var offset = 0;
        for (var i = 0; i < 4; i++)
            SkipLengthEncodedString(packet, ref offset); // catalog, schema, table, org_table
        var name = ReadLengthEncodedString(packet, ref offset);
        SkipLengthEncodedString(packet, ref offset); // org_name
        if (packet[offset] != 0x0C)
            throw new InvalidOperationException($"column {name}: expected the 12-byte fixed part, found length {packet[offset]}");
        offset++;
        return new Definition(
            name,
            BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(offset)),
            BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(offset + 2)),
            packet[offset + 6],
            BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(offset + 7)),
            packet[offset + 9]);
    }

    private static ulong ReadLengthEncoded(byte[] packet, ref int offset)
    {
        var first = packet[offset++];
        switch (first)
        {
            case < 0xFB:
                return first;
            case 0xFC:
                offset += 2;
                return BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(offset - 2));
            case 0xFD:
                offset += 3;
                return (ulong)(packet[offset - 3] | (packet[offset - 2] << 8) | (packet[offset - 1] << 16));
            case 0xFE:
                offset += 8;
                return BinaryPrimitives.ReadUInt64LittleEndian(packet.AsSpan(offset - 8));
            default:
                throw new InvalidOperationException($"unexpected length prefix 0x{first:X2}");
        }
    }

    private static string ReadLengthEncodedString(byte[] packet, ref int offset)
    {
        var length = (int)ReadLengthEncoded(packet, ref offset);
        var value = Encoding.UTF8.GetString(packet, offset, length);
        offset += length;
        return value;
    }

    private static void SkipLengthEncodedString(byte[] packet, ref int offset)
    {
        var length = (int)ReadLengthEncoded(packet, ref offset);
        offset += length;
    }
}
