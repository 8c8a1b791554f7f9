using System.IO.Pipelines;
using VGate.MySql.Protocol;

namespace VGate.MySql.Tests.Protocol;

public sealed class PacketChannelTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static byte[] Frame(byte sequenceId, params byte[] payload) =>
        [(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), sequenceId, .. payload];

    [Fact]
    public async Task ReadPacketAsync_ConsecutivePackets_ReturnsPayloadsInOrder()
    {
        await using var channel = new PacketChannel(new MemoryStream([.. Frame(0, 1, 2, 3), .. Frame(1), .. Frame(2, 9)]));

        Assert.Equal(new byte[] { 1, 2, 3 }, (await channel.ReadPacketAsync(Timeout())).ToArray());
        Assert.Equal(0, (await channel.ReadPacketAsync(Timeout())).Length);
        Assert.Equal(new byte[] { 9 }, (await channel.ReadPacketAsync(Timeout())).ToArray());
        Assert.Equal(3, channel.SequenceId);
    }

    [Fact]
    public async Task ReadPacketAsync_OutOfOrderSequence_ThrowsBinlogFormatException()
    {
        await using var channel = new PacketChannel(new MemoryStream([.. Frame(0, 1), .. Frame(2, 2)]));
        await channel.ReadPacketAsync(Timeout());

        var ex = await Assert.ThrowsAsync<BinlogFormatException>(() => channel.ReadPacketAsync(Timeout()).AsTask());
        Assert.Contains("expected sequence id 1, got 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadPacketAsync_SequenceWrapsAfter255()
    {
        var bytes = Enumerable.Range(0, 300).SelectMany(i => Frame((byte)i, (byte)i)).ToArray();
        await using var channel = new PacketChannel(new MemoryStream(bytes));

        for (var i = 0; i < 300; i++)
            Assert.Equal((byte)i, (await channel.ReadPacketAsync(Timeout())).Span[0]);
    }

    [Fact]
    public async Task ReadPacketAsync_TruncatedPacket_ThrowsEndOfStream()
    {
        await using var channel = new PacketChannel(new MemoryStream(Frame(0, 1, 2, 3, 4)[..6]));
        var ex = await Assert.ThrowsAsync<EndOfStreamException>(() => channel.ReadPacketAsync(Timeout()).AsTask());
        Assert.Contains("middle of a packet", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadPacketAsync_PayloadArrivingInPieces_IsReassembled()
    {
        // Bytes trickle through a pipe one small write at a time, so the packet spans several reads.
        var pipe = new Pipe();
        await using var channel = new PacketChannel(new DuplexPipeStream(pipe.Reader));
        var payload = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var framed = Frame(0, payload);

        var read = channel.ReadPacketAsync(Timeout()).AsTask();
        for (var offset = 0; offset < framed.Length; offset += 1000)
        {
            await pipe.Writer.WriteAsync(framed.AsMemory(offset, Math.Min(1000, framed.Length - offset)));
        }

        Assert.Equal(payload, (await read).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(PacketChannel.MaxPacketPayload - 1)]
    [InlineData(PacketChannel.MaxPacketPayload)]
    [InlineData(PacketChannel.MaxPacketPayload + 1)]
    [InlineData(PacketChannel.MaxPacketPayload * 2)]
    public async Task WritePacketAsync_ThenReadPacketAsync_RoundTrips(int size)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        var stream = new MemoryStream();
        await using (var writer = new PacketChannel(stream))
            await writer.WritePacketAsync(payload, Timeout());

        var bytes = stream.ToArray();
        var expectedPackets = (size / PacketChannel.MaxPacketPayload) + 1;
        Assert.Equal(size + (4 * expectedPackets), bytes.Length);

        await using var reader = new PacketChannel(new MemoryStream(bytes));
        var read = await reader.ReadPacketAsync(Timeout());
        Assert.True(read.Span.SequenceEqual(payload));
        Assert.Equal((byte)expectedPackets, reader.SequenceId);
    }

    [Fact]
    public async Task WritePacketAsync_ExactMaxPayload_EndsWithEmptyPacket()
    {
        var stream = new MemoryStream();
        await using (var channel = new PacketChannel(stream))
            await channel.WritePacketAsync(new byte[PacketChannel.MaxPacketPayload], Timeout());

        var bytes = stream.ToArray();
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0 }, bytes[..4]);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, bytes[^4..]);
    }

    [Fact]
    public async Task ResetSequence_StartsWritesAtZero()
    {
        var stream = new MemoryStream();
        await using var channel = new PacketChannel(stream);
        await channel.WritePacketAsync(new byte[] { 1 }, Timeout());
        await channel.WritePacketAsync(new byte[] { 2 }, Timeout());
        channel.ResetSequence();
        await channel.WritePacketAsync(new byte[] { 3 }, Timeout());

        byte[] expected = [.. Frame(0, 1), .. Frame(1, 2), .. Frame(0, 3)];
        Assert.Equal(expected, stream.ToArray());
    }

    /// <summary>A read-only stream over a <see cref="PipeReader"/>, to feed bytes to the channel in pieces.</summary>
    private sealed class DuplexPipeStream(PipeReader reader) : Stream
    {
        private readonly Stream _inner = reader.AsStream();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
