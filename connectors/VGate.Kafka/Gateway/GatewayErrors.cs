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
            _ => true,
        },
        HttpRequestException or IOException => true,
        _ => false,
    };

    public static string Describe(Exception exception) => exception switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => exception.Message,
    };
}
