using System.Globalization;
using Binlogdata;
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
/// A transaction far larger than <see cref="GatewayOptions.TransactionBufferBytes"/> on a real MariaDB whose server is killed
/// while the transaction is on its way: the stream ends with UNAVAILABLE after the pieces already sent (never re-sending
/// them), and a client that resumes from its last VGTID gets the transaction whole, exactly once.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LargeTransactionMariaDbTests
{
    private const string Database = "ltdb";
    private const int BigRows = 40_000;
    private const int BigFirstId = 1_000;

    public static TheoryData<bool> FanOut => [true, false];

    [ServerTheory]
    [MemberData(nameof(FanOut))]
    public async Task Stream_SourceKilledWhileATransactionIsSentInPieces_EndsUnavailableAndResumeDeliversItOnce(bool fanOut)
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(300));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = fanOut ? "big-hub" : "big-own" }, token);
        await server.ExecuteAsync($"CREATE DATABASE {Database}; CREATE TABLE {Database}.t (id INT PRIMARY KEY, v VARCHAR(1000))", token);
        var start = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);
        // Two small transactions, one of about 36 MB (40,000 rows of 900 bytes), one small one after.
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (1, 'a')", token);
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (2, 'b')", token);
        await server.ExecuteAsync(
            $"INSERT INTO {Database}.t SELECT seq, REPEAT('x', 900) FROM {Database}.seq_{BigFirstId}_to_{BigFirstId + BigRows - 1}", token);
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (100000, 'after')", token);

        var options = Options(fanOut, server);
        Assert.Empty(TopologyValidator.Validate(options));
        await using var gateway = new VStreamGateway(options, new ShardStreamerFactory(options));

        // First stream: read until the big transaction has begun arriving, then stop reading (the gateway fills its
        // bounded queues and stops reading the source), kill the server, and read on until the stream fails.
        var first = new Transactions();
        Exception? error = null;
        await using (var stream = Open(gateway, start, token))
        {
            var killed = false;
            try
            {
                while (await stream.MoveNextAsync())
                {
                    first.Add(stream.Current);
                    if (!killed && first.OpenRows.Count > 0)
                    {
                        killed = true;
                        await server.KillAsync();
                    }
                }
            }
            catch (VStreamException ex)
            {
                error = ex;
            }
            Assert.True(killed, $"the big transaction never started arriving ({first.Committed.Count} transactions; {error?.Message})");
        }

        var failure = Assert.IsType<VStreamException>(error);
        Assert.Equal(Code.Unavailable, failure.Code);
        Assert.Contains("lk/0", failure.Message, StringComparison.Ordinal);
        Assert.Contains("middle of a transaction", failure.Message, StringComparison.Ordinal);
        // The small transactions arrived whole; of the big one only a part (a prefix, in order, no repeats) and no COMMIT.
        Assert.Equal([[1], [2]], first.Committed);
        Assert.InRange(first.OpenRows.Count, 1, BigRows - 1);
        Assert.Equal(Enumerable.Range(BigFirstId, first.OpenRows.Count), first.OpenRows);
        var resumeAt = first.LastVgtid ?? throw new InvalidOperationException("no VGTID received");

        // The client resumes from its last VGTID once the server is back: the big transaction comes whole, once, in order.
        await server.RestartAsync(token);
        var second = new Transactions();
        await using (var stream = Open(gateway, resumeAt, token))
        {
            while (second.Committed.Count < 2 && await stream.MoveNextAsync())
                second.Add(stream.Current);
        }
        Assert.Equal(2, second.Committed.Count);
        Assert.Equal(Enumerable.Range(BigFirstId, BigRows), second.Committed[0]);
        Assert.Equal([100000], second.Committed[1]);
        Assert.Empty(second.OpenRows);
        Assert.True(gateway.Statistics.PeakQueuedBytes <= options.TransactionBufferBytes,
            $"a shard held {gateway.Statistics.PeakQueuedBytes} bytes (limit {options.TransactionBufferBytes})");
    }

    private static IAsyncEnumerator<VStreamResponse> Open(VStreamGateway gateway, string position, CancellationToken token) =>
        gateway.StreamAsync(new VStreamRequest
        {
            Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "lk", Shard = "0", Gtid = position } } },
        }, token).GetAsyncEnumerator(token);

    private static GatewayOptions Options(bool fanOut, MariaDbServer server) => new()
    {
        RetryDelay = TimeSpan.FromMilliseconds(100),
        TransactionBufferBytes = TopologyValidator.MinimumTransactionBufferBytes,
        FanOut = new FanOutOptions { Enabled = fanOut },
        Health = new SourceHealthOptions { Enabled = false },
        Keyspaces =
        [
            new KeyspaceOptions
            {
                Name = "lk",
                Database = Database,
                Shards = [new ShardOptions { Name = "0", Sources = [new SourceOptions { Uri = server.ReplicationUri.ToString(), Name = "only" }] }],
            },
        ],
    };

    /// <summary>A client's view: the row ids of each committed transaction, the rows of the one still open, the last VGTID.</summary>
    private sealed class Transactions
    {
        private bool _open;

        public List<List<int>> Committed { get; } = [];

        public List<int> OpenRows { get; } = [];

        public string? LastVgtid { get; private set; }

        public void Add(VStreamResponse response)
        {
            foreach (var e in response.Events)
            {
                switch (e.Type)
                {
                    case VEventType.Begin:
                        Assert.False(_open, "BEGIN inside a transaction");
                        _open = true;
                        OpenRows.Clear();
                        break;
                    case VEventType.Row:
                        Assert.True(_open, "ROW outside a transaction");
                        foreach (var change in e.RowEvent.RowChanges)
                            OpenRows.Add(int.Parse(change.After.Values.Span[..(int)change.After.Lengths[0]], CultureInfo.InvariantCulture));
                        break;
                    case VEventType.Vgtid:
                        LastVgtid = e.Vgtid.ShardGtids[0].Gtid;
                        break;
                    case VEventType.Commit:
                        Assert.True(_open, "COMMIT outside a transaction");
                        _open = false;
                        Committed.Add([.. OpenRows]);
                        OpenRows.Clear();
                        break;
                }
            }
        }
    }
}
