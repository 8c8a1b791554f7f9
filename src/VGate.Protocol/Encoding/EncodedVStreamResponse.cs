using System.Buffers;
using Binlogdata;
using Google.Protobuf;
using Grpc.Core;
using Vtgate;

namespace VGate.Protocol.Encoding;

/// <summary>
/// A <see cref="VStreamResponse"/> kept as the encodings of its events. On the wire a VStreamResponse is nothing but its
/// events, each as field 1 (tag <c>0x0A</c>, length, VEvent bytes), so a response assembled from already encoded events is
/// byte for byte what the generated serializer would write, without building or walking any message objects. The server
/// sends these through <see cref="Marshaller"/>; clients compiled from Vitess's protos read them as ordinary
/// VStreamResponses.
/// </summary>
public sealed class EncodedVStreamResponse
{
    /// <summary>Field number of <c>VStreamResponse.events</c> (length-delimited).</summary>
    private const int EventsField = 1;

    private readonly List<byte[]> _events;

    /// <summary>Creates an empty response.</summary>
    public EncodedVStreamResponse() => _events = [];

    /// <summary>Creates an empty response with room for <paramref name="capacity"/> events.</summary>
    public EncodedVStreamResponse(int capacity) => _events = new List<byte[]>(capacity);

    private EncodedVStreamResponse(List<byte[]> events, int length)
    {
        _events = events;
        Length = length;
    }

    /// <summary>The gRPC marshaller of VStream responses (the serializer writes the stored bytes; the parser splits events).</summary>
    public static Marshaller<EncodedVStreamResponse> Marshaller { get; } = new(Serialize, Deserialize);

    /// <summary>The encoded events, in order (shared buffers: never change them).</summary>
    public IReadOnlyList<byte[]> Events => _events;

    /// <summary>The number of events.</summary>
    public int Count => _events.Count;

    /// <summary>The serialized size of the response.</summary>
    public int Length { get; private set; }

    /// <summary>The serialized size an event of <paramref name="encodedLength"/> bytes adds to a response (tag, length, bytes).</summary>
    public static int FramedLength(int encodedLength) => WireWriter.LengthDelimitedSize(encodedLength);

    /// <summary>Encodes a whole response message (for responses built as objects, such as a gateway heartbeat).</summary>
    public static EncodedVStreamResponse From(VStreamResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var encoded = new EncodedVStreamResponse();
        foreach (var vevent in response.Events)
            encoded.Add(vevent.ToByteArray());
        return encoded;
    }

    /// <summary>Appends an encoded VEvent (for example <see cref="VEvent.GetEncoded"/>).</summary>
    public void Add(byte[] encodedEvent)
    {
        ArgumentNullException.ThrowIfNull(encodedEvent);
        _events.Add(encodedEvent);
        Length += FramedLength(encodedEvent.Length);
    }

    /// <summary>Appends every event of <paramref name="other"/> (two responses sent as one).</summary>
    public void AddRange(EncodedVStreamResponse other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _events.AddRange(other._events);
        Length += other.Length;
    }

    /// <summary>Writes the response's wire form.</summary>
    /// <remarks>
    /// Fills each span the writer gives with as many events as fit before advancing: on the server the writer is a
    /// Kestrel pipe, whose GetSpan/Advance take a lock, and a response of many small events would otherwise pay it twice
    /// per event.
    /// </remarks>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = Span<byte>.Empty;
        var written = 0;
        foreach (var encodedEvent in _events)
        {
            var framed = FramedLength(encodedEvent.Length);
            if (framed > span.Length - written)
            {
                if (written > 0)
                    output.Advance(written);
                span = output.GetSpan(framed);
                written = 0;
            }
            var writer = new WireWriter(span.Slice(written, framed));
            writer.WriteTag(EventsField, 2);
            writer.WriteLength(encodedEvent.Length);
            writer.WriteRaw(encodedEvent);
            written += framed;
        }
        if (written > 0)
            output.Advance(written);
    }

    /// <summary>The response's wire form as one array.</summary>
    public byte[] ToByteArray()
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(1, Length));
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes the response into the generated message (tests and in-process callers that want objects).</summary>
    public VStreamResponse ToMessage() => VStreamResponse.Parser.ParseFrom(ToByteArray());

    /// <summary>Splits a serialized VStreamResponse into its encoded events; fields other than <c>events</c> are skipped.</summary>
    public static EncodedVStreamResponse Parse(ReadOnlySequence<byte> payload)
    {
        var events = new List<byte[]>();
        var length = 0;
        var reader = new SequenceReader<byte>(payload);
        while (!reader.End)
        {
            var tag = ReadVarint(ref reader);
            var wireType = (int)(tag & 7);
            if (tag >> 3 == 1 && wireType == 2)
            {
                var size = checked((int)ReadVarint(ref reader));
                var bytes = new byte[size];
                if (!reader.TryCopyTo(bytes))
                    throw new InvalidDataException("VStreamResponse: an event is cut short");
                reader.Advance(size);
                events.Add(bytes);
                length += FramedLength(size);
                continue;
            }
            SkipField(ref reader, wireType);
        }
        return new EncodedVStreamResponse(events, length);
    }

    private static void Serialize(EncodedVStreamResponse response, SerializationContext context)
    {
        context.SetPayloadLength(response.Length);
        response.WriteTo(context.GetBufferWriter());
        context.Complete();
    }

    private static EncodedVStreamResponse Deserialize(DeserializationContext context) => Parse(context.PayloadAsReadOnlySequence());

    private static ulong ReadVarint(ref SequenceReader<byte> reader)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (!reader.TryRead(out var b))
                throw new InvalidDataException("VStreamResponse: a varint is cut short");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("VStreamResponse: a varint is longer than 10 bytes");
    }

    private static void SkipField(ref SequenceReader<byte> reader, int wireType)
    {
        long skip = wireType switch
        {
            0 => 0,
            1 => 8,
            2 => checked((long)ReadVarint(ref reader)),
            5 => 4,
            _ => throw new InvalidDataException($"VStreamResponse: unsupported wire type {wireType}"),
        };
        if (wireType == 0)
        {
            ReadVarint(ref reader);
            return;
        }
        if (reader.Remaining < skip)
            throw new InvalidDataException("VStreamResponse: a field is cut short");
        reader.Advance(skip);
    }
}
