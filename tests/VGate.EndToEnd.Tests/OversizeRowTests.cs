using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// A row bigger than a gRPC client's default receive limit (4 MiB) over the wire: by default the stream ends with
/// RESOURCE_EXHAUSTED naming the table and the primary key (instead of the client failing on the message itself, at the
/// same place on every reconnect); with <c>VGate:Limits:OversizeEvents=Skip</c> the row is left out, logged, and the rest of
/// its transaction arrives.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class OversizeRowTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(3);
    private const int BigBytes = 5 * 1024 * 1024;

    [ServerFact]
    public Task VStream_RowOverClientLimit_ResourceExhaustedNamingTableAndKey() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;
            var server = cluster.Shards[0].Server;
            await server.ExecuteAsync($"CREATE TABLE {ShardCluster.Database}.big (id BIGINT NOT NULL PRIMARY KEY, b LONGBLOB)", token);

            using var call = gateway.Client.VStream(Request(cluster), cancellationToken: token);
            Assert.True(await call.ResponseStream.MoveNext(token)); // the stream reports where "current" is
            await server.ExecuteAsync($"INSERT INTO {ShardCluster.Database}.big VALUES (7, REPEAT('x', {BigBytes}))", token);

            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await call.ResponseStream.MoveNext(token))
                    Assert.DoesNotContain(call.ResponseStream.Current.Events, e => e.Type == VEventType.Row);
            });

            scenario.Log(error.Status.Detail);
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.Contains("table big", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("primary key (id=7)", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("VGate:Limits:MaxEventBytes", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("OversizeEvents", error.Status.Detail, StringComparison.Ordinal);
        });

    [ServerFact]
    public Task VStream_RowOverLimitWithSkip_LeftOutLoggedRestOfTransactionArrives() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            var settings = cluster.GatewaySettings();
            settings["VGate:Limits:OversizeEvents"] = "Skip";
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            var server = cluster.Shards[0].Server;
            var db = ShardCluster.Database;
            await server.ExecuteAsync($"CREATE TABLE {db}.big (id BIGINT NOT NULL PRIMARY KEY, b LONGBLOB)", token);

            using var call = gateway.Client.VStream(Request(cluster), cancellationToken: token);
            Assert.True(await call.ResponseStream.MoveNext(token));
            await server.ExecuteAsync(
                $"BEGIN; INSERT INTO {db}.big VALUES (1, 'small'); INSERT INTO {db}.big VALUES (2, REPEAT('x', {BigBytes})); " +
                $"INSERT INTO {db}.big VALUES (3, 'small too'); COMMIT", token);

            var rows = new List<string>();
            var committed = false;
            while (!committed && await call.ResponseStream.MoveNext(token))
            {
                foreach (var vevent in call.ResponseStream.Current.Events)
                {
                    if (vevent.Type == VEventType.Row)
                    {
                        foreach (var change in vevent.RowEvent.RowChanges)
                            rows.Add(change.After.Values.ToStringUtf8());
                    }
                    committed |= vevent.Type == VEventType.Commit && rows.Count > 0;
                }
            }

            Assert.Equal(["1small", "3small too"], rows);
            Assert.Contains(gateway.Logs.Records, r => r.Message.Contains("table big, primary key (id=2)", StringComparison.Ordinal)
                && r.Message.Contains("left out", StringComparison.Ordinal));
        });

    private static VStreamRequest Request(ShardCluster cluster) => new()
    {
        TabletType = Topodata.TabletType.Primary,
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = cluster.Shards[0].Name, Gtid = "current" } } },
        Filter = new Filter { Rules = { new Rule { Match = "big", Filter = "select * from big" } } },
    };
}
