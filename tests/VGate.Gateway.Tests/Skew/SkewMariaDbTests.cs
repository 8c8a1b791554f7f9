using System.Globalization;
using Binlogdata;
using VGate.Gateway.Health;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Testing;
using Vtgate;

namespace VGate.Gateway.Tests.Skew;

/// <summary><c>minimize_skew</c> over two real MariaDB shards whose transactions carry interleaved, old timestamps.</summary>
[Trait("Category", "Integration")]
public sealed class SkewMariaDbTests
{
    private const string Database = "skewdb";

    [ServerFact]
    public async Task Stream_MinimizeSkewOverShardsWithOlderTimestamps_TransactionsMergedInEventTimeOrder()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(180));
        var token = deadline.Token;
        await using var shard1 = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "skew-1" }, token);
        await using var shard2 = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "skew-2" }, token);
        foreach (var server in new[] { shard1, shard2 })
            await server.ExecuteAsync($"CREATE DATABASE {Database}; CREATE TABLE {Database}.t (id INT PRIMARY KEY)", token);
        var start1 = "MariaDB/" + await shard1.GetGtidBinlogPosAsync(token);
        var start2 = "MariaDB/" + await shard2.GetGtidBinlogPosAsync(token);

        // Shard -80 committed at base+0, +20, +40 …; shard 80- at base+10, +30 …, an hour ago (SET TIMESTAMP sets the binlog
        // event time). Both binlogs are complete before the stream starts, so without alignment each shard would simply be
        // read as fast as it goes.
        var baseTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600;
        const int perShard = 6;
        for (var i = 0; i < perShard; i++)
        {
            await Write(shard1, id: 2 * i, baseTime + (20 * i));
            await Write(shard2, id: (2 * i) + 1, baseTime + (20 * i) + 10);
        }

        var options = new GatewayOptions
        {
            Health = new SourceHealthOptions { Enabled = false },
            Keyspaces =
            [
                new KeyspaceOptions
                {
                    Name = "sks",
                    Database = Database,
                    Sharded = true,
                    Shards =
                    [
                        new ShardOptions { Name = "-80", Sources = [new SourceOptions { Uri = shard1.ReplicationUri.ToString(), Name = "s1" }] },
                        new ShardOptions { Name = "80-", Sources = [new SourceOptions { Uri = shard2.ReplicationUri.ToString(), Name = "s2" }] },
                    ],
                },
            ],
        };
        await using var gateway = new VStreamGateway(options, new ShardStreamerFactory(options));
        var request = new VStreamRequest
        {
            Vgtid = new VGtid
            {
                ShardGtids =
                {
                    new ShardGtid { Keyspace = "sks", Shard = "-80", Gtid = start1 },
                    new ShardGtid { Keyspace = "sks", Shard = "80-", Gtid = start2 },
                },
            },
            Flags = new VStreamFlags { MinimizeSkew = true },
        };

        var commits = new List<(string Shard, long Timestamp, string Id)>();
        string? id = null;
        await foreach (var response in gateway.StreamAsync(request, token))
        {
            foreach (var e in response.Events)
            {
                if (e.Type == VEventType.Row)
                    id = e.RowEvent.RowChanges[0].After.Values.ToStringUtf8();
                if (e.Type == VEventType.Commit)
                    commits.Add((e.Shard, e.Timestamp, id!));
            }
            if (commits.Count == 2 * perShard)
                break;
        }

        // Each commit's time is within the 2 s tolerance of every later one; with 10 s between them, that is exact order.
        Assert.Equal(Enumerable.Range(0, 2 * perShard).Select(i => baseTime + (10 * i)), commits.Select(c => c.Timestamp));
        Assert.Equal(Enumerable.Range(0, 2 * perShard).Select(i => i.ToString(CultureInfo.InvariantCulture)), commits.Select(c => c.Id));
    }

    private static Task<int> Write(MariaDbServer server, int id, long timestamp) =>
        server.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
            $"SET TIMESTAMP = {timestamp}; INSERT INTO {Database}.t VALUES ({id}); SET TIMESTAMP = DEFAULT"));
}
