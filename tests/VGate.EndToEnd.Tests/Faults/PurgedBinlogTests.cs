using System.Globalization;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>
/// A client resuming from a position whose binlogs were purged (FLUSH BINARY LOGS, then PURGE BINARY LOGS) gets
/// FAILED_PRECONDITION naming the shard and the oldest position the source still has; that position, as mariadbd itself
/// reports it (the GTID_LIST event that opens its first binlog), is where the client can start again.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class PurgedBinlogTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(4);

    [ServerFact]
    public Task Resume_FromPurgedPosition_FailedPreconditionNamingShardAndOldestPosition() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            var server = cluster.Shards[0].Server;
            await FaultWorkload.InsertAsync(server, 1, 100, 10, token);
            var old = await FaultWorkload.CurrentAsync(cluster, token);
            await FaultWorkload.InsertAsync(server, 101, 200, 10, token);
            await server.FlushLogsAsync(token);
            await FaultWorkload.InsertAsync(server, 201, 300, 10, token);
            await server.FlushLogsAsync(token);
            await FaultWorkload.InsertAsync(server, 301, 400, 10, token);
            await server.PurgeAllButCurrentAsync(token);
            var oldest = await OldestPositionAsync(server, token);
            scenario.Log($"old position {old.ShardGtids[0].Gtid}; the first binlog left starts at {oldest}");

            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;
            using var client = new RowClient(() => gateway.Client, old);
            var error = await client.ReadToErrorAsync(token);
            scenario.Log($"{error.StatusCode}: {error.Status.Detail}");
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            FaultWorkload.AssertMentions(error.Status.Detail, "ks/0", "purged", $"The oldest position the source still has is '{oldest}'");
            Assert.Empty(client.Ids);

            // Starting at that position gives exactly what the remaining binlog holds.
            using var resumed = new RowClient(() => gateway.Client,
                new Binlogdata.VGtid { ShardGtids = { new Binlogdata.ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "0", Gtid = oldest } } });
            await resumed.ReadUntilAsync(c => c.HasAll(301, 400), resumeOnError: false, token);
            resumed.AssertExactly(301, 400, "client resumed at the oldest position");
        });

    /// <summary>The GTID list of the first binlog's GTID_LIST event (<c>SHOW BINLOG EVENTS</c>: "[0-1-5,1-2-3]"), as a Vitess position.</summary>
    private static async Task<string> OldestPositionAsync(MariaDbServer server, CancellationToken cancellationToken)
    {
        var first = Convert.ToString((await server.QueryAsync("SHOW BINARY LOGS", cancellationToken))[0][0], CultureInfo.InvariantCulture);
        foreach (var row in await server.QueryAsync($"SHOW BINLOG EVENTS IN '{first}' LIMIT 5", cancellationToken))
        {
            if (string.Equals(Convert.ToString(row[2], CultureInfo.InvariantCulture), "Gtid_list", StringComparison.Ordinal))
                return "MariaDB/" + Convert.ToString(row[5], CultureInfo.InvariantCulture)!.Trim('[', ']');
        }
        throw new Xunit.Sdk.XunitException($"{first} has no Gtid_list event");
    }
}
