using System.Buffers.Binary;

namespace VGate.Testing.Network;

/// <summary>
/// An <see cref="IStreamRewriter"/> for the server-to-client side of a MySQL connection: cuts the bytes into protocol
/// packets (3-byte length, 1-byte sequence number, payload) and hands each payload to a callback that returns the payloads
/// to send in its place (none, itself, itself with others before or after it, or changed bytes). Sequence numbers of
/// everything after an insertion or removal are renumbered so the client sees a well-formed stream.
/// </summary>
/// <remarks>
/// Meant for the replication phase, where the server sends and the client only reads (a renumbering would otherwise
/// desynchronize the next command's sequence). Payloads of 16 MiB - 1 bytes or more (split packets) are passed through
/// unchanged, piece by piece.
/// </remarks>
public sealed class MySqlPacketRewriter(Func<ReadOnlyMemory<byte>, IReadOnlyList<byte[]>?> rewrite) : IStreamRewriter
{
    private const int HeaderSize = 4;
    private const int MaxPayload = 0xFFFFFF;

    private readonly List<byte> _pending = [];
    private readonly List<byte> _output = [];
    private int _sequenceShift;

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Rewrite(ReadOnlyMemory<byte> received)
    {
        _pending.AddRange(received.Span);
        _output.Clear();
        var buffer = _pending.ToArray();
        var offset = 0;
        while (buffer.Length - offset >= HeaderSize)
        {
            var length = buffer[offset] | (buffer[offset + 1] << 8) | (buffer[offset + 2] << 16);
            if (buffer.Length - offset - HeaderSize < length)
                break;
            var sequence = buffer[offset + 3];
            var payload = buffer.AsMemory(offset + HeaderSize, length);
            offset += HeaderSize + length;
            var replacement = length == MaxPayload ? null : rewrite(payload);
            if (replacement is null)
            {
                Write(payload.Span, sequence);
                continue;
            }
            // The first replacement takes the original's number; each one more (or one fewer) shifts the rest.
            for (var i = 0; i < replacement.Count; i++)
                Write(replacement[i], (byte)(sequence + i));
            _sequenceShift += replacement.Count - 1;
        }
        _pending.RemoveRange(0, offset);
        return _output.ToArray();
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Flush()
    {
        var rest = _pending.ToArray();
        _pending.Clear();
        return rest;
    }

    private void Write(ReadOnlySpan<byte> payload, byte sequence)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        header[3] = (byte)(sequence + _sequenceShift);
        _output.AddRange(header);
        _output.AddRange(payload);
    }
}
