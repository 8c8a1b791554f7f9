using Binlogdata;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Vtgate;
using VGate.Server.Errors;
using VGate.Server.Tests.Infrastructure;
using VGate.VStreamer;

namespace VGate.Server.Tests;

public sealed class VitessServiceVStreamTests
{
    private static VStreamRequest Request() => new()
    {
        TabletType = Topodata.TabletType.Primary,
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "commerce", Shard = "0", Gtid = "current" } } },
    };

    private static VStreamResponse Response(params VEventType[] types)
    {
        var response = new VStreamResponse();
        foreach (var type in types)
            response.Events.Add(new VEvent { Type = type, Keyspace = "commerce", Shard = "0" });
        return response;
    }

    [Fact]
    public async Task VStream_ScriptedGateway_StreamsEveryResponseInOrder()
    {
        await using var host = await TestServerHost.StartAsync();
        host.Gateway.Responses.Add(Response(VEventType.Begin, VEventType.Field));
        host.Gateway.Responses.Add(Response(VEventType.Row, VEventType.Vgtid, VEventType.Commit));

        using var call = host.Client.VStream(Request());
        var received = new List<VStreamResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
            received.Add(response);

        Assert.Equal(host.Gateway.Responses, received);
        Assert.Equal("commerce", host.Gateway.LastRequest!.Vgtid.ShardGtids[0].Keyspace);
    }

    public static TheoryData<Vtrpc.Code, StatusCode> Codes => new()
    {
        { Vtrpc.Code.InvalidArgument, StatusCode.InvalidArgument },
        { Vtrpc.Code.FailedPrecondition, StatusCode.FailedPrecondition },
        { Vtrpc.Code.Unavailable, StatusCode.Unavailable },
        { Vtrpc.Code.Internal, StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task VStream_GatewayThrowsVStreamException_EndsWithStatusOfSameCode(Vtrpc.Code code, StatusCode expected)
    {
        await using var host = await TestServerHost.StartAsync();
        host.Gateway.Responses.Add(Response(VEventType.Begin));
        host.Gateway.ThenThrow = code switch
        {
            Vtrpc.Code.InvalidArgument => VStreamException.InvalidArgument("bad filter: nope"),
            Vtrpc.Code.FailedPrecondition => VStreamException.FailedPrecondition("binlogs purged"),
            Vtrpc.Code.Unavailable => VStreamException.Unavailable("source down"),
            _ => VStreamException.Internal("defect"),
        };

        using var call = host.Client.VStream(Request());
        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
                received++;
        });

        Assert.Equal(1, received);
        Assert.Equal(expected, error.StatusCode);
        Assert.Equal(host.Gateway.ThenThrow.Message, error.Status.Detail);
    }

    [Fact]
    public async Task VStream_VeryLongErrorMessage_TruncatedWithVitessMarker()
    {
        await using var host = await TestServerHost.StartAsync();
        host.Gateway.ThenThrow = VStreamException.InvalidArgument("x" + new string('e', 20_000));

        using var call = host.Client.VStream(Request());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.EndsWith(RpcErrors.TruncationMarker, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(7680, error.Status.Detail.Length);
        Assert.StartsWith("xeee", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VStream_ClientCancels_StreamEndsWithoutErrorLogs()
    {
        await using var host = await TestServerHost.StartAsync();
        host.Gateway.Responses.Add(Response(VEventType.Heartbeat));
        host.Gateway.ThenWaitForCancellation = true;

        using var cancellation = new CancellationTokenSource();
        using var call = host.Client.VStream(Request(), cancellationToken: cancellation.Token);
        Assert.True(await call.ResponseStream.MoveNext());
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await host.Gateway.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitForAsync(() => host.Logs.Records.Any(r => r.EventId.Name == "VStreamEnded"));
    }

    [Fact]
    public async Task VStream_UnexpectedException_UnknownStatusAndErrorLog()
    {
        var logs = new LogSink { ExpectedErrors = r => r.EventId.Name == "CallFailedUnexpectedly" };
        await using var host = await TestServerHost.StartAsync(logs: logs);
        host.Gateway.ThenThrow = new InvalidOperationException("boom");

        using var call = host.Client.VStream(Request());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal("boom", error.Status.Detail);
        Assert.Contains(logs.Records, r => r.Level == LogLevel.Error && r.EventId.Name == "CallFailedUnexpectedly");
    }

    [Fact]
    public async Task OtherRpcs_Unimplemented_NameTheMethod()
    {
        await using var host = await TestServerHost.StartAsync();

        var batch = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ExecuteBatchAsync(new ExecuteBatchRequest()));
        var prepare = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.PrepareAsync(new PrepareRequest()));
        var close = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.CloseSessionAsync(new CloseSessionRequest()));
        using var stream = host.Client.StreamExecute(new StreamExecuteRequest());
        var streamError = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext());

        foreach (var (error, name) in new[] { (batch, "ExecuteBatch"), (prepare, "Prepare"), (close, "CloseSession"), (streamError, "StreamExecute") })
        {
            Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
            Assert.Equal($"VGate serves VStream and the Execute subset used by CDC clients; {name} is not supported", error.Status.Detail);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }
}
