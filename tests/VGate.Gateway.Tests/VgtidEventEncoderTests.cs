using Binlogdata;
using Google.Protobuf;
using Query;

namespace VGate.Gateway.Tests;

/// <summary>
/// The VGTID events a stream sends after every transaction must be byte for byte what the generated serializer writes for
/// the same VEvent, whatever the shards' positions did in between (moved, unchanged, copy-phase table_p_ks added and
/// removed), because clients compiled from Vitess's protos parse them.
/// </summary>
public sealed class VgtidEventEncoderTests
{
    private static byte[] Expected(VGtid vgtid, string keyspace, string shard) =>
        new VEvent { Type = VEventType.Vgtid, Vgtid = vgtid, Keyspace = keyspace, Shard = shard }.ToByteArray();

    [Fact]
    public void Encode_RandomPositionChanges_EqualsGeneratedSerializationEveryTime()
    {
        var random = new Random(20261206);
        var vgtid = new VGtid
        {
            ShardGtids =
            {
                new ShardGtid { Keyspace = "customer", Shard = "-80", Gtid = "MariaDB/0-1-1" },
                new ShardGtid { Keyspace = "customer", Shard = "80-", Gtid = "current" },
                new ShardGtid { Keyspace = "kundenstämme", Shard = "0", Gtid = "" },
            },
        };
        var encoder = new VgtidEventEncoder(vgtid);

        for (var step = 0; step < 2000; step++)
        {
            var index = random.Next(vgtid.ShardGtids.Count);
            var entry = vgtid.ShardGtids[index];
            switch (random.Next(5))
            {
                case 0 or 1:
                    // A long GTID set makes the entry's length prefix two bytes now and then. Half the time the move comes
                    // from a GTID event whose shared entry encoding the encoder takes (as a stream on a hub does).
                    var gtidEvent = new VEvent
                    {
                        Type = VEventType.Gtid,
                        Gtid = "MariaDB/" + string.Join(',', Enumerable.Range(0, random.Next(1, 12)).Select(d => $"{d}-{random.Next(1, 9)}-{random.Next(1, 10_000_000)}")),
                    };
                    entry.Gtid = gtidEvent.Gtid;
                    if (random.Next(2) == 0)
                        Assert.Equal(Expected(vgtid, entry.Keyspace, entry.Shard), encoder.EncodeAfterGtid(index, gtidEvent));
                    break;
                case 2:
                    entry.TablePKs.Add(new TableLastPK
                    {
                        TableName = "t" + random.Next(3),
                        Lastpk = new QueryResult { Rows = { new Row { Lengths = { 2 }, Values = ByteString.CopyFromUtf8(random.Next(10, 99).ToString(System.Globalization.CultureInfo.InvariantCulture)) } } },
                    });
                    break;
                case 3 when entry.TablePKs.Count > 0:
                    entry.TablePKs.RemoveAt(0);
                    break;
                default:
                    // Unchanged: the cached encoding is reused.
                    break;
            }
            var (keyspace, shard) = random.Next(10) == 0 ? ("", "") : (entry.Keyspace, entry.Shard);

            Assert.Equal(Expected(vgtid, keyspace, shard), encoder.Encode(keyspace, shard));
        }
    }

    [Fact]
    public void Encode_TwoStreamsMovedByTheSameGtidEvents_ShareEntriesAndTheVgtidEvent()
    {
        var other = new VEvent { Type = VEventType.Gtid, Gtid = "MariaDB/0-2-7" };
        var moved = new VEvent { Type = VEventType.Gtid, Gtid = "MariaDB/0-1-42" };
        var streams = Enumerable.Range(0, 2).Select(_ =>
        {
            var vgtid = new VGtid
            {
                ShardGtids =
                {
                    new ShardGtid { Keyspace = "ks", Shard = "-80", Gtid = "MariaDB/0-1-1" },
                    new ShardGtid { Keyspace = "ks", Shard = "80-", Gtid = "current" },
                },
            };
            return (Vgtid: vgtid, Encoder: new VgtidEventEncoder(vgtid));
        }).ToList();

        var sent = new List<byte[]>();
        foreach (var (vgtid, encoder) in streams)
        {
            vgtid.ShardGtids[1].Gtid = other.Gtid;
            Assert.Equal(Expected(vgtid, "ks", "80-"), encoder.EncodeAfterGtid(1, other));
            vgtid.ShardGtids[0].Gtid = moved.Gtid;
            sent.Add(encoder.EncodeAfterGtid(0, moved));
            Assert.Equal(Expected(vgtid, "ks", "-80"), sent[^1]);
        }
        // Both streams' entries are the GTID events' shared encodings, so the second stream sends the first one's event.
        Assert.Same(sent[0], sent[1]);
        Assert.Same(moved.GetEncodedShardGtid("ks", "-80"), moved.GetEncodedShardGtid("ks", "-80"));
        Assert.Equal(new ShardGtid { Keyspace = "ks", Shard = "-80", Gtid = "MariaDB/0-1-42" }.ToByteArray(), moved.GetEncodedShardGtid("ks", "-80"));

        // A stream whose other shard is elsewhere builds its own.
        var (laterVgtid, laterEncoder) = streams[1];
        laterVgtid.ShardGtids[1].Gtid = "MariaDB/0-2-8";
        var own = laterEncoder.EncodeAfterGtid(0, moved);
        Assert.Equal(Expected(laterVgtid, "ks", "-80"), own);
        Assert.NotSame(sent[0], own);
        Assert.Equal(Expected(streams[0].Vgtid, "ks", "-80"), sent[0]);
    }

    [Fact]
    public void Encode_SameGtidTextInANewString_StillEqual()
    {
        var vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "ks", Shard = "0", Gtid = "MariaDB/0-1-5" } } };
        var encoder = new VgtidEventEncoder(vgtid);
        var first = encoder.Encode("ks", "0");

        vgtid.ShardGtids[0].Gtid = new string("MariaDB/0-1-5".AsSpan());
        Assert.Equal(first, encoder.Encode("ks", "0"));
        vgtid.ShardGtids[0].Gtid = "MariaDB/0-1-6";
        Assert.Equal(Expected(vgtid, "ks", "0"), encoder.Encode("ks", "0"));
    }
}
