namespace VGate.Gateway.Topology;

/// <summary>
/// The gateway's topology and stream settings, bound from the <c>VGate</c> configuration section (appsettings JSON,
/// environment variables such as <c>VGate__Keyspaces__0__Name</c>, command line). Check it with
/// <see cref="TopologyValidator.Validate"/>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "VGate";

    /// <summary>The keyspaces served.</summary>
    public List<KeyspaceOptions> Keyspaces { get; set; } = [];

    /// <summary>Largest VStreamResponse sent, in bytes; kept under the 4 MiB default limit of gRPC clients. Default 3 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Consecutive failures of one shard's stream before the whole VStream fails with UNAVAILABLE. Default 3.</summary>
    public int MaxConsecutiveShardFailures { get; set; } = 3;

    /// <summary>Pause before a failed shard stream is reopened. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many responses may wait between the shard streams and the client. Default 16.</summary>
    public int ResponseQueueCapacity { get; set; } = 16;
}
