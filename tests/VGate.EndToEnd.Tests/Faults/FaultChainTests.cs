using VGate.Testing;
using VGate.Testing.Faults;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 14 §6: "nothing lost, nothing repeated whatever fails", with real processes. A small schedule of
/// <see cref="FaultChainRun"/> (at least 8,000 transactions over 2 shards and 12 SIGKILLs of the gateway, a shard's
/// mariadbd and the Kafka sink): the resuming gRPC client and the read_committed Kafka consumer must each hold every
/// committed change exactly once, and replaying either must give SELECT. A failure names the seed; rerun it with
/// <c>VGATE_FAULT_SEED</c> (other <c>VGATE_FAULT_*</c> variables: <see cref="FaultChainOptions.FromEnvironment"/>;
/// bench/soak.sh runs it long).
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class FaultChainTests(ITestOutputHelper output)
{
    [ServerFact]
    public async Task KillNine_GatewayShardAndSink_EveryChangeExactlyOnceAndReplayEqualsSelect()
    {
        var options = FaultChainOptions.FromEnvironment();
        var soak = options.Duration > TimeSpan.Zero;
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(15) + options.Duration * 2);
        var result = await new FaultChainRun(options, Log).RunAsync(deadline.Token);

        Assert.True(result.FaultCount >= options.MinFaults, $"only {result.FaultCount} faults");
        Assert.All(Enum.GetValues<FaultKind>(), kind => Assert.True(result.Faults[kind] > 0, $"no {kind} fault"));
        Assert.True(result.Problems.Count == 0, $"seed {result.Seed}: " + string.Join("\n", result.Problems));
        Assert.True(result.Client.ExactlyOnce, $"seed {result.Seed}: gRPC client: {result.Client}");
        Assert.True(result.Kafka.ExactlyOnce, $"seed {result.Seed}: Kafka: {result.Kafka}");
        Assert.True(result.ClientReplicaMatches && result.KafkaReplicaMatches, $"seed {result.Seed}: a replay differs from SELECT");
        Assert.True(result.Transactions >= options.MinTransactions, $"only {result.Transactions} transactions");
        if (!soak)
            Assert.True(result.Client.Expected > result.Transactions, "the workload made fewer changes than transactions");

        void Log(string line)
        {
            output.WriteLine(line);
            if (soak)
                Console.WriteLine(line);
        }
    }
}
