using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// VGate:Limits:MaxBinlogConnectionsPerShard against a real source: streams share one Binlog Dump thread whatever their
/// filters (VGate:FanOut:ShareReaders), a stream that needs a connection of its own (its position is older than the shared
/// reader's) and would go over the limit gets RESOURCE_EXHAUSTED naming the shard and the setting, while the source keeps
/// exactly the limit's number of dump threads.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class BinlogConnectionLimitTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(3);

    [ServerFact]
    public Task VStream_OwnConnectionOverTheLimit_ResourceExhaustedAndDistinctFiltersShare() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            var server = cluster.Shards[0].Server;
            var shard = cluster.Shards[0].Name;
            var old = (await cluster.PositionsAsync(token))[shard];
            await server.ExecuteAsync($"INSERT INTO {ShardCluster.Database}.t (id, writer, v, n) VALUES (1, 1, 'a', 1)", token);

            var settings = cluster.GatewaySettings();
            settings["VGate:Limits:MaxBinlogConnectionsPerShard"] = "1";
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;

            using var first = await OpenAsync(gateway, shard, "select * from t where n = 1", "current", token);
            using var second = await OpenAsync(gateway, shard, "select * from t where n = 2", "current", token);
            using var sameAsFirst = await OpenAsync(gateway, shard, "select * from t where n = 1", "current", token);
            await Eventually.AssertAsync(async () => Assert.Equal(1L, await BinlogDumpThreadsAsync(server, token)), TestDeadline.Default, token);

            // Older than anything the shared reader has read: it needs a connection of its own, and none is left.
            using var third = gateway.Client.VStream(Request(shard, "select * from t where n = 3", old), cancellationToken: token);
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
            Assert.Equal(1L, await BinlogDumpThreadsAsync(server, token));

            // The streams that share the connection are still served.
            await server.ExecuteAsync($"INSERT INTO {ShardCluster.Database}.t (id, writer, v, n) VALUES (2, 1, 'b', 2)", token);
            Assert.True(await ReadsRowAsync(second, token));
        });

    /// <summary>Reads until a ROW event arrives.</summary>
    private static async Task<bool> ReadsRowAsync(AsyncServerStreamingCall<VStreamResponse> call, CancellationToken token)
    {
        while (await call.ResponseStream.MoveNext(token))
        {
            if (call.ResponseStream.Current.Events.Any(e => e.Type == VEventType.Row))
                return true;
        }
        return false;
    }

    private static async Task<AsyncServerStreamingCall<VStreamResponse>> OpenAsync(GatewayHost gateway, string shard, string filter, string position, CancellationToken token)
    {
        var call = gateway.Client.VStream(Request(shard, filter, position), cancellationToken: token);
        // The first response (GTID and OTHER at "current") comes once the shard's binlog is being read.
        Assert.True(await call.ResponseStream.MoveNext(token));
        return call;
    }

    private static VStreamRequest Request(string shard, string filter, string position) => new()
    {
        TabletType = Topodata.TabletType.Primary,
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = shard, Gtid = position } } },
        Filter = new Filter { Rules = { new Rule { Match = "t", Filter = filter } } },
    };

    private static Task<long> BinlogDumpThreadsAsync(MariaDbServer server, CancellationToken token) =>
        server.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'", token);
}
