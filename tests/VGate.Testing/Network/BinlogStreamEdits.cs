using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace VGate.Testing.Network;

/// <summary>One binlog event seen in a replication stream: its header fields and bytes (checksum included when there is one).</summary>
/// <param name="Bytes">The event (header, body, and the CRC32 when <paramref name="HasChecksum"/>).</param>
/// <param name="HasChecksum">True when the last 4 bytes are the CRC32 of the rest.</param>
public sealed record StreamedEvent(byte[] Bytes, bool HasChecksum)
{
    /// <summary>Size of the v4 event header.</summary>
    public const int HeaderSize = 19;

    /// <summary>The event's timestamp.</summary>
    public uint Timestamp => BinaryPrimitives.ReadUInt32LittleEndian(Bytes);

    /// <summary>The type code (byte 4).</summary>
    public byte Type => Bytes[4];

    /// <summary>The server id of the writer.</summary>
    public uint ServerId => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(5));

    /// <summary>The length the header declares.</summary>
    public uint DeclaredLength => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(9));

    /// <summary>The binlog offset of the next event.</summary>
    public uint NextPosition => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(13));

    /// <summary>Where this event starts in its binlog file.</summary>
    public uint StartPosition => NextPosition - DeclaredLength;

    /// <summary>
    /// Reads the event a replication packet carries (marker 0x00, then an event whose header length matches the packet);
    /// null for any other packet (OK, EOF, result rows of ordinary queries).
    /// </summary>
    public static StreamedEvent? TryRead(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1 + HeaderSize || payload[0] != 0x00)
            return null;
        var bytes = payload[1..];
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[9..]) != (uint)bytes.Length)
            return null;
        var hasChecksum = bytes.Length >= HeaderSize + 4 &&
            Crc32.HashToUInt32(bytes[..^4]) == BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        return new StreamedEvent(bytes.ToArray(), hasChecksum);
    }

    /// <summary>The replication packet payload for <paramref name="eventBytes"/> (marker 0x00 + the event).</summary>
    public static byte[] ToPacket(byte[] eventBytes) => [0x00, .. eventBytes];
}

/// <summary>Binlog events made up for fault tests, in the server's own layout (v4 header, optional CRC32).</summary>
public static class BinlogEventBytes
{
    /// <summary>INCIDENT_EVENT's type code.</summary>
    public const byte IncidentType = 26;

    /// <summary>
    /// An INCIDENT event (type 26): header, the incident number (1 = LOST_EVENTS), a one-byte message length and the
    /// message, then the CRC32 when <paramref name="checksum"/>.
    /// </summary>
    public static byte[] Incident(uint timestamp, uint serverId, uint nextPosition, string message, bool checksum, ushort incident = 1)
    {
        var text = Encoding.UTF8.GetBytes(message);
        if (text.Length > 255)
            throw new ArgumentException("An incident message has at most 255 bytes.", nameof(message));
        var body = new byte[2 + 1 + text.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(body, incident);
        body[2] = (byte)text.Length;
        text.CopyTo(body, 3);
        return Event(timestamp, IncidentType, serverId, nextPosition, flags: 0, body, checksum);
    }

    /// <summary>An event with the given header fields and body; the length field and the CRC32 are computed.</summary>
    public static byte[] Event(uint timestamp, byte type, uint serverId, uint nextPosition, ushort flags, ReadOnlySpan<byte> body, bool checksum)
    {
        var length = StreamedEvent.HeaderSize + body.Length + (checksum ? 4 : 0);
        var bytes = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, timestamp);
        bytes[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), serverId);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(13), nextPosition);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(17), flags);
        body.CopyTo(bytes.AsSpan(StreamedEvent.HeaderSize));
        if (checksum)
            Sign(bytes);
        return bytes;
    }

    /// <summary>
    /// A copy of <paramref name="streamed"/> whose header declares <paramref name="declaredLength"/> bytes (the bytes
    /// themselves unchanged), with the CRC32 recomputed so only the length is wrong.
    /// </summary>
    public static byte[] WithDeclaredLength(StreamedEvent streamed, uint declaredLength)
    {
        ArgumentNullException.ThrowIfNull(streamed);
        var bytes = (byte[])streamed.Bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), declaredLength);
        if (streamed.HasChecksum)
            Sign(bytes);
        return bytes;
    }

    /// <summary>Writes the CRC32 of everything before the last 4 bytes into them.</summary>
    public static void Sign(byte[] eventBytes)
    {
        ArgumentNullException.ThrowIfNull(eventBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(eventBytes.AsSpan(eventBytes.Length - 4), Crc32.HashToUInt32(eventBytes.AsSpan(0, eventBytes.Length - 4)));
    }
}

/// <summary>
/// Edits a live replication stream through a <see cref="TcpFaultProxy"/>: once <see cref="Arm"/>ed, the next binlog event
/// that <c>match</c> accepts is replaced by what <c>edit</c> returns (e.g. an INCIDENT followed by the event, or the event
/// with a wrong length). One edit per arming, on whichever connection sees the event first.
/// </summary>
public sealed class BinlogStreamEditor(Func<StreamedEvent, bool> match, Func<StreamedEvent, IReadOnlyList<byte[]>> edit)
{
    private readonly TaskCompletionSource<StreamedEvent> _edited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    /// <summary>Completes with the original event once the edit was made.</summary>
    public Task<StreamedEvent> Edited => _edited.Task;

    /// <summary>Makes the next matching event be edited.</summary>
    public void Arm() => Volatile.Write(ref _armed, 1);

    /// <summary>The proxy options that apply this editor to every connection.</summary>
    public ProxyOptions ProxyOptions => new() { ToClientRewriter = () => new MySqlPacketRewriter(Rewrite) };

    private List<byte[]>? Rewrite(ReadOnlyMemory<byte> payload)
    {
        if (Volatile.Read(ref _armed) == 0 || StreamedEvent.TryRead(payload.Span) is not { } streamed || !match(streamed))
            return null;
        if (Interlocked.Exchange(ref _armed, 0) == 0)
            return null;
        var replacement = edit(streamed).Select(StreamedEvent.ToPacket).ToList();
        _edited.TrySetResult(streamed);
        return replacement;
    }
}
