using System.Text;
using Confluent.Kafka;
using VGate.Kafka.Checkpoints;
using VGate.Kafka.Positions;
using VGate.Kafka.Tests.Framework;

namespace VGate.Kafka.Tests.Sink;

public sealed class CheckpointCodecTests
{
    [Fact]
    public void Key_IsKafkaConnectSourceOffsetKey()
    {
        Assert.Equal("[\"shop-cdc\",{\"server\":\"shop\"}]", Encoding.UTF8.GetString(CheckpointCodec.Key("shop-cdc", "shop")));
    }

    [Fact]
    public void EncodeDecode_RoundTripsVgtidWithCopyStateAndOffsets()
    {
        var vgtid = VEvents.Position("MariaDB/0-1-5", "-80", copyingTable: "orders");
        vgtid.ShardGtids.Add(new Binlogdata.ShardGtid { Keyspace = "ks", Shard = "80-", Gtid = "current" });
        var offsets = new Dictionary<TopicPartition, long> { [new("shop.ks.t", 0)] = 12, [new("shop.ks.t", 2)] = 0, [new("shop.ks.u", 1)] = 7 };
        var checkpoint = new Checkpoint(vgtid, offsets, 42, 1_764_000_000_000);

        var encoded = CheckpointCodec.Encode(checkpoint);
        var decoded = CheckpointCodec.Decode(encoded);

        Assert.Equal(vgtid, decoded.Vgtid);
        Assert.Equal(offsets, decoded.EndOffsets);
        Assert.Equal((42, 1_764_000_000_000), (decoded.Sequence, decoded.TimestampMs));
        var text = Encoding.UTF8.GetString(encoded);
        Assert.StartsWith("{\"vgtid\":\"[{\\u0022keyspace\\u0022:\\u0022ks\\u0022", text, StringComparison.Ordinal);
        Assert.Contains("\"offsets\":{\"shop.ks.t\":{\"0\":12,\"2\":0},\"shop.ks.u\":{\"1\":7}}", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "a checkpoint is a JSON object")]
    [InlineData("{\"offsets\":{}}", "no \"vgtid\" string")]
    [InlineData("{\"vgtid\":\"[]\"}", "The VGTID names no shard")]
    [InlineData("{\"vgtid\":\"[{\\\"keyspace\\\":\\\"ks\\\",\\\"shard\\\":\\\"0\\\",\\\"gtid\\\":\\\"current\\\"}]\",\"offsets\":{\"t\":{\"x\":1}}}", "bad offset entry t/x")]
    [InlineData("{\"vgtid\":\"[{\\\"keyspace\\\":\\\"ks\\\",\\\"shard\\\":\\\"0\\\",\\\"gtid\\\":\\\"current\\\"}]\",\"offsets\":{\"t\":{\"0\":-5}}}", "bad offset entry t/0")]
    public void Decode_Invalid_FormatExceptionSaysWhy(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CheckpointCodec.Decode(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VGtidJson_FormatParse_RoundTripsDebeziumShape()
    {
        const string text = """[{"keyspace":"commerce","shard":"80-","gtid":"MariaDB/0-54610504-47","table_p_ks":[]},{"keyspace":"commerce","shard":"-80","gtid":"MySQL56/4cd2a7c4-1:1-45","table_p_ks":[]}]""";

        var parsed = VGtidJson.Parse(text);

        Assert.Equal(text, VGtidJson.Format(parsed));
        Assert.Equal("MySQL56/4cd2a7c4-1:1-45", parsed.ShardGtids[1].Gtid);
        Assert.Throws<FormatException>(() => VGtidJson.Parse("current"));
        Assert.Throws<FormatException>(() => VGtidJson.Parse("[{\"shard\":\"0\"}]"));
    }
}
