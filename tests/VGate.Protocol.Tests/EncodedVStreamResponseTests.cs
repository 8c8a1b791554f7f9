using System.Buffers;
using Binlogdata;
using Google.Protobuf;
using Query;
using VGate.Protocol.Encoding;
using Vtgate;

namespace VGate.Protocol.Tests;

/// <summary>
/// Responses assembled from encoded events must be byte for byte what the generated serializer writes, because clients
/// built from Vitess's protos parse them.
/// </summary>
public class EncodedVStreamResponseTests
{
    [Fact]
    public void AssembledResponse_EqualsGeneratedSerialization()
    {
        var events = SampleEvents();
        var message = new VStreamResponse { Events = { events } };
        var encoded = new EncodedVStreamResponse();
        foreach (var vevent in events)
            encoded.Add(vevent.GetEncoded());

        Assert.Equal(message.ToByteArray(), encoded.ToByteArray());
        Assert.Equal(message.CalculateSize(), encoded.Length);
        Assert.Equal(message, encoded.ToMessage());
    }

    /// <summary>
    /// A writer that hands out small separate buffers (as Kestrel's pipe hands out 4 KiB segments) gets the same bytes:
    /// events are packed into each buffer as long as they fit, and one that does not fit starts the next.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    [InlineData(97)]
    [InlineData(4096)]
    public void WriteTo_WriterWithSmallBuffers_SameBytesAsGeneratedSerialization(int bufferSize)
    {
        var events = SampleEvents();
        var encoded = new EncodedVStreamResponse();
        foreach (var vevent in events.Concat(events).Concat(events))
            encoded.Add(vevent.GetEncoded());
        var writer = new SmallBufferWriter(bufferSize);

        encoded.WriteTo(writer);

        Assert.Equal(new VStreamResponse { Events = { events, events, events } }.ToByteArray(), writer.Written.ToArray());
        Assert.True(writer.Advances <= encoded.Count, $"{writer.Advances} advances for {encoded.Count} events");
    }

    /// <summary>Hands out buffers of <c>max(size, sizeHint)</c> bytes and keeps what was advanced over.</summary>
    private sealed class SmallBufferWriter(int size) : IBufferWriter<byte>
    {
        private byte[] _current = [];

        public List<byte> Written { get; } = [];

        public int Advances { get; private set; }

        public void Advance(int count)
        {
            Assert.InRange(count, 1, _current.Length);
            Written.AddRange(_current.AsSpan(0, count).ToArray());
            _current = [];
            Advances++;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(size, sizeHint)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    [Fact]
    public void LargeEvent_LengthPrefixTakesSeveralBytes()
    {
        var big = new VEvent { Type = VEventType.Row, RowEvent = new RowEvent { TableName = "t" } };
        big.RowEvent.RowChanges.Add(new RowChange { After = new Row { Lengths = { 300_000 }, Values = ByteString.CopyFrom(new byte[300_000]) } });
        var encoded = new EncodedVStreamResponse();
        encoded.Add(big.GetEncoded());

        Assert.Equal(new VStreamResponse { Events = { big } }.ToByteArray(), encoded.ToByteArray());
    }

    [Fact]
    public void Prefixed_EqualsSerializationOfRenamedCopy_AndLeavesEventUnchanged()
    {
        foreach (var vevent in SampleEvents())
        {
            var before = vevent.Clone();
            var renamed = vevent.Clone();
            if (renamed.RowEvent is { } row)
                row.TableName = "ks." + row.TableName;
            if (renamed.FieldEvent is { } field)
                field.TableName = "ks." + field.TableName;

            Assert.Equal(renamed.ToByteArray(), vevent.GetEncoded("ks"));
            Assert.Equal(vevent.ToByteArray(), vevent.GetEncoded());
            Assert.Equal(before, vevent);
        }
    }

    [Fact]
    public void Prefixed_IsCachedPerKeyspace()
    {
        var vevent = SampleEvents().First(e => e.Type == VEventType.Row);

        Assert.Same(vevent.GetEncoded("ks"), vevent.GetEncoded("ks"));
        Assert.Same(vevent.GetEncoded(), vevent.GetEncoded());
        var other = vevent.GetEncoded("other");
        Assert.Equal("other.t1", VEvent.Parser.ParseFrom(other).RowEvent.TableName);
        Assert.Equal("ks.t1", VEvent.Parser.ParseFrom(vevent.GetEncoded("ks")).RowEvent.TableName);
    }

    [Fact]
    public void Parse_SplitsEvents_AndSkipsOtherFields()
    {
        var events = SampleEvents();
        var bytes = new VStreamResponse { Events = { events } }.ToByteArray();
        // An unknown field (number 9, varint) and an unknown length-delimited field (number 10) between the events.
        var withUnknown = bytes.Concat(new byte[] { (9 << 3) | 0, 0x96, 0x01, (10 << 3) | 2, 2, 0xAA, 0xBB }).ToArray();

        var parsed = EncodedVStreamResponse.Parse(new ReadOnlySequence<byte>(withUnknown));

        Assert.Equal(events.Count, parsed.Count);
        Assert.Equal(bytes, parsed.ToByteArray());
    }

    [Fact]
    public void Parse_TruncatedInput_IsAnError()
    {
        var bytes = new VStreamResponse { Events = { SampleEvents() } }.ToByteArray();

        Assert.Throws<InvalidDataException>(() => EncodedVStreamResponse.Parse(new ReadOnlySequence<byte>(bytes.AsMemory(0, bytes.Length - 3))));
    }

    private static List<VEvent> SampleEvents()
    {
        var row = new RowChange
        {
            Before = new Row { Lengths = { 1, -1, 3 }, Values = ByteString.CopyFromUtf8("1abc") },
            After = new Row { Lengths = { 1, 2, 3 }, Values = ByteString.CopyFromUtf8("1xyabc") },
        };
        return
        [
            new VEvent { Type = VEventType.Begin, Timestamp = 1_764_000_000, CurrentTime = 1_764_000_000_123_456_789, Keyspace = "ks", Shard = "-80" },
            new VEvent
            {
                Type = VEventType.Field,
                FieldEvent = new FieldEvent
                {
                    TableName = "t1",
                    Keyspace = "ks",
                    Shard = "-80",
                    Fields = { new Field { Name = "id", Type = Query.Type.Int64, Table = "t1", OrgTable = "t1", Database = "vt_ks", ColumnLength = 20, Charset = 63 } },
                },
            },
            new VEvent { Type = VEventType.Row, RowEvent = new RowEvent { TableName = "t1", Keyspace = "ks", Shard = "-80", RowChanges = { row } } },
            new VEvent { Type = VEventType.Gtid, Gtid = "MariaDB/0-1-42" },
            new VEvent
            {
                Type = VEventType.Vgtid,
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "ks", Shard = "-80", Gtid = "MariaDB/0-1-42" } } },
            },
            new VEvent { Type = VEventType.Ddl, Statement = "alter table t1 add column c int" },
            new VEvent { Type = VEventType.Commit, Timestamp = 1_764_000_000 },
        ];
    }
}
