namespace VGate.Gateway.Topology;

/// <summary>The role of a source server of a shard; VStream's <c>tablet_type</c> picks one.</summary>
public enum SourceRole
{
    /// <summary>The shard's primary (Vitess PRIMARY/MASTER).</summary>
    Primary,

    /// <summary>A replica (Vitess REPLICA).</summary>
    Replica,

    /// <summary>A batch/analytics replica (Vitess RDONLY/BATCH).</summary>
    Rdonly,
}
