using System.Globalization;
using Binlogdata;
using Topodata;
using VGate.Gateway.Health;
using VGate.Gateway.Hub;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Testing;
using VGate.VStreamer;
using Vtgate;
using Vtrpc;

namespace VGate.Gateway.Tests;

/// <summary>
/// Failover between real MariaDB replicas: a primary with two GTID replicas (log_slave_updates), a REPLICA stream, the
/// replica being read killed with SIGKILL. The stream must continue from the other replica with every row exactly once, and
/// end with UNAVAILABLE once no replica is left.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FailoverMariaDbTests
{
    private const string Database = "fodb";

    public static TheoryData<bool> FanOut => [true, false];

    [ServerTheory]
    [MemberData(nameof(FanOut))]
    public async Task Stream_ReplicaBeingReadKilled_ContinuesOnTheOtherReplicaThenUnavailableWhenNoneLeft(bool fanOut)
    {
        var name = fanOut ? "fo-hub" : "fo-own";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(300));
        var token = deadline.Token;
        await using var shard = await ReplicatedShard.StartAsync(name, fanOut, token);
        var (primary, replica1, replica2, reader) = (shard.Primary, shard.Replica1, shard.Replica2, shard.Reader);

        // Rows 1-100 arrive; both replicas have them all when the one being read dies.
        await Insert(primary, 1, 100, token);
        await reader.ReadUntilAsync(100);
        await MariaDbReplication.WaitForCatchUpAsync(replica1, primary, cancellationToken: token);
        await MariaDbReplication.WaitForCatchUpAsync(replica2, primary, cancellationToken: token);
        var (reading, other) = await MariaDbReplication.CountBinlogReadersAsync(replica1, token) == 1 ? (replica1, replica2) : (replica2, replica1);
        Assert.Equal(1, await MariaDbReplication.CountBinlogReadersAsync(reading, token));
        Assert.Equal(0, await MariaDbReplication.CountBinlogReadersAsync(other, token));
        await reading.KillAsync();

        // Rows 101-200 are written after the kill; the stream picks them up from the other replica.
        await Insert(primary, 101, 200, token);
        await reader.ReadUntilAsync(200);
        Assert.Equal(Enumerable.Range(1, 200), reader.Ids);
        Assert.Equal(1, await MariaDbReplication.CountBinlogReadersAsync(other, token));
        Assert.Equal("MariaDB/" + await other.GetGtidBinlogPosAsync(token), reader.Positions[^1]);

        // No replica left: a clear UNAVAILABLE (the primary is not of the requested role).
        await other.KillAsync();
        var error = await Assert.ThrowsAsync<VStreamException>(reader.ReadToErrorAsync);
        Assert.Equal(Code.Unavailable, error.Code);
        Assert.Contains("fks/0", error.Message, StringComparison.Ordinal);
        Assert.Contains("giving up after 3 consecutive failures", error.Message, StringComparison.Ordinal);
    }

    [ServerTheory]
    [MemberData(nameof(FanOut))]
    public async Task Stream_ReplicaBeingReadStopsReplicating_MovesToTheHealthyReplicaWithEveryRowOnce(bool fanOut)
    {
        var name = fanOut ? "lag-hub" : "lag-own";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(300));
        var token = deadline.Token;
        await using var shard = await ReplicatedShard.StartAsync(name, fanOut, token);
        var (primary, replica1, replica2, reader) = (shard.Primary, shard.Replica1, shard.Replica2, shard.Reader);

        await Insert(primary, 1, 50, token);
        await reader.ReadUntilAsync(50);
        var (reading, other) = await MariaDbReplication.CountBinlogReadersAsync(replica1, token) == 1 ? (replica1, replica2) : (replica2, replica1);
        Assert.Equal(0, await MariaDbReplication.CountBinlogReadersAsync(other, token));

        // The replica being read stops applying the primary's changes but stays up: it falls behind for good. The next
        // health check finds it not replicating, and the stream moves to the other replica, which has every later row.
        await reading.ExecuteAsync("STOP SLAVE", token);
        await Insert(primary, 51, 150, token);
        await reader.ReadUntilAsync(150);

        Assert.Equal(Enumerable.Range(1, 150), reader.Ids);
        Assert.Equal(1, await MariaDbReplication.CountBinlogReadersAsync(other, token));
        // The stopped replica's dump thread ends when it next writes to the closed connection (a heartbeat at the latest).
        await Eventually.AssertAsync(async () => Assert.Equal(0, await MariaDbReplication.CountBinlogReadersAsync(reading, token)),
            TimeSpan.FromSeconds(60), token);
    }

    /// <summary>
    /// A primary with two replicas and the test table, a gateway with health checks over them (fan-out hub or not), and a
    /// reader of a REPLICA stream from the position after the table was created.
    /// </summary>
    private sealed class ReplicatedShard : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _owned = [];

        public MariaDbServer Primary { get; private set; } = null!;

        public MariaDbServer Replica1 { get; private set; } = null!;

        public MariaDbServer Replica2 { get; private set; } = null!;

        public RowReader Reader { get; private set; } = null!;

        public static async Task<ReplicatedShard> StartAsync(string name, bool fanOut, CancellationToken token)
        {
            var shard = new ReplicatedShard();
            try
            {
                shard.Primary = shard.Own(await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = name + "-p" }, token));
                shard.Replica1 = shard.Own(await MariaDbReplication.StartReplicaAsync(shard.Primary, new MariaDbServerOptions { Name = name + "-r1" }, token));
                shard.Replica2 = shard.Own(await MariaDbReplication.StartReplicaAsync(shard.Primary, new MariaDbServerOptions { Name = name + "-r2" }, token));
                await shard.Primary.ExecuteAsync($"CREATE DATABASE {Database}; CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(100))", token);
                await MariaDbReplication.WaitForCatchUpAsync(shard.Replica1, shard.Primary, cancellationToken: token);
                await MariaDbReplication.WaitForCatchUpAsync(shard.Replica2, shard.Primary, cancellationToken: token);
                var start = "MariaDB/" + await shard.Primary.GetGtidBinlogPosAsync(token);

                var options = Options(fanOut, shard.Primary, shard.Replica1, shard.Replica2);
                Assert.Empty(TopologyValidator.Validate(options));
                var monitor = shard.Own(new SourceHealthMonitor(options));
                monitor.Start();
                var gateway = shard.Own(new VStreamGateway(options, new ShardStreamerFactory(options, health: monitor)));
                shard.Reader = shard.Own(new RowReader(gateway, start, token));
                return shard;
            }
            catch
            {
                await shard.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            for (var i = _owned.Count - 1; i >= 0; i--)
                await _owned[i].DisposeAsync();
        }

        private T Own<T>(T disposable) where T : IAsyncDisposable
        {
            _owned.Add(disposable);
            return disposable;
        }
    }

    private static GatewayOptions Options(bool fanOut, MariaDbServer primary, MariaDbServer replica1, MariaDbServer replica2) => new()
    {
            RetryDelay = TimeSpan.FromMilliseconds(200),
            FanOut = new FanOutOptions { Enabled = fanOut },
            Health = new SourceHealthOptions { Interval = TimeSpan.FromMilliseconds(500) },
            Keyspaces =
            [
                new KeyspaceOptions
                {
                    Name = "fks",
                    Database = Database,
                    Shards =
                    [
                        new ShardOptions
                        {
                            Name = "0",
                            Sources =
                            [
                                new SourceOptions { Uri = primary.ReplicationUri.ToString(), Name = "primary", Role = SourceRole.Primary },
                                new SourceOptions { Uri = replica1.ReplicationUri.ToString(), Name = "r1", Role = SourceRole.Replica },
                                new SourceOptions { Uri = replica2.ReplicationUri.ToString(), Name = "r2", Role = SourceRole.Replica },
                            ],
                        },
                    ],
                },
            ],
    };

    private static async Task Insert(MariaDbServer primary, int from, int to, CancellationToken cancellationToken)
    {
        await using var connection = await primary.OpenConnectionAsync(Database, cancellationToken: cancellationToken);
        for (var id = from; id <= to; id++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = string.Create(CultureInfo.InvariantCulture, $"INSERT INTO t VALUES ({id}, 'row {id}')");
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Reads a REPLICA stream of <c>fks/0</c>, collecting the ids of inserted rows and the VGTID positions.</summary>
    private sealed class RowReader(VStreamGateway gateway, string start, CancellationToken token) : IAsyncDisposable
    {
        private readonly IAsyncEnumerator<VStreamResponse> _stream = gateway.StreamAsync(new VStreamRequest
        {
            TabletType = TabletType.Replica,
            Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "fks", Shard = "0", Gtid = start } } },
        }, token).GetAsyncEnumerator(token);

        public List<int> Ids { get; } = [];

        public List<string> Positions { get; } = [];

        public async Task ReadUntilAsync(int id)
        {
            while (Ids.Count == 0 || Ids[^1] < id)
            {
                Assert.True(await _stream.MoveNextAsync(), "the stream ended");
                foreach (var e in _stream.Current.Events)
                {
                    if (e.Type == VEventType.Row)
                    {
                        var after = e.RowEvent.RowChanges[0].After;
                        Ids.Add(int.Parse(after.Values.Span[..(int)after.Lengths[0]], CultureInfo.InvariantCulture));
                    }
                    if (e.Type == VEventType.Vgtid)
                        Positions.Add(e.Vgtid.ShardGtids[0].Gtid);
                }
            }
        }

        /// <summary>Reads until the stream fails; no more rows may arrive.</summary>
        public async Task ReadToErrorAsync()
        {
            while (await _stream.MoveNextAsync())
                Assert.DoesNotContain(_stream.Current.Events, e => e.Type == VEventType.Row);
        }

        public ValueTask DisposeAsync() => _stream.DisposeAsync();
    }
}
