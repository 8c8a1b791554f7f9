using Binlogdata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.VStreamer;
using Vtgate;
using Vtrpc;

namespace VGate.Gateway.Tests;

/// <summary>
/// Merge behaviour over fake shards (Vitess <c>vstream_manager_test.go</c>): scripts of tablet-level batches go in,
/// merged responses come out and are compared as compact strings (<see cref="Ev.Format"/>).
/// </summary>
public sealed class VStreamGatewayTests
{
    private readonly FakeShardStreamFactory _shards = new();
    private readonly ListLogger<VStreamGateway> _logger = new();
    private readonly GatewayOptions _options = TestTopology.Create();

    private VStreamGateway Gateway(TimeProvider? time = null) => new(_options, _shards, time, _logger);

    private static VStreamRequest TwoShards(string gtidA = "current", string gtidB = "current") =>
        TestTopology.Request(("ks", "-80", gtidA), ("ks", "80-", gtidB));

    [Fact]
    public async Task Stream_OneTransaction_BeginRowVgtidCommitWithFullVector()
    {
        _shards.Shard("ks", "-80").Batch(Ev.Transaction("t", "1", "MariaDB/0-1-10"));
        await using var stream = new ResponseReader(Gateway(), TwoShards(gtidB: ""));

        await stream.ReadUntilAsync(VEventType.Commit, 1);

        Assert.Equal(
        [
            "ks/-80 begin",
            "ks/-80 row ks.t 1",
            "ks/-80 vgtid ks/-80=MariaDB/0-1-10,ks/80-=",
            "ks/-80 commit",
        ], stream.Formatted);
    }

    [Fact]
    public async Task Stream_TwoShardsInterleaveAtTablet_EachTransactionContiguous()
    {
        // Shard A starts a transaction, then stalls mid-way while shard B completes one: B's must go out first and A's
        // must still arrive whole.
        _shards.Shard("ks", "-80")
            .Batch(Ev.Begin(), Ev.Row("t", "a1"))
            .Gate(out var resumeA)
            .Batch(Ev.Row("t", "a2"), Ev.Gtid("MariaDB/0-1-2"), Ev.Commit());
        _shards.Shard("ks", "80-").Batch(Ev.Transaction("t", "b1", "MariaDB/0-2-7"));
        await using var stream = new ResponseReader(Gateway(), TwoShards());

        await stream.ReadUntilAsync(VEventType.Commit, 1);
        resumeA.SetResult();
        await stream.ReadUntilAsync(VEventType.Commit, 2);

        Assert.Equal(
        [
            "ks/80- begin", "ks/80- row ks.t b1", "ks/80- vgtid ks/-80=current,ks/80-=MariaDB/0-2-7", "ks/80- commit",
            "ks/-80 begin", "ks/-80 row ks.t a1", "ks/-80 row ks.t a2", "ks/-80 vgtid ks/-80=MariaDB/0-1-2,ks/80-=MariaDB/0-2-7", "ks/-80 commit",
        ], stream.Formatted);
    }

