using Binlogdata;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Testing;
using Vtgate;

namespace VGate.Gateway.Tests;

/// <summary>End to end over two real MariaDB shards with the real <see cref="ShardStreamerFactory"/>.</summary>
[Trait("Category", "Integration")]
public sealed class VStreamGatewayMariaDbTests
{
    [ServerFact]
    public async Task Stream_TwoRealShards_MergedContiguousWithFullVgtidsAndResumable()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(120));
        var token = deadline.Token;
        await using var shard1 = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 11, Name = "gw-s1" }, token);
        await using var shard2 = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 12, Name = "gw-s2" }, token);
        const string database = "gwdb";
        foreach (var server in new[] { shard1, shard2 })
        {
            await server.ExecuteAsync($"CREATE DATABASE {database}", token);
            await server.ExecuteAsync($"CREATE TABLE {database}.t (id INT PRIMARY KEY, v VARCHAR(20))", token);
        }

        var options = new GatewayOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(100),
            Keyspaces =
            [
                new KeyspaceOptions
                {
                    Name = "ks",
                    Database = database,
                    Sharded = true,
                    Shards =
                    [
                        new ShardOptions { Name = "-80", Sources = [new SourceOptions { Uri = shard1.ReplicationUri.ToString(), Name = "s1" }] },
                        new ShardOptions { Name = "80-", Sources = [new SourceOptions { Uri = shard2.ReplicationUri.ToString(), Name = "s2" }] },
                    ],
                },
            ],
        };
        Assert.Empty(TopologyValidator.Validate(options));
        var gateway = new VStreamGateway(options, new ShardStreamerFactory(options));

        var request = new VStreamRequest
        {
            Vgtid = new VGtid
            {
                ShardGtids =
                {
                    new ShardGtid { Keyspace = "ks", Shard = "-80", Gtid = "MariaDB/" + await shard1.GetGtidBinlogPosAsync(token) },
                    new ShardGtid { Keyspace = "ks", Shard = "80-", Gtid = "MariaDB/" + await shard2.GetGtidBinlogPosAsync(token) },
                },
            },
        };
        for (var i = 1; i <= 3; i++)
        {
            await shard1.ExecuteAsync($"INSERT INTO {database}.t VALUES ({i}, 'a{i}'), ({i + 100}, 'a{i}b')", token);
            await shard2.ExecuteAsync($"INSERT INTO {database}.t VALUES ({i}, 'b{i}'), ({i + 100}, 'b{i}b')", token);
        }

        var events = await ReadAsync(gateway, request, commits: 6, token);

        var transactions = Transactions(events);
        Assert.Equal(6, transactions.Count);
        Assert.Equal(["a1", "a2", "a3"], transactions.Where(t => t.Shard == "-80").Select(t => t.Values[0]));
        Assert.Equal(["b1", "b2", "b3"], transactions.Where(t => t.Shard == "80-").Select(t => t.Values[0]));
        Assert.All(transactions, t => Assert.Equal(["ks/-80", "ks/80-"], t.Vgtid.ShardGtids.Select(s => s.Keyspace + "/" + s.Shard)));
        Assert.All(events.Where(e => e.Type == VEventType.Row), e => Assert.Equal("ks.t", e.RowEvent.TableName));

        // Resume from the VGTID of the third transaction: exactly the other three must follow, and then nothing.
        var resume = new VStreamRequest { Vgtid = transactions[2].Vgtid.Clone(), Flags = new VStreamFlags { HeartbeatInterval = 1 } };
        var resumed = await ReadAsync(gateway, resume, commits: 3, token, untilHeartbeat: true);
        var later = Transactions(resumed);
        Assert.Equal(
            transactions.Skip(3).Select(t => t.Shard + ":" + string.Join(",", t.Values)).Order(),
            later.Select(t => t.Shard + ":" + string.Join(",", t.Values)).Order());
    }

    private sealed record Transaction(string Shard, List<string> Values, VGtid Vgtid);

    /// <summary>Splits events into BEGIN…COMMIT groups, asserting each is contiguous (one shard only).</summary>
    private static List<Transaction> Transactions(IEnumerable<VEvent> events)
    {
        var result = new List<Transaction>();
        List<VEvent>? open = null;
        foreach (var e in events)
        {
            if (e.Type == VEventType.Begin)
            {
                Assert.Null(open);
                open = [e];
                continue;
            }
            if (open is null)
                continue;
            Assert.Equal(open[0].Shard, e.Shard);
            open.Add(e);
            if (e.Type == VEventType.Commit)
            {
                var values = open.Where(x => x.Type == VEventType.Row)
                    .SelectMany(x => x.RowEvent.RowChanges)
                    .Select(rc => rc.After.Values.ToStringUtf8().Substring((int)rc.After.Lengths[0], (int)rc.After.Lengths[1]))
                    .ToList();
                result.Add(new Transaction(open[0].Shard, values, open.Last(x => x.Type == VEventType.Vgtid).Vgtid));
                open = null;
            }
        }
        return result;
    }

    private static async Task<List<VEvent>> ReadAsync(VStreamGateway gateway, VStreamRequest request, int commits, CancellationToken cancellationToken, bool untilHeartbeat = false)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = new List<VEvent>();
        await foreach (var response in gateway.StreamAsync(request, stop.Token))
        {
            events.AddRange(response.Events);
            var done = events.Count(e => e.Type == VEventType.Commit);
            if (done >= commits && (!untilHeartbeat || response.Events.Any(e => e.Type == VEventType.Heartbeat)))
                break;
        }
        return events;
    }
}
