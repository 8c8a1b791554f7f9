namespace VGate.Kafka.Tests.Framework;

/// <summary>A fact that injects faults through the mock cluster's API; skipped when the suite runs against a real broker.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MockKafkaFactAttribute : FactAttribute
{
    public MockKafkaFactAttribute()
    {
        if (KafkaTestCluster.RealBootstrapServers is not null)
            Skip = $"{KafkaTestCluster.RealBrokerVariable} is set: broker fault injection needs librdkafka's mock cluster.";
    }
}
