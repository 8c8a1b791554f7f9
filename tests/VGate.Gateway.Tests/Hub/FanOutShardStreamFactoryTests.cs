using Binlogdata;
using Microsoft.Extensions.Time.Testing;
using VGate.Gateway.Hub;
using VGate.Gateway.Streams;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.Testing;
using VGate.VStreamer;
using Vtgate;
using Vtrpc;

namespace VGate.Gateway.Tests.Hub;

/// <summary>
/// The fan-out hub over an in-memory shard (<see cref="FakeBinlog"/>) through the whole gateway: subscribers at different
/// positions, a slow one, a source lost mid-transaction, all sources lost, linger, and the hub switched off. Each test has its
/// own keyspace so the process-wide metrics can be read per test.
/// </summary>
public sealed class FanOutShardStreamFactoryTests
{
    private static GatewayOptions Options(string keyspace, long ringBytes = 16 * 1024, bool enabled = true) => new()
    {
        RetryDelay = TimeSpan.FromMilliseconds(10),
        FanOut = new FanOutOptions { Enabled = enabled, RingBytes = ringBytes, Linger = TimeSpan.FromMilliseconds(200) },
        Health = new VGate.Gateway.Health.SourceHealthOptions { Enabled = false },
        Keyspaces = [TestTopology.Keyspace(keyspace, sharded: false, "0")],
    };

    /// <summary>A 1 MiB ring that keeps 8 KiB of what everyone has read: a few of the tests' ~3 KiB transactions.</summary>
    private static GatewayOptions ReplayOptions(string keyspace)
    {
        var options = Options(keyspace, ringBytes: 1024 * 1024);
        options.FanOut.ReplayBytes = 8 * 1024;
        return options;
    }

