using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Kafka.Events;
using VGate.Kafka.Positions;
using VGate.Kafka.Recovery;

namespace VGate.Kafka.Tests.Sink;

/// <summary>The matching and pruning rules of the read-back index (see <see cref="DedupeIndex"/>).</summary>
public sealed class DedupeIndexTests
{
    private static readonly TopicPartition P0 = new("shop.ks.t", 0);
    private static readonly TopicPartition P1 = new("shop.ks.t", 1);

    private static RecordIdentity Change(string gtid, int index, string shard = "-80") =>
        RecordIdentity.Of(new RecordPosition("ks", shard, gtid, index, RecordKind.Change), copy: false, "shop.ks.t", [1])!.Value;

    private static RecordIdentity CopyRow(int id, string gtid = "MariaDB/0-1-5") =>
        RecordIdentity.Of(new RecordPosition("ks", "-80", gtid, 0, RecordKind.Change), copy: true, "shop.ks.t", [(byte)id])!.Value;

    [Fact]
    public void TryMatch_PresentRecord_MatchesOnceThenNotAgain()
    {
        var index = new DedupeIndex(NullLogger.Instance);
        index.Add(Change("g1", 0), P0, 10, "ks/-80", copy: false);

        Assert.True(index.TryMatch(Change("g1", 0)));
        Assert.False(index.TryMatch(Change("g1", 0)));
        Assert.False(index.TryMatch(Change("g1", 1)));
        Assert.Equal(0, index.Count);
        Assert.Equal(1, index.Matched);
    }

    [Fact]
    public void TryMatch_LaterRecordOfSameShardAndPartition_PrunesEarlierUnmatched()
    {
        var index = new DedupeIndex(NullLogger.Instance);
        index.Add(Change("g1", 0), P0, 10, "ks/-80", copy: false);
        index.Add(Change("g2", 0, shard: "80-"), P0, 11, "ks/80-", copy: false);
        index.Add(Change("g3", 0), P0, 12, "ks/-80", copy: false);

        Assert.True(index.TryMatch(Change("g3", 0)));

        // g1 (same shard, earlier offset) can never come again; g2 is another shard's and stays.
        Assert.Equal(1, index.Pruned);
        Assert.False(index.TryMatch(Change("g1", 0)));
        Assert.True(index.TryMatch(Change("g2", 0, shard: "80-")));
    }

    [Fact]
    public void OnWritten_NewStreamingRecordOfShard_PrunesThatShardsLeftoversInThePartitionOnly()
    {
        var index = new DedupeIndex(NullLogger.Instance);
        index.Add(Change("g1", 0), P0, 10, "ks/-80", copy: false);
        index.Add(Change("g1", 1), P1, 4, "ks/-80", copy: false);

        index.OnWritten(P0, "ks/-80", copy: false);

        Assert.Equal(1, index.Count);
        Assert.True(index.TryMatch(Change("g1", 1)));
    }

    [Fact]
    public void CopyRows_MatchByKeyRegardlessOfGtid_AndGoAtCopyCompleted()
    {
        var index = new DedupeIndex(NullLogger.Instance);
        index.Add(CopyRow(1), P0, 0, "ks/-80", copy: true);
        index.Add(CopyRow(2), P0, 1, "ks/-80", copy: true);
        index.Add(CopyRow(3), P0, 2, "ks/-80", copy: true);

        // A resumed copy re-reads row 1 from a new snapshot (another GTID): still the same row.
        Assert.True(index.TryMatch(CopyRow(1, gtid: "MariaDB/0-1-9")));
        // A new row written by the copy does not prune the copy rows that may still come.
        index.OnWritten(P0, "ks/-80", copy: true);
        Assert.Equal(2, index.Count);
        index.OnCopyCompleted("ks/-80");
        Assert.Equal(0, index.Count);
        Assert.Equal(2, index.Pruned);
    }

    [Fact]
    public void Heartbeat_HasNoIdentity() =>
        Assert.Null(RecordIdentity.Of(new RecordPosition("", "", "", 0, RecordKind.Heartbeat), false, "t", null));

    [Fact]
    public void PositionHeaders_CreateRead_RoundTrip()
    {
        var position = new RecordPosition("ks", "-80", "MariaDB/0-1-5", 3, RecordKind.Tombstone);

        var headers = PositionHeaders.Create(new PositionHeaderWriter("shop"), position, copy: true);
        var read = PositionHeaders.Read(headers);

        Assert.Equal(("shop", position, true), read);
        Assert.Equal(
            "{\"connector\":\"shop\",\"keyspace\":\"ks\",\"shard\":\"-80\",\"gtid\":\"MariaDB/0-1-5\",\"index\":3,\"kind\":\"tombstone\",\"copy\":true}",
            System.Text.Encoding.UTF8.GetString(Assert.Single(headers).GetValueBytes()));
        Assert.Null(PositionHeaders.Read([]));
        Assert.Null(PositionHeaders.Read(new Headers { { PositionHeaders.Connector, "x"u8.ToArray() } }));
        Assert.Null(PositionHeaders.Read(new Headers { { PositionHeaders.Position, "{\"connector\":\"x\"}"u8.ToArray() } }));
        Assert.Null(PositionHeaders.Read(new Headers { { PositionHeaders.Position, "not json"u8.ToArray() } }));
    }

    [Fact]
    public void PositionHeaders_Escaped_RoundTrip()
    {
        var writer = new PositionHeaderWriter("a\"b\\c");
        var position = new RecordPosition("k\u00e9s", "\t", "MySQL56/x:1-5,y:7", 70_000, RecordKind.Change);

        Assert.Equal(("a\"b\\c", position, false), PositionHeaders.Read(PositionHeaders.Create(writer, position, copy: false)));
        // The transaction's part is cached: the next record of another shard must not reuse it.
        var other = position with { Shard = "80-", Index = 0 };
        Assert.Equal(("a\"b\\c", other, false), PositionHeaders.Read(PositionHeaders.Create(writer, other, copy: false)));
    }

    [Fact]
    public void PositionHeaders_EarlierFormat_StillRead()
    {
        var headers = new Headers
        {
            { PositionHeaders.Connector, "shop"u8.ToArray() },
            { PositionHeaders.Keyspace, "ks"u8.ToArray() },
            { PositionHeaders.Shard, "-80"u8.ToArray() },
            { PositionHeaders.Gtid, "MariaDB/0-1-5"u8.ToArray() },
            { PositionHeaders.Index, "3"u8.ToArray() },
            { PositionHeaders.Kind, "change"u8.ToArray() },
            { PositionHeaders.Copy, "1"u8.ToArray() },
        };

        Assert.Equal(("shop", new RecordPosition("ks", "-80", "MariaDB/0-1-5", 3, RecordKind.Change), true), PositionHeaders.Read(headers));
    }
}
