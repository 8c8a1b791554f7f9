using Grpc.Core;

namespace VGate.Kafka.Gateway;

/// <summary>
/// Which VStream failures are worth reconnecting for. Like Debezium's Vitess connector, the sink retries transport
/// and availability errors; errors that repeat identically on every attempt (a bad position, a bad request, missing
/// rights, purged binlogs) stop the sink with the gateway's message instead of looping.
/// </summary>
internal static class GatewayErrors
{
    public static bool IsRetriable(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode switch
        {
            StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.PermissionDenied
                or StatusCode.Unauthenticated or StatusCode.Unimplemented or StatusCode.OutOfRange or StatusCode.FailedPrecondition => false,
            // The gateway ends a stream with INTERNAL when the binlog holds something it must not pass over (an INCIDENT,
            // an unknown or unreadable event: src/VGate.VStreamer/Streaming/UnreadableEvents.cs); reconnecting reads
            // the same event again, so the sink stops with that message instead of looping on it.
            StatusCode.Internal when IsUnreadableBinlog(rpc.Status.Detail) => false,
            _ => true,
        },
        HttpRequestException or IOException => true,
        _ => false,
    };

    /// <summary>True for the gateway's errors about binlog data it cannot deliver (they name it and say the stream stops).</summary>
    internal static bool IsUnreadableBinlog(string? detail) =>
        detail is not null
        && (detail.Contains("unreadable binlog data", StringComparison.OrdinalIgnoreCase) || detail.Contains("the stream stops", StringComparison.OrdinalIgnoreCase));

    public static string Describe(Exception exception) => exception switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => exception.Message,
    };
}
