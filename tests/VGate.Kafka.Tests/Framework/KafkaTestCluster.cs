using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace VGate.Kafka.Tests.Framework;

/// <summary>
/// The Kafka the tests run against: a real broker when <c>VGATE_TEST_KAFKA</c> holds its bootstrap servers, otherwise
/// librdkafka's mock cluster in this process. Tests stay independent by using their own topic names
/// (<see cref="NewPrefix"/>). Use as a class or collection fixture.
/// </summary>
public sealed class KafkaTestCluster : IDisposable
{
    /// <summary>Environment variable naming a real broker's bootstrap servers.</summary>
    public const string RealBrokerVariable = "VGATE_TEST_KAFKA";

    private readonly MockKafkaCluster? _mock;

    public KafkaTestCluster()
    {
        if (RealBootstrapServers is { } real)
        {
            BootstrapServers = real;
        }
        else
        {
            _mock = MockKafkaCluster.Start();
            BootstrapServers = _mock.BootstrapServers;
        }
    }

    /// <summary>Bootstrap servers of a real broker from <see cref="RealBrokerVariable"/>, or null.</summary>
    public static string? RealBootstrapServers =>
        Environment.GetEnvironmentVariable(RealBrokerVariable) is { Length: > 0 } value ? value : null;

    public string BootstrapServers { get; }

    /// <summary>True on librdkafka's mock cluster (no aborted-record filtering, no fencing, no compaction).</summary>
    public bool IsMock => _mock is not null;

    /// <summary>The mock cluster (for fault injection); null on a real broker.</summary>
    public MockKafkaCluster? Mock => _mock;

    /// <summary>A fresh, unique topic prefix such as <c>t3f2a9c1d</c>.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions (compacted when asked, on real brokers).</summary>
    public void CreateTopic(string topic, int partitions, bool compacted = false)
    {
        if (_mock is not null)
        {
            _mock.CreateTopic(topic, partitions);
            return;
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var specification = new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 };
        if (compacted)
            specification.Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" };
        admin.CreateTopicsAsync([specification]).GetAwaiter().GetResult();
    }

    public void Dispose() => _mock?.Dispose();
}
