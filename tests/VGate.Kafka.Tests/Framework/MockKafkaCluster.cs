using System.Runtime.InteropServices;
using System.Text;

namespace VGate.Kafka.Tests.Framework;

/// <summary>
/// librdkafka's built-in mock Kafka cluster, started in this process through its C API. Its brokers listen on
/// 127.0.0.1 (random ports), so other processes (the sink as a child process, kcat) can use it too; it lives until
/// disposed. It supports produce/fetch, idempotence, headers, groups and the transactional API calls, but does not
/// hide aborted records or fence producers (reference §1.4), and keeps at most 100,000 messages per partition.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private IntPtr _handle;
    private IntPtr _cluster;

    private MockKafkaCluster(IntPtr handle, IntPtr cluster, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated <c>127.0.0.1:port</c> of the brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers (ids 1..n).</summary>
    public int BrokerCount { get; private init; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers with no group rebalance delay.</summary>
    public static MockKafkaCluster Start(int brokers = 3)
    {
        LibRdKafka.EnsureLoaded();
        var error = new byte[512];
        var conf = LibRdKafka.ConfNew();
        // The hosting handle never talks to a broker; keep its own logging quiet.
        if (LibRdKafka.ConfSet(conf, "log_level", "0", error, (UIntPtr)error.Length) != 0)
            throw new InvalidOperationException("rd_kafka_conf_set failed: " + Text(error));
        var handle = LibRdKafka.New(0, conf, error, (UIntPtr)error.Length);
        if (handle == IntPtr.Zero)
            throw new InvalidOperationException("rd_kafka_new failed: " + Text(error));
        var cluster = LibRdKafka.MockClusterNew(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            LibRdKafka.Destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }
        // The default 3 s initial rebalance delay makes every consumer group join slow.
        LibRdKafka.MockGroupInitialRebalanceDelayMs(cluster, 0);
        var bootstrap = Marshal.PtrToStringUTF8(LibRdKafka.MockClusterBootstraps(cluster)) ?? throw new InvalidOperationException("no bootstrap servers");
        return new MockKafkaCluster(handle, cluster, bootstrap) { BrokerCount = brokers };
    }

    /// <summary>Creates a topic (replication factor 1).</summary>
    public void CreateTopic(string topic, int partitions)
    {
        var result = LibRdKafka.MockTopicCreate(Cluster, topic, partitions, 1);
        if (result != 0)
            throw new InvalidOperationException($"rd_kafka_mock_topic_create({topic}) failed with error {result}.");
    }

    /// <summary>Takes every broker down (connections refused) or brings them back.</summary>
    public void SetAllBrokers(bool up)
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            var result = up ? LibRdKafka.MockBrokerSetUp(Cluster, id) : LibRdKafka.MockBrokerSetDown(Cluster, id);
            if (result != 0)
                throw new InvalidOperationException($"setting broker {id} {(up ? "up" : "down")} failed with error {result}.");
        }
    }

    public void Dispose()
    {
        // Order matters: librdkafka asserts that mock clusters are destroyed before their rd_kafka_t.
        if (_cluster != IntPtr.Zero)
        {
            LibRdKafka.MockClusterDestroy(_cluster);
            _cluster = IntPtr.Zero;
        }
        if (_handle != IntPtr.Zero)
        {
            LibRdKafka.Destroy(_handle);
            _handle = IntPtr.Zero;
        }
    }

    private IntPtr Cluster => _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(MockKafkaCluster));

    private static string Text(byte[] buffer)
    {
        var length = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length);
    }
}
