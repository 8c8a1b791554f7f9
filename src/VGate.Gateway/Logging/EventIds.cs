namespace VGate.Gateway.Logging;

/// <summary>Event ids of VGate.Gateway logs: 3000–3099 streams, 3100–3199 shard streams.</summary>
internal static class EventIds
{
    public const int StreamStarted = 3000;
    public const int StreamEnded = 3001;
    public const int StreamFailed = 3002;
    public const int MinimizeSkewNotHonoured = 3003;
    public const int ChunkingIgnoredWithMinimizeSkew = 3004;

    public const int ShardOpened = 3100;
    public const int ShardRetrying = 3101;
    public const int ShardGivingUp = 3102;
}
