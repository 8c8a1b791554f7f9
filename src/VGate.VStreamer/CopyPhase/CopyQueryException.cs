using System.Buffers.Binary;
using System.Text;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// The copy query failed: the server sent ERR (<see cref="ErrorCode"/> is its code), or the reply could not be read.
/// Turned into a <see cref="VStreamException"/> at the edge of the copy phase.
/// </summary>
internal sealed class CopyQueryException : Exception
{
    private CopyQueryException(int errorCode, string message)
        : base(message) => ErrorCode = errorCode;

    /// <summary>The server's error code; 0 when the reply itself was malformed.</summary>
    public int ErrorCode { get; }

    /// <summary>An ERR packet: <c>0xFF, code (2), '#', SQLSTATE (5), message</c>.</summary>
    public static CopyQueryException FromErrorPacket(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 3)
            return Malformed("short ERR packet");
        var code = BinaryPrimitives.ReadUInt16LittleEndian(packet[1..]);
        var rest = packet[3..];
        var state = "HY000";
        if (rest.Length >= 6 && rest[0] == (byte)'#')
        {
            state = Encoding.ASCII.GetString(rest.Slice(1, 5));
            rest = rest[6..];
        }
        return new CopyQueryException(code, $"server error {code} ({state}): {Encoding.UTF8.GetString(rest)}");
    }

    public static CopyQueryException Malformed(string message) => new(0, "unreadable copy result: " + message);
}
