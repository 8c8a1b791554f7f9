namespace VGate.Kafka.Producing;

/// <summary>
/// Chooses a record's partition the way Kafka's Java clients do for keyed records (murmur2 of the key bytes, sign bit
/// cleared, modulo the partition count), which is librdkafka's <c>murmur2</c> partitioner too. The sink picks
/// partitions itself so it always knows, before producing, which partitions a crash could leave records in.
/// Records without a key go to partition 0, as Debezium's heartbeats do.
/// </summary>
public static class KafkaPartitioner
{
    /// <summary>The partition for <paramref name="key"/> among <paramref name="partitionCount"/> partitions.</summary>
    public static int Partition(ReadOnlySpan<byte> key, int partitionCount, bool keyIsNull = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        if (keyIsNull)
            return 0;
        return (Murmur2(key) & 0x7fffffff) % partitionCount;
    }

    /// <summary>Kafka's murmur2 (seed 0x9747b28c), as in <c>org.apache.kafka.common.utils.Utils.murmur2</c>.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var length = data.Length;
        var h = 0x9747b28cu ^ (uint)length;
        var blocks = length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = (uint)(data[i * 4] | (data[(i * 4) + 1] << 8) | (data[(i * 4) + 2] << 16) | (data[(i * 4) + 3] << 24));
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        var tail = blocks * 4;
        switch (length % 4)
        {
            case 3:
                h ^= (uint)data[tail + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[tail + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[tail];
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return unchecked((int)h);
    }
}
