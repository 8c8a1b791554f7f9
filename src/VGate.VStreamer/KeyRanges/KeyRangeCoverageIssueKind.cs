namespace VGate.VStreamer.KeyRanges;

/// <summary>What is wrong with a set of shard key ranges that should tile the keyspace.</summary>
public enum KeyRangeCoverageIssueKind
{
    /// <summary>Some keyspace ids belong to no shard.</summary>
    Gap,

    /// <summary>Some keyspace ids belong to two shards.</summary>
    Overlap,
}