    private static VStreamRequest Request(string keyspace, string position) => new()
    {
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Shard = "0", Gtid = position } } },
        Flags = new VStreamFlags { ExcludeKeyspaceFromTableName = true },
    };

    private static List<string> Expected(FakeBinlog binlog, int after, int last) =>
        [.. Enumerable.Range(after + 1, last - after).SelectMany(n => FakeBinlog.RowsOf(n, binlog.BatchesOf(n)))];

    private static Func<List<string>, bool> UntilRow(string row) => rows => rows.Count > 0 && rows[^1] == row;

    [Fact]
    public async Task Stream_TenSubscribersAtDifferentPositionsOneSlow_EachGetsExactlyTheTransactionsAfterItsStart()
    {
        const string keyspace = "fan1";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        using var metrics = new MetricRecorder(keyspace);
        var binlog = new FakeBinlog();
        binlog.Append(60, batches: 1, rowBytes: 200);
        binlog.Append(1, batches: 4, rowBytes: 200); // one transaction in several batches
        binlog.Append(39, batches: 1, rowBytes: 200);
        await using var gateway = new VStreamGateway(Options(keyspace), binlog);
        const int last = 400;
        var lastRow = FakeBinlog.RowsOf(last, 1).Single();

        // The slow subscriber starts first (so it creates the hub and is attached), then stops reading after 5 transactions.
        var starts = new[] { 30, 0, 10, 20, 40, 50, 55, 70, 90, 100 };
        var subscribers = new List<(int Start, RowSubscriber Subscriber)>
        {
            (starts[0], new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(starts[0])), UntilRow(lastRow), pauseAfterTransactions: 5, deadline.Token)),
        };
        await subscribers[0].Subscriber.Paused.Task.WaitAsync(deadline.Token);
        foreach (var start in starts.Skip(1))
            subscribers.Add((start, new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(start)), UntilRow(lastRow), cancellationToken: deadline.Token)));
        for (var written = 100; written < last; written += 50)
        {
            binlog.Append(25, batches: 1, rowBytes: 200);
            binlog.Append(1, batches: 3, rowBytes: 200);
            binlog.Append(24, batches: 1, rowBytes: 200);
        }

        foreach (var (_, subscriber) in subscribers.Skip(1))
            await subscriber.Done.Task.WaitAsync(deadline.Token);
        // The others are far beyond the ring by now: the slow one was detached and continues on its own connection.
        Assert.True(metrics["vgate.gateway.hub.detaches"] >= 1, "the slow subscriber was never detached");
        subscribers[0].Subscriber.Release();
        await subscribers[0].Subscriber.Done.Task.WaitAsync(deadline.Token);

        foreach (var (start, subscriber) in subscribers)
        {
            Assert.Null(subscriber.Error);
            Assert.Equal(Expected(binlog, start, last), subscriber.Rows);
            Assert.Equal(FakeBinlog.PositionAfter(last), subscriber.Positions[^1]);
        }
        // Once everyone is idle at the end, they all share the hub's one reader again.
        await Eventually.AssertAsync(() => Assert.Equal(1, binlog.Running), TimeSpan.FromSeconds(20), deadline.Token);
        Assert.Equal(10, metrics["vgate.gateway.hub.subscribers"]);
        Assert.Equal(0, metrics["vgate.gateway.hub.own_readers"]);
        foreach (var (_, subscriber) in subscribers)
            await subscriber.DisposeAsync();
        Assert.Null(subscribers.Select(s => s.Subscriber.Error).FirstOrDefault(e => e is not null));
    }

    [Fact]
    public async Task Stream_HundredSubscribersAtCurrent_ShareOneReaderAndGetEveryLaterTransaction()
    {
        const string keyspace = "fan2";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var binlog = new FakeBinlog();
        binlog.Append(10);
        await using var gateway = new VStreamGateway(Options(keyspace, ringBytes: 1024 * 1024), binlog);
        var lastRow = FakeBinlog.RowsOf(30, 1).Single();

        var subscribers = Enumerable.Range(0, 100)
            .Select(_ => new RowSubscriber(gateway, Request(keyspace, "current"), UntilRow(lastRow), cancellationToken: deadline.Token))
            .ToList();
        foreach (var subscriber in subscribers)
            await subscriber.Started.Task.WaitAsync(deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(1, binlog.Running), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(20);

        foreach (var subscriber in subscribers)
            await subscriber.Done.Task.WaitAsync(deadline.Token);
        Assert.All(subscribers, s => Assert.Equal(Expected(binlog, 10, 30), s.Rows));
        Assert.All(subscribers, s => Assert.Equal([FakeBinlog.PositionAfter(10), .. Enumerable.Range(11, 20).Select(FakeBinlog.PositionAfter)], s.Positions));
        Assert.Equal(1, binlog.Running);
        foreach (var subscriber in subscribers)
            await subscriber.DisposeAsync();
        Assert.All(subscribers, s => Assert.Null(s.Error));
    }

    /// <summary>
    /// What keeps many subscribers cheap: every event the hub read is serialized once, and all subscribers' responses carry
    /// that same encoding (here with the <c>keyspace.</c> table-name prefix, the default).
    /// </summary>
    [Fact]
    public async Task Stream_SubscribersOfOneHub_SendTheSameEncodedRowEvents()
    {
        const string keyspace = "fan8";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var binlog = new FakeBinlog();
        binlog.Append(3);
        await using var gateway = new VStreamGateway(Options(keyspace, ringBytes: 1024 * 1024), binlog);
        var request = Request(keyspace, "current");
        request.Flags.ExcludeKeyspaceFromTableName = false;

        var (firstStarted, secondStarted) = (new TaskCompletionSource(), new TaskCompletionSource());
        var first = RowEncodingsAsync(gateway, request, 5, firstStarted, deadline.Token);
        var second = RowEncodingsAsync(gateway, request, 5, secondStarted, deadline.Token);
        await Task.WhenAll(firstStarted.Task, secondStarted.Task).WaitAsync(deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(1, binlog.Running), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(5);
        var (a, b) = (await first, await second);

        Assert.Equal(5, a.Count);
        Assert.All(a.Zip(b), pair => Assert.Same(pair.First, pair.Second));
        Assert.All(a, bytes => Assert.StartsWith(keyspace + ".", VEvent.Parser.ParseFrom(bytes).RowEvent.TableName, StringComparison.Ordinal));
        Assert.Equal(1, binlog.Running);
    }

    /// <summary>The encoded ROW events of the first <paramref name="count"/> rows a stream sends; <paramref name="started"/> completes with its first response.</summary>
    private static async Task<List<byte[]>> RowEncodingsAsync(
        VStreamGateway gateway, VStreamRequest request, int count, TaskCompletionSource started, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rows = new List<byte[]>();
        try
        {
            await foreach (var response in gateway.StreamEncodedAsync(request, stop.Token))
            {
                started.TrySetResult();
                rows.AddRange(response.Events.Where(bytes => VEvent.Parser.ParseFrom(bytes).Type == VEventType.Row));
                if (rows.Count >= count)
                    await stop.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            started.TrySetCanceled(CancellationToken.None);
        }
        return rows;
    }

    [Fact]
    public async Task Stream_SharedReaderLosesSourceMidTransaction_EveryTransactionDeliveredOnceInOrder()
    {
        const string keyspace = "fan3";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var binlog = new FakeBinlog();
        binlog.Append(20, batches: 3);
        binlog.FailOnceAt(transaction: 8, batch: 2);
        await using var gateway = new VStreamGateway(Options(keyspace, ringBytes: 1024 * 1024), binlog);
        var lastRow = FakeBinlog.RowsOf(20, 3).Last();

        var subscribers = Enumerable.Range(0, 3)
            .Select(_ => new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(0)), UntilRow(lastRow), cancellationToken: deadline.Token))
            .ToList();
        foreach (var subscriber in subscribers)
            await subscriber.Done.Task.WaitAsync(deadline.Token);

        Assert.All(subscribers, s => Assert.Equal(Expected(binlog, 0, 20), s.Rows));
        Assert.True(binlog.Opens >= 2, $"the reader was not reopened ({binlog.Opens} opens)");
        foreach (var subscriber in subscribers)
            await subscriber.DisposeAsync();
        Assert.All(subscribers, s => Assert.Null(s.Error));
    }

    [Fact]
    public async Task Stream_EverySourceFails_UnavailableAfterTheHubsRetriesWithoutRetryingAgain()
    {
        const string keyspace = "fan4";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var failing = new FailingFactory();
        await using var gateway = new VStreamGateway(Options(keyspace), failing);

        await using var subscriber = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(5)), _ => false, cancellationToken: deadline.Token);
        var error = await Assert.ThrowsAsync<VStreamException>(() => subscriber.Done.Task.WaitAsync(deadline.Token));

        Assert.Equal(Code.Unavailable, error.Code);
        Assert.Contains("giving up after 3 consecutive failures", error.Message, StringComparison.Ordinal);
        Assert.Contains("source is down", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, failing.Opens);
    }

    [Fact]
    public async Task Stream_LastSubscriberLeaves_ReaderClosedAfterLinger()
    {
        const string keyspace = "fan5";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        using var metrics = new MetricRecorder(keyspace);
        var binlog = new FakeBinlog();
        binlog.Append(5);
        await using var gateway = new VStreamGateway(Options(keyspace), binlog);

        var first = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(0)), UntilRow("5:1"), cancellationToken: deadline.Token);
        var second = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(0)), UntilRow("5:1"), cancellationToken: deadline.Token);
        await first.Done.Task.WaitAsync(deadline.Token);
        await second.Done.Task.WaitAsync(deadline.Token);
        Assert.Equal(1, gateway.FanOut!.HubCount);
        await first.DisposeAsync();
        await second.DisposeAsync();

        await Eventually.AssertAsync(() => Assert.Equal(0, gateway.FanOut!.HubCount), TimeSpan.FromSeconds(20), deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(0, binlog.Running), TimeSpan.FromSeconds(20), deadline.Token);
        Assert.Equal(0, metrics["vgate.gateway.hub.subscribers"]);
        Assert.Equal(2, metrics["vgate.gateway.hub.attaches"]);
    }

    /// <summary>
    /// Subscribers waiting in a hub watch their cancellation with one registration each; cancelling one while all wait wakes
    /// the hub's waiters, and only the cancelled one leaves: the others wait again and get the next transactions.
    /// </summary>
    [Fact]
    public async Task Stream_OneOfThreeWaitingSubscribersCancelled_ItLeavesAndTheOthersGetLaterTransactions()
    {
        const string keyspace = "fan9";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        using var metrics = new MetricRecorder(keyspace);
        var binlog = new FakeBinlog();
        binlog.Append(5);
        await using var gateway = new VStreamGateway(Options(keyspace), binlog);
        var subscribers = Enumerable.Range(0, 3)
            .Select(_ => new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(0)), UntilRow("8:1"), cancellationToken: deadline.Token))
            .ToList();
        // All three have read everything there is and wait in the hub for more.
        await Eventually.AssertAsync(() => Assert.All(subscribers, s => Assert.Equal(Expected(binlog, 0, 5), s.Rows)), TimeSpan.FromSeconds(20), deadline.Token);
        Assert.Equal(3, metrics["vgate.gateway.hub.subscribers"]);

        await subscribers[1].DisposeAsync();
        await Eventually.AssertAsync(() => Assert.Equal(2, metrics["vgate.gateway.hub.subscribers"]), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(3);

        await subscribers[0].Done.Task.WaitAsync(deadline.Token);
        await subscribers[2].Done.Task.WaitAsync(deadline.Token);
        Assert.Equal(Expected(binlog, 0, 8), subscribers[0].Rows);
        Assert.Equal(Expected(binlog, 0, 8), subscribers[2].Rows);
        Assert.Equal(Expected(binlog, 0, 5), subscribers[1].Rows);
        Assert.Equal(1, binlog.Running);
        await subscribers[0].DisposeAsync();
        await subscribers[2].DisposeAsync();
        Assert.All(subscribers, s => Assert.Null(s.Error));
    }

    /// <summary>
    /// Coalescing (<see cref="FanOutOptions.CoalesceSubscribers"/>): below the threshold a hub wakes its subscribers after
    /// every transaction (the clock here never moves, and they get everything); at the threshold it waits for the shared
    /// clock's tick, and one tick delivers every transaction read meanwhile, whole, in order, exactly once.
    /// </summary>
    [Fact]
    public async Task Stream_HubAtCoalescingThreshold_WakesSubscribersOnTheClockTickWithEverythingReadMeanwhile()
    {
        const string keyspace = "fan10";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        using var metrics = new MetricRecorder(keyspace);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var binlog = new FakeBinlog();
        binlog.Append(10);
        var options = Options(keyspace, ringBytes: 1024 * 1024);
        options.FanOut.CoalesceSubscribers = 3;
        options.FanOut.CoalesceInterval = TimeSpan.FromMilliseconds(5);
        await using var gateway = new VStreamGateway(options, binlog, time);

        // Two subscribers: under the threshold, delivered at once (the fake clock never ticks by itself).
        var early = Enumerable.Range(0, 2)
            .Select(_ => new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(10)), UntilRow("30:1"), cancellationToken: deadline.Token))
            .ToList();
        await Eventually.AssertAsync(() => Assert.Equal(2, metrics["vgate.gateway.hub.subscribers"]), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(10);
        await Eventually.AssertAsync(() => Assert.All(early, s => Assert.Equal(Expected(binlog, 10, 20), s.Rows)), TimeSpan.FromSeconds(20), deadline.Token);

        // A third joins at the hub's tail: from now on the hub waits for the clock.
        var late = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(20)), UntilRow("30:1"), cancellationToken: deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(3, metrics["vgate.gateway.hub.subscribers"]), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(10);
        await Eventually.AssertAsync(() => Assert.Equal(30, binlog.ConsumedThrough), TimeSpan.FromSeconds(20), deadline.Token);
        Assert.All(early, s => Assert.Equal(Expected(binlog, 10, 20), s.Rows));
        Assert.Empty(late.Rows);

        time.Advance(options.FanOut.CoalesceInterval);
        foreach (var subscriber in early.Append(late))
            await subscriber.Done.Task.WaitAsync(deadline.Token);
        Assert.All(early, s => Assert.Equal(Expected(binlog, 10, 30), s.Rows));
        Assert.Equal(Expected(binlog, 20, 30), late.Rows);
        Assert.Equal([.. Enumerable.Range(21, 10).Select(FakeBinlog.PositionAfter)], late.Positions);
        Assert.Equal(1, binlog.Running);
        foreach (var subscriber in early.Append(late))
            await subscriber.DisposeAsync();
        Assert.All(early.Append(late), s => Assert.Null(s.Error));
    }

    /// <summary>
    /// A ring kept full of history that every subscriber has read made every transaction survive the garbage collector's
    /// young generations (the latency tail at 5,000 transactions a second): only <see cref="FanOutOptions.ReplayBytes"/> of it
    /// is kept. A client resuming inside that history attaches at once; one resuming before it reads on its own connection
    /// first, and both get exactly the transactions after their position.
    /// </summary>
    [Fact]
    public async Task Stream_EverySubscriberHasRead_HubKeepsOnlyTheReplayBytesOfHistory()
    {
        const string keyspace = "fan11";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        using var metrics = new MetricRecorder(keyspace);
        var binlog = new FakeBinlog();
        binlog.Append(10, batches: 1, rowBytes: 200);
        var options = ReplayOptions(keyspace);
        await using var gateway = new VStreamGateway(options, binlog);

        var first = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(10)), UntilRow("101:1"), cancellationToken: deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(1, metrics["vgate.gateway.hub.subscribers"]), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(90, batches: 1, rowBytes: 200);
        await Eventually.AssertAsync(() => Assert.Equal(Expected(binlog, 10, 100), first.Rows), TimeSpan.FromSeconds(20), deadline.Token);

        // The hub drops what everyone has read when it appends: after one more transaction, 90 transactions of about 3 KiB
        // each (as accounted) have gone through, and what is left is the replay allowance and the new, unread entry.
        binlog.Append(1, batches: 1, rowBytes: 200);
        await first.Done.Task.WaitAsync(deadline.Token);
        Assert.InRange(metrics["vgate.gateway.hub.ring.bytes"], 1, 16 * 1024);

        // Just behind the tail (inside the kept history): attaches to the hub at once, no reader of its own.
        var attachesBefore = metrics["vgate.gateway.hub.attaches"];
        var recent = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(99)), UntilRow("111:1"), cancellationToken: deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(attachesBefore + 1, metrics["vgate.gateway.hub.attaches"]), TimeSpan.FromSeconds(20), deadline.Token);
        Assert.Equal(0, metrics["vgate.gateway.hub.own_readers"]);

        // Long before it (dropped from the ring): reads on its own connection, then joins the hub.
        var older = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(40)), UntilRow("111:1"), cancellationToken: deadline.Token);
        await older.Started.Task.WaitAsync(deadline.Token);
        binlog.Append(10, batches: 1, rowBytes: 200);
        foreach (var subscriber in new[] { recent, older })
            await subscriber.Done.Task.WaitAsync(deadline.Token);
        Assert.Equal(Expected(binlog, 99, 111), recent.Rows);
        Assert.Equal(Expected(binlog, 40, 111), older.Rows);
        Assert.Equal([.. Enumerable.Range(41, 71).Select(FakeBinlog.PositionAfter)], older.Positions);
        Assert.True(metrics["vgate.gateway.hub.attaches"] >= attachesBefore + 1);
        await Eventually.AssertAsync(() => Assert.Equal(1, binlog.Running), TimeSpan.FromSeconds(20), deadline.Token);
        foreach (var subscriber in new[] { first, recent, older })
            await subscriber.DisposeAsync();
        Assert.All(new[] { first, recent, older }, s => Assert.Null(s.Error));
    }

    /// <summary>What a subscriber that is behind has not read stays in the ring; once it has read it, it goes too.</summary>
    [Fact]
    public async Task Stream_OneSubscriberBehind_HubKeepsWhatItHasNotReadThenDropsIt()
    {
        const string keyspace = "fan12";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        using var metrics = new MetricRecorder(keyspace);
        var binlog = new FakeBinlog();
        binlog.Append(10, batches: 1, rowBytes: 200);
        var options = ReplayOptions(keyspace);
        // A paused client stops its session after one queued response, so its cursor stays behind.
        options.ResponseQueueCapacity = 1;
        await using var gateway = new VStreamGateway(options, binlog);

        var slow = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(10)), UntilRow("211:1"), pauseAfterTransactions: 5, cancellationToken: deadline.Token);
        var fast = new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(10)), UntilRow("211:1"), cancellationToken: deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(2, metrics["vgate.gateway.hub.subscribers"]), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(200, batches: 1, rowBytes: 200);
        await slow.Paused.Task.WaitAsync(deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(Expected(binlog, 10, 210), fast.Rows), TimeSpan.FromSeconds(20), deadline.Token);

        // 200 transactions of about 3 KiB (as accounted) went by; the slow one has read at most a few dozen of them.
        Assert.True(metrics["vgate.gateway.hub.ring.bytes"] > 100 * 1024, $"ring holds {metrics["vgate.gateway.hub.ring.bytes"]} bytes");
        Assert.Equal(0, metrics["vgate.gateway.hub.detaches"]);

        slow.Release();
        await Eventually.AssertAsync(() => Assert.Equal(Expected(binlog, 10, 210), slow.Rows), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(1, batches: 1, rowBytes: 200);
        foreach (var subscriber in new[] { slow, fast })
            await subscriber.Done.Task.WaitAsync(deadline.Token);
        Assert.InRange(metrics["vgate.gateway.hub.ring.bytes"], 1, 16 * 1024);
        Assert.Equal(Expected(binlog, 10, 211), slow.Rows);
        Assert.Equal(Expected(binlog, 10, 211), fast.Rows);
        Assert.Equal(1, binlog.Running);
        foreach (var subscriber in new[] { slow, fast })
            await subscriber.DisposeAsync();
        Assert.All(new[] { slow, fast }, s => Assert.Null(s.Error));
    }

    [Fact]
    public async Task Stream_HubDisabled_EveryStreamReadsOnItsOwn()
    {
        const string keyspace = "fan6";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var binlog = new FakeBinlog();
        binlog.Append(5);
        await using var gateway = new VStreamGateway(Options(keyspace, enabled: false), binlog);
        Assert.Null(gateway.FanOut);

        var subscribers = Enumerable.Range(0, 4)
            .Select(_ => new RowSubscriber(gateway, Request(keyspace, FakeBinlog.PositionAfter(0)), UntilRow("5:1"), cancellationToken: deadline.Token))
            .ToList();
        foreach (var subscriber in subscribers)
            await subscriber.Done.Task.WaitAsync(deadline.Token);

        Assert.Equal(4, binlog.Running);
        foreach (var subscriber in subscribers)
            await subscriber.DisposeAsync();
    }

    [Fact]
    public async Task Stream_CopyPhaseStart_OpensOnItsOwnWithTheCopyState()
    {
        var shards = new FakeShardStreamFactory();
        shards.Shard("uks", "0").Batch(Ev.Begin(), Ev.Field("t"), Ev.Row("t", "1"), Ev.LastPk("t", 1), Ev.Commit());
        var options = TestTopology.Create(fanOut: true);
        await using var gateway = new VStreamGateway(options, shards);
        var request = TestTopology.Request(("uks", "0", ""));
        request.Vgtid.ShardGtids[0].TablePKs.Add(new TableLastPK { TableName = "t" });
        await using var stream = new ResponseReader(gateway, request);

        await stream.ReadUntilAsync(VEventType.Commit, 1);

        var open = Assert.Single(shards.Opens);
        Assert.Equal("", open.Request.Position);
        Assert.Equal("t", Assert.Single(open.Request.TablePKs).TableName);
        Assert.Equal(0, gateway.FanOut!.HubCount);
    }

    /// <summary>A factory whose every source is down.</summary>
    private sealed class FailingFactory : IShardStreamFactory
    {
        private int _opens;

        public int Opens => Volatile.Read(ref _opens);

        public OpenedShardStream Open(ShardStreamRequest request)
        {
            var n = Interlocked.Increment(ref _opens);
            return new OpenedShardStream($"s{n}", Fail(request));
        }

        private static async IAsyncEnumerable<IReadOnlyList<VEvent>> Fail(ShardStreamRequest request)
        {
            await Task.Yield();
            throw VStreamException.Unavailable($"{request.Keyspace}/{request.Shard}: source is down");
#pragma warning disable CS0162 // An iterator needs a yield to be one.
            yield break;
#pragma warning restore CS0162
        }
    }
}
