using System.Globalization;
using Binlogdata;
using VGate.Gateway.Health;
using VGate.Gateway.Hub;
using VGate.Gateway.Streams;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.Testing;
using Vtgate;

namespace VGate.Gateway.Tests.Hub;

/// <summary>
/// The fan-out hub over a real MariaDB shard: exactly-once delivery to subscribers at different positions with one slow
/// consumer, and one binlog dump connection on the server for a hundred subscribers.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FanOutMariaDbTests
{
    private const string Database = "fandb";

    private static GatewayOptions Options(MariaDbServer server, string keyspace, long ringBytes) => new()
    {
        RetryDelay = TimeSpan.FromMilliseconds(100),
        FanOut = new FanOutOptions { RingBytes = ringBytes, Linger = TimeSpan.FromMilliseconds(500) },
        Health = new SourceHealthOptions { Enabled = false },
        Keyspaces =
        [
            new KeyspaceOptions
            {
                Name = keyspace,
                Database = Database,
                Shards = [new ShardOptions { Name = "0", Sources = [new SourceOptions { Uri = server.ReplicationUri.ToString(), Name = "s" }] }],
            },
        ],
    };

    private static VStreamRequest Request(string keyspace, string position) => new()
    {
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Shard = "0", Gtid = position } } },
        Flags = new VStreamFlags { ExcludeKeyspaceFromTableName = true },
    };

    private static async Task<MariaDbServer> StartShardAsync(string name, CancellationToken cancellationToken)
    {
        var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = name }, cancellationToken);
        await server.ExecuteAsync($"CREATE DATABASE {Database}; CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(2000))", cancellationToken);
        return server;
    }

    /// <summary>Inserts rows <paramref name="from"/>..<paramref name="to"/>, one transaction each; returns the position after each.</summary>
    private static async Task<Dictionary<int, string>> InsertAsync(MariaDbServer server, int from, int to, int valueBytes, CancellationToken cancellationToken)
    {
        var positions = new Dictionary<int, string>();
        await using var connection = await server.OpenConnectionAsync(Database, cancellationToken: cancellationToken);
        for (var id = from; id <= to; id++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = string.Create(CultureInfo.InvariantCulture, $"INSERT INTO t VALUES ({id}, REPEAT('x', {valueBytes}))");
            await insert.ExecuteNonQueryAsync(cancellationToken);
            using var position = connection.CreateCommand();
            position.CommandText = "SELECT @@GLOBAL.gtid_binlog_pos";
            positions[id] = "MariaDB/" + (string)(await position.ExecuteScalarAsync(cancellationToken))!;
        }
        return positions;
    }

    /// <summary>The ids of the inserted rows (first column of each ROW) as a subscriber received them.</summary>
    private static List<int> Ids(RowSubscriber subscriber) =>
        [.. subscriber.Rows.Select(r => int.Parse(r.AsSpan(0, r.IndexOf('x', StringComparison.Ordinal)), CultureInfo.InvariantCulture))];

    private static Func<List<string>, bool> UntilId(int id)
    {
        var prefix = id.ToString(CultureInfo.InvariantCulture) + "x";
        return rows => rows.Count > 0 && rows[^1].StartsWith(prefix, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Stream_TenSubscribersAtDifferentPositionsOneSlow_EachGetsExactlyTheRowsAfterItsStart()
    {
        const string keyspace = "fanm1";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(240));
        var token = deadline.Token;
        using var metrics = new MetricRecorder(keyspace);
        await using var server = await StartShardAsync("fan-m1", token);
        var start = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);
        var positions = await InsertAsync(server, 1, 100, valueBytes: 1000, token);
        positions[0] = start;
        await using var gateway = new VStreamGateway(Options(server, keyspace, ringBytes: 64 * 1024), new ShardStreamerFactory(Options(server, keyspace, 64 * 1024)));
        const int last = 500;

        // The slow subscriber starts first (it creates the hub and is attached to it), reads 5 transactions, then holds still
        // until the others have read everything: the hub runs far ahead of it and must detach it.
        var starts = new[] { 30, 0, 10, 20, 40, 50, 60, 70, 80, 90 };
        var subscribers = new List<(int Start, RowSubscriber Subscriber)>
        {
            (starts[0], new RowSubscriber(gateway, Request(keyspace, positions[starts[0]]), UntilId(last), pauseAfterTransactions: 5, token)),
        };
        await subscribers[0].Subscriber.Paused.Task.WaitAsync(token);
        foreach (var position in starts.Skip(1))
            subscribers.Add((position, new RowSubscriber(gateway, Request(keyspace, positions[position]), UntilId(last), cancellationToken: token)));
        foreach (var (id, position) in await InsertAsync(server, 101, last, valueBytes: 1000, token))
            positions[id] = position;

        foreach (var (_, subscriber) in subscribers.Skip(1))
            await subscriber.Done.Task.WaitAsync(token);
        Assert.True(metrics["vgate.gateway.hub.detaches"] >= 1, "the slow subscriber was never detached");
        subscribers[0].Subscriber.Release();
        await subscribers[0].Subscriber.Done.Task.WaitAsync(token);

        foreach (var (first, subscriber) in subscribers)
        {
            Assert.Null(subscriber.Error);
            Assert.Equal(Enumerable.Range(first + 1, last - first), Ids(subscriber));
            Assert.Equal(positions[last], subscriber.Positions[^1]);
        }
        // All idle at the end: one binlog reader on the server serves all ten.
        await Eventually.AssertAsync(
            async () => Assert.Equal(1, await MariaDbReplication.CountBinlogReadersAsync(server, token)), TimeSpan.FromSeconds(30), token);
        Assert.Equal(10, metrics["vgate.gateway.hub.subscribers"]);
        foreach (var (_, subscriber) in subscribers)
            await subscriber.DisposeAsync();
        Assert.All(subscribers, s => Assert.Null(s.Subscriber.Error));
    }

    [ServerFact]
    public async Task Stream_HundredSubscribers_OneBinlogDumpConnectionOnTheServer()
    {
        const string keyspace = "fanm2";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(240));
        var token = deadline.Token;
        await using var server = await StartShardAsync("fan-m2", token);
        var options = Options(server, keyspace, ringBytes: 64L * 1024 * 1024);
        await using var gateway = new VStreamGateway(options, new ShardStreamerFactory(options));

        var subscribers = Enumerable.Range(0, 100)
            .Select(_ => new RowSubscriber(gateway, Request(keyspace, "current"), UntilId(50), cancellationToken: token))
            .ToList();
        foreach (var subscriber in subscribers)
            await subscriber.Started.Task.WaitAsync(token);
        await Eventually.AssertAsync(
            async () => Assert.Equal(1, await MariaDbReplication.CountBinlogReadersAsync(server, token)), TimeSpan.FromSeconds(30), token);

        await InsertAsync(server, 1, 50, valueBytes: 10, token);
        foreach (var subscriber in subscribers)
            await subscriber.Done.Task.WaitAsync(token);

        Assert.All(subscribers, s => Assert.Equal(Enumerable.Range(1, 50), Ids(s)));
        Assert.Equal(1, await MariaDbReplication.CountBinlogReadersAsync(server, token));
        foreach (var subscriber in subscribers)
            await subscriber.DisposeAsync();
        Assert.All(subscribers, s => Assert.Null(s.Error));
        // The last subscriber gone, the hub closes its reader after the linger.
        await Eventually.AssertAsync(
            async () => Assert.Equal(0, await MariaDbReplication.CountBinlogReadersAsync(server, token)), TimeSpan.FromSeconds(30), token);
    }
}
