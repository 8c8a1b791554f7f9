using System.Text;
using Confluent.Kafka;
using VGate.Kafka.Producing;
using VGate.Kafka.Tests.Framework;

namespace VGate.Kafka.Tests.Sink;

public sealed class KafkaPartitionerTests(KafkaTestCluster kafka) : IClassFixture<KafkaTestCluster>
{
    // The test vectors of Kafka's own UtilsTest.testMurmur2.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2_KafkaTestVectors(string input, int expected) =>
        Assert.Equal(expected, KafkaPartitioner.Murmur2(Encoding.ASCII.GetBytes(input)));

    [Fact]
    public void Partition_NullKey_IsZero() => Assert.Equal(0, KafkaPartitioner.Partition([], 7, keyIsNull: true));

    [Fact]
    public void Partition_SameAsLibrdkafkaMurmur2Partitioner()
    {
        var topic = KafkaTestCluster.NewPrefix() + ".murmur";
        kafka.CreateTopic(topic, 7);
        var config = new ProducerConfig { BootstrapServers = kafka.BootstrapServers, Partitioner = Partitioner.Murmur2 };
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        var keys = Enumerable.Range(0, 200).Select(i => Encoding.UTF8.GetBytes($"{{\"payload\":{{\"id\":{i * 7919}}}}}")).ToList();

        var chosen = keys.Select(key => producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = key, Value = [1] }).GetAwaiter().GetResult().Partition.Value).ToList();

        Assert.Equal(chosen, keys.Select(key => KafkaPartitioner.Partition(key, 7)));
        Assert.True(chosen.Distinct().Count() > 3);
    }
}
