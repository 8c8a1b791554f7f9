namespace VGate.Gateway.Topology;

/// <summary>A shard: its name (a key range such as <c>-80</c>, or <c>0</c> for an unsharded keyspace) and its sources.</summary>
public sealed class ShardOptions
{
    /// <summary>Shard name = key range in Vitess notation (<c>-80</c>, <c>80-</c>, <c>40-80</c>, <c>0</c>, <c>-</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Servers holding this shard; at least one.</summary>
    public List<SourceOptions> Sources { get; set; } = [];
}
