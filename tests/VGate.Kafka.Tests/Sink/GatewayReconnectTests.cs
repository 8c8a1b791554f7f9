using System.Globalization;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;
using static VGate.Kafka.Tests.Framework.VEvents;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// What the fault-injection test (docs/security/faults.md) relies on when it kills the gateway: after the gateway has
/// been unreachable for many attempts, the sink is streaming again within a few of its own reconnect attempts once the
/// gateway listens again; nothing in between (such as the gRPC channel's own connection backoff, which Grpc.Net.Client
/// lets grow to 120 s) keeps it away longer than <see cref="KafkaSinkOptions.ReconnectMaxDelayMs"/>.
/// </summary>
public sealed class GatewayReconnectTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task Run_GatewayDownForSecondsThenBack_ConnectsWithinAFewOfItsOwnAttempts()
    {
        var port = FreePort.GetAvailableTcpPort();
        var prefix = KafkaTestCluster.NewPrefix();
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        var options = new KafkaSinkOptions
        {
            Gateway = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"),
            Keyspace = Keyspace,
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            Transactional = false,
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            ReconnectMaxDelayMs = 200,
            KafkaTimeoutMs = 20_000,
        };

        await using var run = SinkRun.Start(options, _log);
        // Nothing listens yet: let the sink fail long enough (50 attempts, 200 ms apart at most) for an unbounded
        // channel backoff to have grown to several seconds.
        await Eventually.UntilAsync(() => Task.FromResult(run.Sink.Statistics.Reconnects), n => n >= 50, TimeSpan.FromMinutes(2));

        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        await using var host = await GatewayHost.StartAsync(gateway, new Dictionary<string, string?>
        {
            ["VGate:Server:Listen"] = options.Gateway,
            ["VGate:Keyspaces:0:Name"] = Keyspace,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = "mysql://u:p@127.0.0.1:3306",
        });
        var failedBefore = run.Sink.Statistics.Reconnects;
        await run.WaitForCheckpointAsync(c => c.Vgtid.ShardGtids.Any(s => s.Gtid == "MariaDB/0-1-1"));

        // Attempts are at most 200 ms apart: a channel in a backoff of seconds would fail many of them at once.
        var failedAfter = run.Sink.Statistics.Reconnects - failedBefore;
        Assert.True(failedAfter <= 5, $"{failedAfter} reconnect attempts failed after the gateway was listening");
    }
}
