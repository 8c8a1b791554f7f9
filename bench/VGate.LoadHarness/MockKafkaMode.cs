/// <summary>
/// A librdkafka mock cluster (3 brokers) in a process of its own, for benchmarks that measure the Kafka sink as a separate
/// process (bench/large-transaction.sh): creates the given topics, prints <c>BOOTSTRAP host:port,…</c> and runs until its
/// standard input closes. The mock keeps at most 5 MB per partition, so its memory stays small however much is written.
/// </summary>
internal static class MockKafkaMode
{
    public static async Task<int> RunAsync(string[] topics)
    {
        using var cluster = KafkaMode.MockCluster.Start();
        foreach (var topic in topics)
            cluster.CreateTopic(topic);
        Console.WriteLine("BOOTSTRAP " + cluster.BootstrapServers);
        await Console.Out.FlushAsync();
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
