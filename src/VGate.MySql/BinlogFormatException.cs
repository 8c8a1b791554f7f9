namespace VGate.MySql;

/// <summary>
/// Bytes that do not follow the MySQL/MariaDB binlog or client/server protocol format.
/// Never retried: the same bytes will fail the same way. The message names the offset and what was expected.
/// </summary>
public sealed class BinlogFormatException : Exception
{
    private BinlogFormatException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Offset within the buffer being parsed where the problem was found, or -1 when unknown.</summary>
    public int Offset { get; private init; } = -1;

    internal static BinlogFormatException CreateForShortBuffer(int offset, int needed, int available) =>
        new($"Unexpected end of data at offset {offset}: needed {needed} byte(s), {available} available.") { Offset = offset };

    internal static BinlogFormatException CreateForPacketOutOfOrder(int expectedSequenceId, int actualSequenceId) =>
        new($"Packet received out of order: expected sequence id {expectedSequenceId}, got {actualSequenceId}.");

    internal static BinlogFormatException Create(string message, int offset = -1, Exception? inner = null) =>
        new(offset >= 0 ? $"{message} (at offset {offset})" : message, inner) { Offset = offset };
}
