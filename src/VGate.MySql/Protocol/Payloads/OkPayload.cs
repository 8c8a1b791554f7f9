namespace VGate.MySql.Protocol.Payloads;

/// <summary>
/// An OK packet (or, with CLIENT_DEPRECATE_EOF, the 0xFE-headed OK that ends a result set).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html and
/// https://mariadb.com/kb/en/ok_packet/
/// </summary>
/// <remarks>VGate does not request CLIENT_SESSION_TRACK, so the rest of the packet is a plain info string.</remarks>
internal sealed class OkPayload
{
    /// <summary>The header byte of an OK packet.</summary>
    public const byte Signature = 0x00;

    /// <summary>The header byte of an OK packet that ends a result set when CLIENT_DEPRECATE_EOF is on.</summary>
    public const byte EofSignature = 0xFE;

    private OkPayload(ulong affectedRows, ulong lastInsertId, ServerStatus status, int warningCount, string info)
    {
        AffectedRows = affectedRows;
        LastInsertId = lastInsertId;
        Status = status;
        WarningCount = warningCount;
        Info = info;
    }

    public ulong AffectedRows { get; }

    public ulong LastInsertId { get; }

    public ServerStatus Status { get; }

    public int WarningCount { get; }

    /// <summary>Human-readable information from the server, often empty.</summary>
    public string Info { get; }

    /// <summary>Whether <paramref name="payload"/> is an OK packet (0x00), or an 0xFE-headed OK when <paramref name="deprecateEof"/>.</summary>
    public static bool IsOk(ReadOnlySpan<byte> payload, bool deprecateEof) =>
        (payload.Length >= 7 && payload[0] == Signature) ||
        (deprecateEof && payload.Length is >= 7 and < 0xFF_FFFF && payload[0] == EofSignature);

    public static OkPayload Create(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        var header = reader.ReadByte();
        if (header is not (Signature or EofSignature))
            throw BinlogFormatException.Create($"Expected an OK packet (0x00 or 0xFE) but got header 0x{header:X2}", 0);
        var affectedRows = reader.ReadLengthEncodedInteger();
        var lastInsertId = reader.ReadLengthEncodedInteger();
        var status = (ServerStatus)reader.ReadUInt16();
        var warnings = reader.ReadUInt16();
        var info = reader.Remaining > 0 ? reader.ReadString(reader.Remaining) : "";
        return new OkPayload(affectedRows, lastInsertId, status, warnings, info);
    }
}
