namespace VGate.MySql.Protocol.Payloads;

/// <summary>
/// An EOF packet (used when CLIENT_DEPRECATE_EOF is off, after column definitions and after the last row).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_eof_packet.html and
/// https://mariadb.com/kb/en/eof_packet/
/// </summary>
internal sealed class EofPayload
{
    /// <summary>The header byte of an EOF packet.</summary>
    public const byte Signature = 0xFE;

    private EofPayload(int warningCount, ServerStatus status)
    {
        WarningCount = warningCount;
        Status = status;
    }

    public int WarningCount { get; }

    public ServerStatus Status { get; }

    /// <summary>
    /// Whether <paramref name="payload"/> is an EOF packet: header 0xFE and shorter than 9 bytes (a longer 0xFE packet is
    /// a row whose first value has an 8-byte length).
    /// </summary>
    public static bool IsEof(ReadOnlySpan<byte> payload) => payload.Length is > 0 and < 9 && payload[0] == Signature;

    public static EofPayload Create(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        var header = reader.ReadByte();
        if (header != Signature || payload.Length >= 9)
            throw BinlogFormatException.Create($"Expected an EOF packet (0xFE, under 9 bytes) but got header 0x{header:X2} and {payload.Length} bytes", 0);
        if (reader.Remaining < 4)
            return new EofPayload(0, ServerStatus.None);
        var warnings = reader.ReadUInt16();
        var status = (ServerStatus)reader.ReadUInt16();
        return new EofPayload(warnings, status);
    }
}
