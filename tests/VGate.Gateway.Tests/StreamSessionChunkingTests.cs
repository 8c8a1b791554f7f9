using Binlogdata;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.VStreamer;
using Vtgate;
using Vtrpc;

namespace VGate.Gateway.Tests;

/// <summary>
/// Large transactions over fake shards: bounded memory by default (<see cref="GatewayOptions.TransactionBufferBytes"/>), the
/// send turn held from the first piece to the COMMIT, and never a re-sent transaction inside a stream.
/// </summary>
public sealed class StreamSessionChunkingTests
{
    private readonly FakeShardStreamFactory _shards = new();
    private readonly GatewayOptions _options = TestTopology.Create();

    private static VStreamRequest TwoShards() => TestTopology.Request(("ks", "-80", "current"), ("ks", "80-", "current"));

    [Fact]
    public async Task Stream_ShardFailsAfterAPieceWentOut_EndsUnavailableAndNeverResends()
    {
        _shards.Shard("ks", "-80")
            .Batch(Ev.Transaction("t", "before", "MariaDB/0-1-1"))
            .Batch(Ev.Begin(), Ev.Row("t", "a1", 200))
            .Gate(out var breakSource)
            .Fail(VStreamException.Unavailable("ks/-80: connection lost"))
            .ThenReopen()
            .Batch(Ev.Begin(), Ev.Row("t", "a1", 200), Ev.Row("t", "a2"), Ev.Gtid("MariaDB/0-1-2"), Ev.Commit());
        var request = TwoShards();
        request.Flags = new VStreamFlags { TransactionChunkSize = 100 };
        await using var stream = new ResponseReader(new VStreamGateway(_options, _shards), request);

        // The first piece is out (the client has it) before the source breaks.
        await stream.ReadUntilAsync(VEventType.Row, 2);
        breakSource.SetResult();
        var error = Assert.IsType<VStreamException>(await stream.ReadUntilErrorAsync());

        Assert.Equal(Code.Unavailable, error.Code);
        Assert.Contains("ks/-80", error.Message, StringComparison.Ordinal);
        Assert.Contains("middle of a transaction", error.Message, StringComparison.Ordinal);
        Assert.Contains("resume from the last VGTID", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection lost", error.Message, StringComparison.Ordinal);
        // The piece once, and nothing after it: no second BEGIN, no re-sent rows, no VGTID past the transaction before.
        Assert.Equal(
        [
            "ks/-80 begin", "ks/-80 row ks.t before", "ks/-80 vgtid ks/-80=MariaDB/0-1-1,ks/80-=current", "ks/-80 commit",
            "ks/-80 begin", "ks/-80 row ks.t a1",
        ], stream.Formatted);
        // The shard was not reopened inside the stream.
        Assert.Single(_shards.OpensOf("ks", "-80"));
    }

    [Fact]
    public async Task Stream_ShardFailsBeforeAnyPieceWentOut_RetriesAndSendsTheTransactionOnce()
    {
        _shards.Shard("ks", "-80")
            .Batch(Ev.Begin(), Ev.Row("t", "a1"))
            .Fail(VStreamException.Unavailable("ks/-80: connection lost"))
            .ThenReopen()
            .Batch(Ev.Begin(), Ev.Row("t", "a1"), Ev.Gtid("MariaDB/0-1-2"), Ev.Commit());
        var request = TwoShards();
        request.Flags = new VStreamFlags { TransactionChunkSize = 100_000 };
        await using var stream = new ResponseReader(new VStreamGateway(_options, _shards), request);

        await stream.ReadUntilAsync(VEventType.Commit, 1);

        Assert.Equal(["ks/-80 begin", "ks/-80 row ks.t a1", "ks/-80 vgtid ks/-80=MariaDB/0-1-2,ks/80-=current", "ks/-80 commit"], stream.Formatted);
        Assert.Equal(2, _shards.OpensOf("ks", "-80").Count());
    }

    [Fact]
    public async Task Stream_TransactionMuchLargerThanTheBuffer_SentInPiecesWithinTheBoundOnceInOrderContiguous()
    {
        // 2,000 rows of 1,000 bytes (2 MB) against a 64 KiB buffer, while the other shard commits 50 small transactions.
        const int rows = 2000;
        const int others = 50;
        _options.TransactionBufferBytes = TopologyValidator.MinimumTransactionBufferBytes;
        var a = _shards.Shard("ks", "-80").Batch(Ev.Begin());
        for (var i = 0; i < rows; i += 16)
            a.Batch([.. Enumerable.Range(i, Math.Min(16, rows - i)).Select(r => Ev.Row("t", $"a{r}", 1000))]);
        a.Batch(Ev.Gtid("MariaDB/0-1-1"), Ev.Commit());
        var b = _shards.Shard("ks", "80-");
        for (var i = 1; i <= others; i++)
            b.Batch(Ev.Transaction("t", $"b{i}", $"MariaDB/0-2-{i}"));
        await using var gateway = new VStreamGateway(_options, _shards);
        await using var stream = new ResponseReader(gateway, TwoShards());

        await stream.ReadUntilAsync(VEventType.Commit, 1 + others);

        var events = stream.Formatted;
        var begin = events.IndexOf("ks/-80 begin");
        var commit = events.IndexOf("ks/-80 commit");
        Assert.True(begin >= 0 && commit > begin);
        var inside = events[(begin + 1)..commit];
        // Contiguous: nothing of the other shard inside; exactly once and in order.
        Assert.DoesNotContain(inside, e => e.StartsWith("ks/80-", StringComparison.Ordinal));
        var expected = Enumerable.Range(0, rows).Select(r => $"ks/-80 row ks.t a{r}");
        Assert.Equal([.. expected, "ks/-80 vgtid ks/-80=MariaDB/0-1-1,ks/80-=" + LastOtherGtidBefore(events, begin)], inside);
        Assert.Equal(Enumerable.Range(1, others).Select(i => $"ks/80- row ks.t b{i}"), events.Where(e => e.StartsWith("ks/80- row", StringComparison.Ordinal)));
        // Bounded: the shard never held more than the buffer (the transaction is 30 times that).
        Assert.InRange(gateway.Statistics.PeakQueuedBytes, TopologyValidator.MinimumTransactionBufferBytes / 2, TopologyValidator.MinimumTransactionBufferBytes);
    }

    [Fact]
    public async Task Stream_LargeTransactionWithMinimizeSkew_SentInPiecesAndOtherShardsFollow()
    {
        _options.TransactionBufferBytes = TopologyValidator.MinimumTransactionBufferBytes;
        var a = _shards.Shard("ks", "-80").Batch(Ev.Begin());
        for (var i = 0; i < 200; i++)
            a.Batch(Ev.Row("t", $"a{i}", 1000));
        a.Batch(Ev.Gtid("MariaDB/0-1-1"), Ev.Commit());
        _shards.Shard("ks", "80-").Batch(Ev.Transaction("t", "b1", "MariaDB/0-2-1")).Batch(Ev.Transaction("t", "b2", "MariaDB/0-2-2"));
        var request = TwoShards();
        request.Flags = new VStreamFlags { MinimizeSkew = true };
        await using var gateway = new VStreamGateway(_options, _shards);
        await using var stream = new ResponseReader(gateway, request);

        await stream.ReadUntilAsync(VEventType.Commit, 3);

        var events = stream.Formatted;
        var begin = events.IndexOf("ks/-80 begin");
        var commit = events.IndexOf("ks/-80 commit");
        Assert.Equal(200, events[begin..commit].Count(e => e.StartsWith("ks/-80 row", StringComparison.Ordinal)));
        Assert.DoesNotContain(events[begin..commit], e => e.StartsWith("ks/80-", StringComparison.Ordinal));
        Assert.InRange(gateway.Statistics.PeakQueuedBytes, 1, TopologyValidator.MinimumTransactionBufferBytes);
    }

    /// <summary>The other shard's position in the VGTID at <paramref name="index"/>: its last GTID sent before.</summary>
    private static string LastOtherGtidBefore(List<string> events, int index)
    {
        var last = events.Take(index).LastOrDefault(e => e.StartsWith("ks/80- vgtid", StringComparison.Ordinal));
        return last is null ? "current" : last[(last.LastIndexOf('=') + 1)..];
    }
}
