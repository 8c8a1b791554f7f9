using Binlogdata;
using Grpc.Core;
using Vtgate;
using VGate.Server.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.Server.Tests;

/// <summary>VGate:Limits as the server enforces them: running streams in total and per user, and the request size.</summary>
public sealed class StreamLimitsTests : IDisposable
{
    private readonly string _usersFile = Path.Combine(Path.GetTempPath(), $"vgate-users-{Guid.NewGuid():N}.json");

    public StreamLimitsTests() =>
        File.WriteAllText(_usersFile, """[{"Username": "a", "Password": "pa"}, {"Username": "b", "Password": "pb"}]""");

    public void Dispose() => File.Delete(_usersFile);

    private static VStreamRequest Request() => new()
    {
        TabletType = Topodata.TabletType.Primary,
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "commerce", Shard = "0", Gtid = "current" } } },
    };

    private static async Task<TestServerHost> StartAsync(Dictionary<string, string?> settings)
    {
        var host = await TestServerHost.StartAsync(settings);
        // Every call gets one response (so the test knows it was admitted) and then stays open until cancelled.
        host.Gateway.Responses.Add(new VStreamResponse { Events = { new VEvent { Type = VEventType.Other } } });
        host.Gateway.ThenWaitForCancellation = true;
        return host;
    }

    private static async Task<AsyncServerStreamingCall<VStreamResponse>> OpenAsync(TestServerHost host, Metadata? headers, CancellationToken cancellationToken)
    {
        var call = host.Client.VStream(Request(), headers, cancellationToken: cancellationToken);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call;
    }

    [Fact]
    public async Task VStream_OverMaxStreams_ResourceExhaustedNamingSetting_AdmittedAgainAfterOneEnds()
    {
        await using var host = await StartAsync(new() { ["VGate:Limits:MaxStreams"] = "2" });
        using var firstCancel = new CancellationTokenSource();
        using var first = await OpenAsync(host, null, firstCancel.Token);
        using var second = await OpenAsync(host, null, CancellationToken.None);

        using var third = host.Client.VStream(Request());
        var error = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("VGate:Limits:MaxStreams", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("limit is 2", error.Status.Detail, StringComparison.Ordinal);

        await firstCancel.CancelAsync();
        await Eventually.AssertAsync(async () =>
        {
            using var again = host.Client.VStream(Request());
            Assert.True(await again.ResponseStream.MoveNext());
        }, TestDeadline.Default);
    }

    [Fact]
    public async Task VStream_OverMaxStreamsPerUser_OtherUserStillAdmitted()
    {
        await using var host = await StartAsync(new()
        {
            ["VGate:Server:UsersFile"] = _usersFile,
            ["VGate:Limits:MaxStreamsPerUser"] = "1",
        });
        var userA = new Metadata { { "username", "a" }, { "password", "pa" } };
        var userB = new Metadata { { "username", "b" }, { "password", "pb" } };
        using var first = await OpenAsync(host, userA, CancellationToken.None);

        using var secondOfA = host.Client.VStream(Request(), userA);
        var error = await Assert.ThrowsAsync<RpcException>(() => secondOfA.ResponseStream.MoveNext());
        using var firstOfB = await OpenAsync(host, userB, CancellationToken.None);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("user \"a\"", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("VGate:Limits:MaxStreamsPerUser", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VStream_RequestOverMaxRequestBytes_ResourceExhaustedBeforeTheGateway()
    {
        await using var host = await StartAsync(new() { ["VGate:Limits:MaxRequestBytes"] = "4096" });
        var request = Request();
        request.Filter = new Filter();
        for (var i = 0; i < 200; i++)
            request.Filter.Rules.Add(new Rule { Match = $"table_with_a_long_name_{i}", Filter = $"select * from table_with_a_long_name_{i}" });
        Assert.True(request.CalculateSize() > 4096);

        using var call = host.Client.VStream(request);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Null(host.Gateway.LastRequest);
    }

    [Theory]
    [InlineData("ipv4:127.0.0.1:5000", "127.0.0.1")]
    [InlineData("ipv6:[::1]:5000", "::1")]
    [InlineData("unix:/tmp/s", "unix:/tmp/s")]
    public void HostOf_Peer_AddressWithoutPort(string peer, string expected) =>
        Assert.Equal(expected, Services.StreamAdmission.HostOf(peer));
}
