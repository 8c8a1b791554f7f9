namespace VGate.Gateway.Logging;

/// <summary>Event ids of VGate.Gateway logs: 3000–3099 streams, 3100–3199 shard streams, 3200–3299 fan-out hubs, 3300–3399 source health.</summary>
internal static class EventIds
{
    public const int StreamStarted = 3000;
    public const int StreamEnded = 3001;
    public const int StreamFailed = 3002;
    public const int ChunkingIgnoredWithMinimizeSkew = 3004;
    public const int OversizeEventSkipped = 3005;

    public const int ShardOpened = 3100;
    public const int ShardRetrying = 3101;
    public const int ShardGivingUp = 3102;

    public const int HubStarted = 3200;
    public const int HubClosed = 3201;
    public const int HubFailed = 3202;
    public const int SubscribersDetached = 3203;

    public const int SourceUnhealthy = 3300;
    public const int SourceHealthy = 3301;
    public const int SourceLagging = 3302;
    public const int SourceLeaving = 3303;
    public const int SourceTransportInsecure = 3304;
}
