using Grpc.Core;
using VGate.Kafka.Gateway;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// Which gateway errors the sink reconnects on. An INTERNAL that reports binlog data the gateway will not pass over
/// (texts of src/VGate.VStreamer/Streaming/UnreadableEvents.cs and SourceErrors.cs) comes back on every reconnect, so
/// the sink must stop on it; other INTERNAL errors (HTTP/2 resets, transport trouble) stay retriable.
/// </summary>
public sealed class GatewayErrorsTests
{
    [Theory]
    [InlineData("ks/0: the source's binlog has an INCIDENT event (LOST_EVENTS) at mariadb-bin.000002:1234 after position 'MariaDB/0-1-5': the source reports that changes may be missing from its binlog, so the stream stops here rather than pass over them.")]
    [InlineData("ks/-80: unknown binlog event type 201 (40 bytes, not marked ignorable) after position 'MariaDB/0-1-9': it may carry changes VGate cannot read, so the stream stops rather than skip it.")]
    [InlineData("ks/0: unreadable binlog data in mariadb-bin.000001 after position 'MariaDB/0-1-3': event length 19 is shorter than its header. The stream stops rather than skip the event.")]
    [InlineData("ks/0: unreadable binlog data: a Query event ends before its status variables")]
    public void IsRetriable_InternalAboutUnreadableBinlog_No(string detail) =>
        Assert.False(GatewayErrors.IsRetriable(new RpcException(new Status(StatusCode.Internal, detail))));

    [Theory]
    [InlineData(StatusCode.Internal, "Error starting gRPC call. HttpRequestException: An error occurred while sending the request.")]
    [InlineData(StatusCode.Internal, "Request protocol error: stream reset (INTERNAL_ERROR)")]
    [InlineData(StatusCode.Unavailable, "ks/0: giving up after 3 consecutive failures")]
    public void IsRetriable_TransportOrSourceTrouble_Yes(StatusCode code, string detail) =>
        Assert.True(GatewayErrors.IsRetriable(new RpcException(new Status(code, detail))));

    [Fact]
    public void IsRetriable_PermissionDenied_No() =>
        Assert.False(GatewayErrors.IsRetriable(new RpcException(new Status(StatusCode.PermissionDenied, "user u may not read ks.t"))));
}
