using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// VGate:Limits:MaxBinlogConnectionsPerShard against a real source: streams with one filter share one Binlog Dump thread,
/// every distinct filter takes one more, and a stream that would go over the limit gets RESOURCE_EXHAUSTED naming the
/// shard and the setting, while the source keeps exactly the limit's number of dump threads.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class BinlogConnectionLimitTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(3);

    [ServerFact]
    public Task VStream_DistinctFiltersOverTheLimit_ResourceExhaustedAndSameFilterStillShares() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            var settings = cluster.GatewaySettings();
            settings["VGate:Limits:MaxBinlogConnectionsPerShard"] = "2";
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            var server = cluster.Shards[0].Server;
            var shard = cluster.Shards[0].Name;

            using var first = await OpenAsync(gateway, shard, "select * from t where n = 1", token);
            using var second = await OpenAsync(gateway, shard, "select * from t where n = 2", token);
            using var sameAsFirst = await OpenAsync(gateway, shard, "select * from t where n = 1", token);
            await Eventually.AssertAsync(async () => Assert.Equal(2L, await BinlogDumpThreadsAsync(server, token)), TestDeadline.Default, token);

            using var third = gateway.Client.VStream(Request(shard, "select * from t where n = 3"), cancellationToken: token);
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await third.ResponseStream.MoveNext(token))
                {
                }
            });

            scenario.Log(error.Status.Detail);
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.Contains($"ks/{shard}", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("VGate:Limits:MaxBinlogConnectionsPerShard", error.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(2L, await BinlogDumpThreadsAsync(server, token));
        });

    private static async Task<AsyncServerStreamingCall<VStreamResponse>> OpenAsync(GatewayHost gateway, string shard, string filter, CancellationToken token)
    {
        var call = gateway.Client.VStream(Request(shard, filter), cancellationToken: token);
        // The first response (GTID and OTHER at "current") comes once the shard's binlog is being read.
        Assert.True(await call.ResponseStream.MoveNext(token));
        return call;
    }

    private static VStreamRequest Request(string shard, string filter) => new()
    {
        TabletType = Topodata.TabletType.Primary,
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = shard, Gtid = "current" } } },
        Filter = new Filter { Rules = { new Rule { Match = "t", Filter = filter } } },
    };

    private static Task<long> BinlogDumpThreadsAsync(MariaDbServer server, CancellationToken token) =>
        server.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump'", token);
}
