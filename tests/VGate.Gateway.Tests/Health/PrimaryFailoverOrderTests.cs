using VGate.Gateway.Streams;
using VGate.Gateway.Topology;

namespace VGate.Gateway.Tests.Health;

/// <summary>
/// <see cref="GatewayOptions.PrimaryFailoverToReplicas"/> in <see cref="ShardStreamerFactory.OrderSources"/>: a PRIMARY
/// stream uses its primary while it has not failed, then the shard's other sources, then the failed primary; REPLICA and
/// RDONLY streams never move to the primary; excluded sources stay out.
/// </summary>
public sealed class PrimaryFailoverOrderTests
{
    private static readonly ShardOptions Shard = new()
    {
        Name = "0",
        Sources =
        [
            Source("r1", SourceRole.Replica),
            Source("p", SourceRole.Primary),
            Source("ro", SourceRole.Rdonly),
            Source("r2", SourceRole.Replica),
        ],
    };

    [Fact]
    public void OrderSources_PrimaryNotFailed_PrimaryFirstThenTheOthersInConfigurationOrder() =>
        Assert.Equal(["p", "r1", "ro", "r2"], Order(SourceRole.Primary, failed: [], excluded: [], failover: true));

    [Fact]
    public void OrderSources_PrimaryFailed_OtherSourcesFirstAndThePrimaryLast() =>
        Assert.Equal(["r1", "ro", "r2", "p"], Order(SourceRole.Primary, failed: ["p"], excluded: [], failover: true));

    [Fact]
    public void OrderSources_PrimaryAndAReplicaFailed_TheOtherRoleStillAheadAmongTheFailed() =>
        Assert.Equal(["ro", "r2", "p", "r1"], Order(SourceRole.Primary, failed: ["p", "r1"], excluded: [], failover: true));

    [Fact]
    public void OrderSources_ReplicaExcluded_NeverPicked() =>
        Assert.Equal(["r1", "ro", "p"], Order(SourceRole.Primary, failed: ["p"], excluded: ["r2"], failover: true));

    [Fact]
    public void OrderSources_FailoverOff_OnlyThePrimary() =>
        Assert.Equal(["p"], Order(SourceRole.Primary, failed: ["p"], excluded: [], failover: false));

    [Fact]
    public void OrderSources_ReplicaStream_NeverThePrimary() =>
        Assert.Equal(["r2", "r1"], Order(SourceRole.Replica, failed: ["r1"], excluded: [], failover: true));

    [Fact]
    public void Default_IsOn() => Assert.True(new GatewayOptions().PrimaryFailoverToReplicas);

    private static List<string> Order(SourceRole role, string[] failed, string[] excluded, bool failover)
    {
        var request = new ShardStreamRequest
        {
            Keyspace = "uks",
            Shard = "0",
            Position = "current",
            Role = role,
            FailedSources = new HashSet<string>(failed),
            ExcludedSources = new HashSet<string>(excluded),
        };
        return [.. ShardStreamerFactory.OrderSources("uks", Shard, request, health: null, failover).Select(TopologyValidator.SourceName)];
    }

    private static SourceOptions Source(string name, SourceRole role) => new() { Uri = "mysql://u:p@127.0.0.1:3306", Name = name, Role = role };
}
