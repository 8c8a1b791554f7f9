using Binlogdata;
using VGate.Gateway.Topology;
using Vtgate;

namespace VGate.Gateway.Tests.Fakes;

internal static class TestTopology
{
    /// <summary>
    /// ks (sharded: -80, 80-), uks (unsharded: 0), other (unsharded: 0). The fan-out hub is off unless asked for: these
    /// scripts test the merging session, whose opens the hub would otherwise share and reorder.
    /// </summary>
    public static GatewayOptions Create(bool fanOut = false) => new()
    {
        RetryDelay = TimeSpan.Zero,
        FanOut = new VGate.Gateway.Hub.FanOutOptions { Enabled = fanOut },
        Health = new VGate.Gateway.Health.SourceHealthOptions { Enabled = false },
        Keyspaces =
        [
            Keyspace("ks", sharded: true, "-80", "80-"),
            Keyspace("uks", sharded: false, "0"),
            Keyspace("other", sharded: false, "0"),
        ],
    };

    public static KeyspaceOptions Keyspace(string name, bool sharded, params string[] shards) => new()
    {
        Name = name,
        Sharded = sharded,
        Shards = [.. shards.Select(s => new ShardOptions
        {
            Name = s,
            Sources = [new SourceOptions { Uri = "mysql://u:p@127.0.0.1:3306", Name = $"{name}-{s}-a" }],
        })],
    };

    public static VStreamRequest Request(params (string Keyspace, string Shard, string Gtid)[] shards)
    {
        var vgtid = new VGtid();
        foreach (var (keyspace, shard, gtid) in shards)
            vgtid.ShardGtids.Add(new ShardGtid { Keyspace = keyspace, Shard = shard, Gtid = gtid });
        return new VStreamRequest { Vgtid = vgtid };
    }
}
