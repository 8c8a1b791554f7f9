namespace VGate.Kafka.Tests.Framework;

/// <summary>
/// A fact that needs a real Kafka broker (transaction semantics the mock cluster does not emulate: aborted records
/// hidden from read_committed consumers, fencing of zombie producers). Skipped with the reason unless
/// <c>VGATE_TEST_KAFKA</c> is set.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RealKafkaFactAttribute : FactAttribute
{
    public RealKafkaFactAttribute()
    {
        if (KafkaTestCluster.RealBootstrapServers is null)
        {
            Skip = $"{KafkaTestCluster.RealBrokerVariable} is not set: this check needs a real Kafka broker (librdkafka's mock cluster " +
                "neither hides aborted records from read_committed consumers nor fences producers).";
        }
    }
}
