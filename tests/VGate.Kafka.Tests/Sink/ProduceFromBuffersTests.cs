using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Kafka.Events;
using VGate.Kafka.Positions;
using VGate.Kafka.Producing;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// The sink's allocation-free produce path: records handed over from a reused buffer (<see cref="ExactLengthArrays"/>,
/// <see cref="KafkaClients.ProduceAsync(TopicPartition, ReadOnlyMemory{byte}?, ReadOnlyMemory{byte}?, Headers?, CancellationToken)"/>)
/// and the reused position header (<see cref="PositionHeaderWriter"/>), checked against what the broker stored.
/// </summary>
public sealed class ProduceFromBuffersTests(KafkaTestCluster kafka) : IClassFixture<KafkaTestCluster>
{
    [Fact]
    public void ExactLengthArrays_SameLengthReusesTheArray_OtherLengthsGetTheirOwn()
    {
        var arrays = new ExactLengthArrays();

        var first = arrays.Fill("abc"u8);
        Assert.Equal("abc"u8.ToArray(), first);
        var second = arrays.Fill("xyz"u8);
        Assert.Same(first, second);
        Assert.Equal("xyz"u8.ToArray(), second);
        var longer = arrays.Fill("abcd"u8);
        Assert.NotSame(first, longer);
        Assert.Equal("abcd"u8.ToArray(), longer);
        Assert.Equal("xyz"u8.ToArray(), first);
        Assert.Empty(arrays.Fill([]));
        Assert.Equal(2, arrays.Count);
    }

    [Fact]
    public void ExactLengthArrays_HugeArraysAreNotKept_AndTooManyLengthsStartOver()
    {
        var arrays = new ExactLengthArrays();
        var huge = new byte[ExactLengthArrays.MaxCachedLength + 1];
        huge[^1] = 7;

        var a = arrays.Fill(huge);
        var b = arrays.Fill(huge);

        Assert.NotSame(a, b);
        Assert.Equal(huge, b);
        Assert.Equal(0, arrays.Count);
        for (var length = 1; length <= ExactLengthArrays.MaxEntries; length++)
            arrays.Fill(new byte[length]);
        Assert.Equal(ExactLengthArrays.MaxEntries, arrays.Count);
        var kept = arrays.Fill(new byte[1]);
        arrays.Fill(new byte[ExactLengthArrays.MaxEntries + 1]);
        Assert.Equal(1, arrays.Count);
        Assert.NotSame(kept, arrays.Fill(new byte[1]));
    }

    [Fact]
    public async Task ProduceAsync_FromOneReusedBuffer_EachRecordKeepsItsOwnBytes()
    {
        var topic = KafkaTestCluster.NewPrefix() + ".buffers";
        kafka.CreateTopic(topic, 1);
        var options = new KafkaSinkOptions { BootstrapServers = kafka.BootstrapServers, TopicPrefix = "buffers", Transactional = false };
        var buffer = new byte[64];
        var partition = new TopicPartition(topic, 0);
        using (var clients = new KafkaClients(options, NullLoggerFactory.Instance))
        {
            // The same buffer holds every record's key and value and is written over right after each call.
            for (var i = 0; i < 5; i++)
            {
                var key = Encoding.ASCII.GetBytes($"key-{i}", buffer.AsSpan(0, 32));
                var value = Encoding.ASCII.GetBytes($"value-{i}", buffer.AsSpan(32));
                await clients.ProduceAsync(partition, buffer.AsMemory(0, key), buffer.AsMemory(32, value), null, CancellationToken.None);
                buffer.AsSpan().Fill((byte)'#');
            }
            await clients.ProduceAsync(partition, "key-0"u8.ToArray().AsMemory(), (ReadOnlyMemory<byte>?)null, null, CancellationToken.None);
            await clients.ProduceAsync(partition, (ReadOnlyMemory<byte>?)null, "no-key"u8.ToArray().AsMemory(), null, CancellationToken.None);
            await clients.WaitForDeliveriesAsync(CancellationToken.None);
            Assert.Equal(7, clients.TakeDeliveredEnds()[partition]);
        }

        var records = TopicReader.ReadAll(kafka.BootstrapServers, [topic], readCommitted: false);

        Assert.Equal(
            [.. Enumerable.Range(0, 5).Select(i => ((string?)$"key-{i}", (string?)$"value-{i}")), ("key-0", null), (null, "no-key")],
            records.Select(r => (r.KeyText, r.ValueText)));
    }

    [Fact]
    public async Task PositionHeaders_FromTheReusedWriter_ReachTheBrokerIntact()
    {
        var topic = KafkaTestCluster.NewPrefix() + ".headers";
        kafka.CreateTopic(topic, 1);
        var writer = new PositionHeaderWriter("shop");
        RecordPosition[] positions =
        [
            new("ks", "-80", "MariaDB/0-1-5", 0, RecordKind.Change),
            new("ks", "-80", "MariaDB/0-1-5", 1, RecordKind.Tombstone),
            new("ks", "80-", "MariaDB/0-1-6", 70_000, RecordKind.Change),
            new("ks", "80-", "MariaDB/0-1-6", 1, RecordKind.TransactionEnd),
        ];
        var config = new ProducerConfig { BootstrapServers = kafka.BootstrapServers };
        using (var producer = new ProducerBuilder<byte[], byte[]>(config).Build())
        {
            foreach (var (position, i) in positions.Select((p, i) => (p, i)))
            {
                var headers = PositionHeaders.Create(writer, position, copy: i == 2, i == 3 ? [new("__debezium.oldkey", "k"u8.ToArray())] : null);
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[], byte[]> { Key = [1], Value = [2], Headers = headers });
            }
        }

        var records = TopicReader.ReadAll(kafka.BootstrapServers, [topic], readCommitted: false);

        Assert.Equal(positions, records.Select(r => new RecordPosition(
            r.Header(PositionHeaders.Keyspace)!, r.Header(PositionHeaders.Shard)!, r.Header(PositionHeaders.Gtid)!,
            int.Parse(r.Header(PositionHeaders.Index)!, System.Globalization.CultureInfo.InvariantCulture),
            PositionHeaders.TryParseKind(r.Header(PositionHeaders.Kind)!, out var kind) ? kind : (RecordKind)(-1))));
        Assert.All(records, r => Assert.Equal("shop", r.Header(PositionHeaders.Connector)));
        Assert.Equal([null, null, "1", null], records.Select(r => r.Header(PositionHeaders.Copy)));
        Assert.Equal("k", records[3].Header("__debezium.oldkey"));
        Assert.All(records, r => Assert.Single(r.Headers, h => h.Key == PositionHeaders.Position));
    }
}