    [Fact]
    public async Task Stream_ManyTransactionsOnTwoShards_PerShardOrderAndNoForeignEventsInsideTransactions()
    {
        var a = _shards.Shard("ks", "-80");
        var b = _shards.Shard("ks", "80-");
        for (var i = 1; i <= 20; i++)
        {
            a.Batch(Ev.Begin(), Ev.Row("t", $"a{i}")).Batch(Ev.Row("t", $"a{i}x"), Ev.Gtid($"MariaDB/0-1-{i}"), Ev.Commit());
            b.Batch(Ev.Begin()).Batch(Ev.Row("t", $"b{i}")).Batch(Ev.Gtid($"MariaDB/0-2-{i}"), Ev.Commit());
        }
        await using var stream = new ResponseReader(Gateway(), TwoShards());

        await stream.ReadUntilAsync(VEventType.Commit, 40);

        string? open = null;
        foreach (var e in stream.Events)
        {
            var shard = e.Keyspace + "/" + e.Shard;
            if (e.Type == VEventType.Begin)
            {
                Assert.Null(open);
                open = shard;
            }
            else
            {
                Assert.Equal(open, shard);
            }
            if (e.Type == VEventType.Commit)
                open = null;
        }
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"MariaDB/0-1-{i}"),
            stream.Events.Where(e => e.Type == VEventType.Vgtid && e.Shard == "-80").Select(e => e.Vgtid.ShardGtids[0].Gtid));
        Assert.All(stream.Events.Where(e => e.Type == VEventType.Vgtid), e => Assert.Equal(2, e.Vgtid.ShardGtids.Count));
    }

    [Fact]
    public async Task Stream_DdlAndOtherAndCurrentStart_VgtidThenTerminal()
    {
        _shards.Shard("uks", "0")
            .Batch(Ev.Gtid("MariaDB/0-1-1"), Ev.Other())
            .Batch(Ev.Gtid("MariaDB/0-1-2"), Ev.Ddl("alter table t add c int"));
        await using var stream = new ResponseReader(Gateway(), TestTopology.Request(("uks", "0", "current")));

        await stream.ReadUntilAsync(VEventType.Ddl, 1);

        Assert.Equal(
        [
            "uks/0 vgtid uks/0=MariaDB/0-1-1", "uks/0 other",
            "uks/0 vgtid uks/0=MariaDB/0-1-2", "uks/0 ddl alter table t add c int",
        ], stream.Formatted);
    }

    [Fact]
    public async Task Stream_TableNames_PrefixedUnlessExcluded()
    {
        _shards.Shard("uks", "0").Batch(Ev.Begin(), Ev.Field("t"), Ev.Row("t", "1"), Ev.Gtid("MariaDB/0-1-1"), Ev.Commit());
        var request = TestTopology.Request(("uks", "0", "current"));
        await using (var stream = new ResponseReader(Gateway(), request))
        {
            await stream.ReadUntilAsync(VEventType.Commit, 1);
            Assert.Contains("uks/0 field uks.t", stream.Formatted);
            Assert.Contains("uks/0 row uks.t 1", stream.Formatted);
        }

        request.Flags = new VStreamFlags { ExcludeKeyspaceFromTableName = true };
        _shards.Shard("uks", "0").ThenReopen().Batch(Ev.Begin(), Ev.Field("t"), Ev.Row("t", "1"), Ev.Gtid("MariaDB/0-1-1"), Ev.Commit());
        await using (var stream = new ResponseReader(Gateway(), request))
        {
            await stream.ReadUntilAsync(VEventType.Commit, 1);
            Assert.Contains("uks/0 field t", stream.Formatted);
            Assert.Contains("uks/0 row t 1", stream.Formatted);
        }
    }

    [Fact]
    public async Task Stream_TabletHeartbeats_Dropped()
    {
        _shards.Shard("uks", "0").Batch(Ev.Heartbeat()).Batch(Ev.Heartbeat()).Batch(Ev.Transaction("t", "1", "MariaDB/0-1-1"));
        await using var stream = new ResponseReader(Gateway(), TestTopology.Request(("uks", "0", "current")));

        await stream.ReadUntilAsync(VEventType.Commit, 1);

        Assert.DoesNotContain(stream.Events, e => e.Type == VEventType.Heartbeat);
        Assert.Single(stream.Responses);
    }

    [Fact]
    public async Task Stream_LastPk_UpdatesTablePKsInVgtidAndRemovesOnCompletion()
    {
        _shards.Shard("ks", "-80")
            .Batch(Ev.Begin(), Ev.Field("t"), Ev.Row("t", "1"), Ev.LastPk("t", 1), Ev.Commit())
            .Batch(Ev.Begin(), Ev.Row("t", "2"), Ev.LastPk("t", 2), Ev.Commit())
            .Batch(Ev.Begin(), Ev.LastPk("t", 2, completed: true), Ev.Gtid("MariaDB/0-1-9"), Ev.Commit());
        await using var stream = new ResponseReader(Gateway(), TwoShards("", ""));

        await stream.ReadUntilAsync(VEventType.Commit, 3);

        Assert.Equal(
        [
            "ks/-80=[t:1],ks/80-=",
            "ks/-80=[t:2],ks/80-=",
            "ks/-80=,ks/80-=",
            "ks/-80=MariaDB/0-1-9,ks/80-=",
        ], stream.Events.Where(e => e.Type == VEventType.Vgtid).Select(e => Ev.FormatVgtid(e.Vgtid)));
    }

    [Fact]
    public async Task Stream_DoneGroupNamingTheNextTable_VgtidListsItWithoutLastPk()
    {
        // The copy phase's done group of a table that is not the last names the next one (CopyPhaseRunner), so a VGTID
        // taken between two tables still resumes the copy.
        _shards.Shard("ks", "-80")
            .Batch(Ev.Begin(), Ev.Field("t"), Ev.Row("t", "1"), Ev.LastPk("t", 1), Ev.Commit())
            .Batch(Ev.Begin(), Ev.LastPk("t", 1, completed: true), new VEvent { Type = VEventType.Lastpk, LastPKEvent = new LastPKEvent { TableLastPK = new TableLastPK { TableName = "u" } } }, Ev.Commit());
        await using var stream = new ResponseReader(Gateway(), TwoShards("", ""));

        await stream.ReadUntilAsync(VEventType.Commit, 2);

        Assert.Equal("ks/-80=[u],ks/80-=", Ev.FormatVgtid(stream.Events.Last(e => e.Type == VEventType.Vgtid).Vgtid));
    }

    [Fact]
    public async Task Stream_CopyCompletedOnEveryShard_ForwardedThenOneGlobal()
    {
        _shards.Shard("ks", "-80").Batch(Ev.CopyCompleted());
        _shards.Shard("ks", "80-").Gate(out var later).Batch(Ev.CopyCompleted());
        await using var stream = new ResponseReader(Gateway(), TwoShards("", ""));

        await stream.ReadUntilAsync(VEventType.CopyCompleted, 1);
        later.SetResult();
        await stream.ReadUntilAsync(VEventType.CopyCompleted, 3);

        Assert.Equal(["ks/-80 copycompleted", "ks/80- copycompleted", "copycompleted"], stream.Formatted);
    }

    [Fact]
    public async Task Stream_HeartbeatInterval_SentWhenIdleUsingTimeProvider()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var request = TestTopology.Request(("uks", "0", "current"));
        request.Flags = new VStreamFlags { HeartbeatInterval = 5 };
        await using var stream = new ResponseReader(Gateway(time), request);

        var next = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));

        var heartbeat = Assert.Single(stream.Current.Events);
        Assert.Equal(VEventType.Heartbeat, heartbeat.Type);
        Assert.Equal(1_700_000_005, heartbeat.Timestamp);
        Assert.Equal(1_700_000_005L * 1_000_000_000, heartbeat.CurrentTime);
        Assert.Equal("", heartbeat.Keyspace);
        Assert.Equal("", heartbeat.Shard);

        next = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1_700_000_010, stream.Current.Events[0].Timestamp);
    }

    [Fact]
    public async Task Stream_LargeTransaction_SplitIntoResponsesUnderTheCap()
    {
        _options.MaxResponseBytes = 300;
        _shards.Shard("uks", "0").Batch(
            Ev.Begin(), Ev.Row("t", "1", 100), Ev.Row("t", "2", 100), Ev.Row("t", "3", 100), Ev.Row("t", "big", 1000),
            Ev.Row("t", "4", 100), Ev.Gtid("MariaDB/0-1-1"), Ev.Commit());
        await using var stream = new ResponseReader(Gateway(), TestTopology.Request(("uks", "0", "current")));

        await stream.ReadUntilAsync(VEventType.Commit, 1);

        Assert.True(stream.Responses.Count >= 3);
        Assert.All(stream.Responses, r => Assert.True(r.CalculateSize() <= 300 || r.Events.Count == 1, $"response of {r.CalculateSize()} bytes"));
        Assert.Single(stream.Responses, r => r.Events.Any(e => e.Type == VEventType.Row && e.RowEvent.RowChanges[0].After.Values.Length == 1000)
            && r.Events.Count == 1);
        Assert.Equal(["uks/0 begin", "uks/0 row uks.t 1", "uks/0 row uks.t 2", "uks/0 row uks.t 3", "uks/0 row uks.t big", "uks/0 row uks.t 4",
            "uks/0 vgtid uks/0=MariaDB/0-1-1", "uks/0 commit"], stream.Formatted);
    }

    [Fact]
    public async Task Stream_ResponsesQueuedWhileTheClientIsBusy_GoOutAsOne()
    {
        _shards.Shard("uks", "0")
            .Batch(Ev.Transaction("t", "1", "MariaDB/0-1-1"))
            .Batch(Ev.Transaction("t", "2", "MariaDB/0-1-2"))
            .Batch(Ev.Transaction("t", "3", "MariaDB/0-1-3"))
            .Batch(Ev.Transaction("t", "4", "MariaDB/0-1-4"))
            .Signal(out var allQueued);
        await using var stream = new ResponseReader(Gateway(), TestTopology.Request(("uks", "0", "current")));

        await stream.NextAsync();
        await allQueued.Task.WaitAsync(TimeSpan.FromMinutes(1));
        if (stream.Events.Count(e => e.Type == VEventType.Commit) < 4)
            await stream.NextAsync();

        Assert.Equal(4, stream.Events.Count(e => e.Type == VEventType.Commit));
        Assert.True(stream.Responses.Count <= 2, $"{stream.Responses.Count} responses for four queued transactions");
        Assert.Equal(["1", "2", "3", "4"], stream.Events.Where(e => e.Type == VEventType.Row).Select(e => e.RowEvent.RowChanges[0].After.Values.ToStringUtf8().TrimEnd('.')));
    }

    /// <summary>
    /// A batch holding several transactions (a hub hands a subscriber all it missed) goes out as one response with a VGTID
    /// after each transaction; the transaction still open at the batch's end is not sent, so another shard's transaction
    /// may go first, and the open one arrives whole once its COMMIT comes.
    /// </summary>
    [Fact]
    public async Task Stream_BatchOfSeveralTransactions_OneResponseVgtidAfterEachOpenOneKeptWhole()
    {
        _shards.Shard("ks", "-80")
            .Batch([.. Ev.Transaction("t", "a1", "MariaDB/0-1-1"), .. Ev.Transaction("t", "a2", "MariaDB/0-1-2"), Ev.Begin(), Ev.Row("t", "a3")])
            .Gate(out var resumeA)
            .Batch(Ev.Row("t", "a3x"), Ev.Gtid("MariaDB/0-1-3"), Ev.Commit());
        _shards.Shard("ks", "80-").Gate(out var startB).Batch(Ev.Transaction("t", "b1", "MariaDB/0-2-1"));
        await using var stream = new ResponseReader(Gateway(), TwoShards());

        await stream.ReadUntilAsync(VEventType.Commit, 2);
        Assert.Single(stream.Responses);
        startB.SetResult();
        await stream.ReadUntilAsync(VEventType.Commit, 3);
        resumeA.SetResult();
        await stream.ReadUntilAsync(VEventType.Commit, 4);

        Assert.Equal(
        [
            "ks/-80 begin", "ks/-80 row ks.t a1", "ks/-80 vgtid ks/-80=MariaDB/0-1-1,ks/80-=current", "ks/-80 commit",
            "ks/-80 begin", "ks/-80 row ks.t a2", "ks/-80 vgtid ks/-80=MariaDB/0-1-2,ks/80-=current", "ks/-80 commit",
            "ks/80- begin", "ks/80- row ks.t b1", "ks/80- vgtid ks/-80=MariaDB/0-1-2,ks/80-=MariaDB/0-2-1", "ks/80- commit",
            "ks/-80 begin", "ks/-80 row ks.t a3", "ks/-80 row ks.t a3x", "ks/-80 vgtid ks/-80=MariaDB/0-1-3,ks/80-=MariaDB/0-2-1", "ks/-80 commit",
        ], stream.Formatted);
    }

    [Fact]
    public async Task Stream_TransactionChunkSize_FlushesBeforeCommitAndKeepsOtherShardsOut()
    {
        _shards.Shard("ks", "-80")
            .Batch(Ev.Begin(), Ev.Row("t", "a1", 200))
            .Gate(out var resumeA)
            .Batch(Ev.Row("t", "a2"), Ev.Gtid("MariaDB/0-1-1"), Ev.Commit());
        _shards.Shard("ks", "80-").Gate(out var startB).Batch(Ev.Transaction("t", "b1", "MariaDB/0-2-1"));
        var request = TwoShards();
        request.Flags = new VStreamFlags { TransactionChunkSize = 100 };
        await using var stream = new ResponseReader(Gateway(), request);

        // The first chunk arrives before A's COMMIT exists.
        await stream.ReadUntilAsync(VEventType.Row, 1);
        Assert.Equal(["ks/-80 begin", "ks/-80 row ks.t a1"], stream.Formatted);

        // B completes a transaction while A holds the stream: it must wait.
        startB.SetResult();
        var next = stream.MoveNextAsync().AsTask();
        await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(next.IsCompleted, "another shard's events went out inside a chunked transaction");
        resumeA.SetResult();
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        stream.Responses.Add(stream.Current);
        await stream.ReadUntilAsync(VEventType.Commit, 2);

        Assert.Equal(
        [
            "ks/-80 begin", "ks/-80 row ks.t a1", "ks/-80 row ks.t a2", "ks/-80 vgtid ks/-80=MariaDB/0-1-1,ks/80-=current", "ks/-80 commit",
            "ks/80- begin", "ks/80- row ks.t b1", "ks/80- vgtid ks/-80=MariaDB/0-1-1,ks/80-=MariaDB/0-2-1", "ks/80- commit",
        ], stream.Formatted);
    }

    [Fact]
    public async Task Stream_RetriableError_ReopensAtLastPositionOnAnotherSource()
    {
        _shards.Shard("ks", "-80")
            .Batch(Ev.Begin(), Ev.LastPk("t", 4), Ev.Gtid("MariaDB/0-1-5"), Ev.Commit())
            .Batch(Ev.Begin(), Ev.Row("t", "lost"))
            .Fail(VStreamException.Unavailable("ks/-80: connection lost"))
            .ThenReopen()
            .Batch(Ev.Transaction("t", "6", "MariaDB/0-1-6"));
        await using var stream = new ResponseReader(Gateway(), TwoShards());

        await stream.ReadUntilAsync(VEventType.Commit, 2);

        var opens = _shards.OpensOf("ks", "-80").ToList();
        Assert.Equal(2, opens.Count);
        Assert.Equal(("current", "s1"), (opens[0].Request.Position, opens[0].Source));
        Assert.Equal("MariaDB/0-1-5", opens[1].Request.Position);
        Assert.Equal("t", Assert.Single(opens[1].Request.TablePKs).TableName);
        Assert.Equal(["s1"], opens[1].Request.FailedSources);
        Assert.Equal("s2", opens[1].Source);
        Assert.DoesNotContain("ks/-80 row ks.t lost", stream.Formatted);
        Assert.Contains("ks/-80 row ks.t 6", stream.Formatted);
        // The other shard's pump starts on its own task and may not have opened yet; it opens once and is never reopened.
        for (var waited = 0; !_shards.OpensOf("ks", "80-").Any() && waited < 60_000; waited += 10)
            await Task.Delay(10);
        Assert.Single(_shards.OpensOf("ks", "80-"));
    }

    [Fact]
    public async Task Stream_GtidSetMismatch_RetriedWithSourceExcluded()
    {
        _shards.Shard("uks", "0")
            .Fail(VStreamException.InvalidArgument("uks/0: GTIDSet Mismatch: position not found"))
            .ThenReopen()
            .Batch(Ev.Transaction("t", "1", "MariaDB/0-1-1"));
        await using var stream = new ResponseReader(Gateway(), TestTopology.Request(("uks", "0", "MariaDB/0-1-0")));

        await stream.ReadUntilAsync(VEventType.Commit, 1);

        var reopen = _shards.OpensOf("uks", "0").Last();
        Assert.Equal(["s1"], reopen.Request.ExcludedSources);
        Assert.Equal("s2", reopen.Source);
        Assert.Equal("MariaDB/0-1-0", reopen.Request.Position);
    }

    [Fact]
    public async Task Stream_ThreeConsecutiveFailures_UnavailableGivingUp()
    {
        _shards.Shard("uks", "0")
            .Fail(VStreamException.Unavailable("boom 1")).ThenReopen()
            .Batch(Ev.Heartbeat()).Fail(VStreamException.Unavailable("boom 2")).ThenReopen() // an event resets the count
            .Fail(VStreamException.FailedPrecondition("boom 3")).ThenReopen()
            .Fail(VStreamException.Unavailable("boom 4")).ThenReopen()
            .Batch(Ev.Transaction("t", "never", "MariaDB/0-1-1"));
        await using var stream = new ResponseReader(Gateway(), TestTopology.Request(("uks", "0", "current")));

        var error = Assert.IsType<VStreamException>(await stream.ReadUntilErrorAsync());

        Assert.Equal(Code.Unavailable, error.Code);
        Assert.True(error.Message.Contains("giving up after 3 consecutive failures: boom 4", StringComparison.Ordinal), error.Message);
        Assert.Equal(4, _shards.OpensOf("uks", "0").Count());
    }

    [Fact]
    public async Task Stream_FatalError_EndsStreamWithItsCodeAndStopsOtherShards()
    {
        _shards.Shard("ks", "-80").Batch(Ev.Transaction("t", "1", "MariaDB/0-1-1"));
        _shards.Shard("ks", "80-").Gate(out var fail).Fail(VStreamException.Internal("ks/80-: unreadable binlog data"));
        await using var stream = new ResponseReader(Gateway(), TwoShards());

        await stream.ReadUntilAsync(VEventType.Commit, 1);
        fail.SetResult();
        var error = Assert.IsType<VStreamException>(await stream.ReadUntilErrorAsync());

        Assert.Equal(Code.Internal, error.Code);
        Assert.Equal("ks/80-: unreadable binlog data", error.Message);
        Assert.True(await _shards.OpensOf("ks", "-80").Single().Ended.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(_shards.OpensOf("ks", "80-"));
    }

    [Fact]
    public async Task Stream_MalformedPosition_FailsBeforeAnyShardOpens()
    {
        await using var stream = new ResponseReader(Gateway(), TwoShards("MariaDB/0-1-1", "MySQL56/not-a-gtid"));

        var error = Assert.IsType<VStreamException>(await stream.ReadUntilErrorAsync());

        Assert.Equal(Code.InvalidArgument, error.Code);
        Assert.Empty(_shards.Opens);
    }

    [Fact]
    public async Task Stream_ClientCancels_AllShardsStopAndNothingLoggedAsError()
    {
        _shards.Shard("ks", "-80").Batch(Ev.Transaction("t", "1", "MariaDB/0-1-1"));
        var stream = new ResponseReader(Gateway(), TwoShards());
        await stream.ReadUntilAsync(VEventType.Commit, 1);

        var next = stream.MoveNextAsync().AsTask();
        stream.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(TimeSpan.FromSeconds(10)));
        await stream.DisposeAsync();

        foreach (var open in _shards.Opens)
            Assert.True(await open.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Stream_MinimizeSkewWithChunking_ChunkingIgnoredWithWarning()
    {
        var request = TestTopology.Request(("uks", "0", "current"));
        request.Flags = new VStreamFlags { MinimizeSkew = true, TransactionChunkSize = 10 };
        _shards.Shard("uks", "0").Batch(Ev.Begin(), Ev.Row("t", "1", 100)).Batch(Ev.Gtid("MariaDB/0-1-1"), Ev.Commit());
        await using var stream = new ResponseReader(Gateway(), request);

        var first = await stream.NextAsync();

        Assert.Equal(4, first.Events.Count);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("transaction_chunk_size 10 is ignored", StringComparison.Ordinal));
    }
}
