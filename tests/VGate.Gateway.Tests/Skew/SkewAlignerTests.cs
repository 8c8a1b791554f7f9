using Binlogdata;
using Microsoft.Extensions.Time.Testing;
using VGate.Gateway.Skew;
using VGate.Gateway.Tests.Fakes;
using VGate.VStreamer;
using Vtgate;
using Vtrpc;

namespace VGate.Gateway.Tests.Skew;

/// <summary><c>minimize_skew</c> over fake shards: merge order by event time, heartbeats, and the skew timeout.</summary>
public sealed class SkewAlignerTests
{
    private readonly FakeShardStreamFactory _shards = new();

    private static VEvent[] Transaction(string value, string position, long timestamp)
    {
        var events = Ev.Transaction("t", value, position);
        foreach (var e in events)
            e.Timestamp = timestamp;
        return events;
    }

    /// <summary>A tablet heartbeat as VGate's streamer sends it: no timestamp, the time in current_time.</summary>
    private static VEvent Heartbeat(long seconds) => new() { Type = VEventType.Heartbeat, CurrentTime = seconds * 1_000_000_000 };

    private static VStreamRequest TwoShards(bool minimizeSkew)
    {
        var request = TestTopology.Request(("ks", "-80", "MariaDB/0-1-0"), ("ks", "80-", "MariaDB/0-2-0"));
        request.Flags = new VStreamFlags { MinimizeSkew = minimizeSkew };
        return request;
    }

    [Fact]
    public async Task Stream_MinimizeSkew_ShardsInterleavedByEventTime()
    {
        _shards.Shard("ks", "-80")
            .Batch(Transaction("a100", "MariaDB/0-1-1", 100))
            .Batch(Transaction("a110", "MariaDB/0-1-2", 110))
            .Batch(Transaction("a120", "MariaDB/0-1-3", 120))
            .Batch(Heartbeat(200));
        _shards.Shard("ks", "80-")
            .Batch(Transaction("b105", "MariaDB/0-2-1", 105))
            .Batch(Transaction("b115", "MariaDB/0-2-2", 115))
            .Batch(Transaction("b125", "MariaDB/0-2-3", 125))
            .Batch(Heartbeat(200));
        await using var stream = new ResponseReader(new VStreamGateway(TestTopology.Create(), _shards), TwoShards(minimizeSkew: true));

        await stream.ReadUntilAsync(VEventType.Commit, 6);

        Assert.Equal(["a100", "b105", "a110", "b115", "a120", "b125"],
            stream.Events.Where(e => e.Type == VEventType.Row).Select(e => e.RowEvent.RowChanges[0].After.Values.ToStringUtf8()));
    }

    [Fact]
    public async Task Stream_MinimizeSkewAndAShardGoesIdle_HeartbeatsLetTheOthersContinue()
    {
        // Shard A has one old transaction and then only heartbeats: B's newer transactions must not wait for A forever.
        _shards.Shard("ks", "-80")
            .Batch(Transaction("a1", "MariaDB/0-1-1", 1_000))
            .Batch(Heartbeat(5_000));
        _shards.Shard("ks", "80-")
            .Batch(Transaction("b1", "MariaDB/0-2-1", 5_000))
            .Batch(Transaction("b2", "MariaDB/0-2-2", 5_001));
        await using var stream = new ResponseReader(new VStreamGateway(TestTopology.Create(), _shards), TwoShards(minimizeSkew: true));

        await stream.ReadUntilAsync(VEventType.Commit, 3);

        Assert.Equal(["a1", "b1", "b2"],
            stream.Events.Where(e => e.Type == VEventType.Row).Select(e => e.RowEvent.RowChanges[0].After.Values.ToStringUtf8()));
    }

    [Fact]
    public async Task Stream_MinimizeSkewAndTheSlowestShardStalls_CanceledAfterTheSkewTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        _shards.Shard("ks", "-80").Batch(Transaction("a1", "MariaDB/0-1-1", 100));
        _shards.Shard("ks", "80-").Batch(Transaction("b1", "MariaDB/0-2-1", 500));
        var options = TestTopology.Create();
        options.SkewTimeout = TimeSpan.FromMinutes(10);
        // The fake shards send no heartbeats; a real silent laggard would also trip the liveness check (10 min as well).
        options.LivenessTimeout = TimeSpan.FromHours(1);
        await using var stream = new ResponseReader(new VStreamGateway(options, _shards, time), TwoShards(minimizeSkew: true));

        await stream.ReadUntilAsync(VEventType.Commit, 1);
        var failure = stream.ReadUntilErrorAsync();
        while (!failure.IsCompleted)
        {
            // B waits on A (400 s behind, then silent); fake time runs out the skew timeout.
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAny(failure, Task.Delay(20));
        }

        var error = Assert.IsType<VStreamException>(await failure);
        Assert.Equal(Code.Canceled, error.Code);
        Assert.Contains("timed out while waiting for skew to reduce for stream ks/80-", error.Message, StringComparison.Ordinal);
        Assert.Equal("a1", Assert.Single(stream.Events, e => e.Type == VEventType.Row).RowEvent.RowChanges[0].After.Values.ToStringUtf8());
    }

    [Fact]
    public async Task Stream_NoEventFromAnyShardForTheLivenessTimeout_Unavailable()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        _shards.Shard("ks", "-80").Batch(Transaction("a1", "MariaDB/0-1-1", 100));
        _shards.Shard("ks", "80-");
        var options = TestTopology.Create();
        options.LivenessTimeout = TimeSpan.FromMinutes(10);
        await using var stream = new ResponseReader(new VStreamGateway(options, _shards, time), TwoShards(minimizeSkew: false));

        await stream.ReadUntilAsync(VEventType.Commit, 1);
        var failure = stream.ReadUntilErrorAsync();
        var advanced = TimeSpan.Zero;
        while (!failure.IsCompleted)
        {
            // Both shards are silent from here on (no heartbeats either): a hung source.
            time.Advance(TimeSpan.FromMinutes(1));
            advanced += TimeSpan.FromMinutes(1);
            await Task.WhenAny(failure, Task.Delay(20));
        }

        var error = Assert.IsType<VStreamException>(await failure);
        Assert.Equal(Code.Unavailable, error.Code);
        Assert.Contains("vstream failed liveness checks", error.Message, StringComparison.Ordinal);
        Assert.True(advanced >= TimeSpan.FromMinutes(10), $"failed after {advanced}");
    }

    [Fact]
    public async Task Stream_MinimizeSkewWithCopyingShard_StreamingShardNotHeldBack()
    {
        // Shard A is in its copy phase (copy events have no time) and has not finished; B streams meanwhile.
        VEvent[] copy = [Ev.Begin(), Ev.Field("t"), Ev.Row("t", "copied"), Ev.LastPk("t", 1), Ev.Commit()];
        foreach (var e in copy)
            e.Timestamp = 0;
        _shards.Shard("ks", "-80").Batch(copy);
        _shards.Shard("ks", "80-")
            .Batch(Transaction("b1", "MariaDB/0-2-1", 100))
            .Batch(Transaction("b2", "MariaDB/0-2-2", 900));
        var request = TestTopology.Request(("ks", "-80", ""), ("ks", "80-", "MariaDB/0-2-0"));
        request.Flags = new VStreamFlags { MinimizeSkew = true };
        await using var stream = new ResponseReader(new VStreamGateway(TestTopology.Create(), _shards), request);

        await stream.ReadUntilAsync(VEventType.Commit, 3);

        Assert.Equal(["b1", "b2", "copied"],
            stream.Events.Where(e => e.Type == VEventType.Row).Select(e => e.RowEvent.RowChanges[0].After.Values.ToStringUtf8()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(VEventType.Commit, 42, 0, 42)]
    [InlineData(VEventType.Heartbeat, 0, 77_000_000_000, 77)]
    [InlineData(VEventType.Row, 0, 77_000_000_000, 0)]
    [InlineData(VEventType.CopyCompleted, 0, 0, 0)]
    public void EventTime_TimestampOrHeartbeatClock(VEventType type, long timestamp, long currentTime, long expected) =>
        Assert.Equal(expected, SkewAligner.EventTime(new VEvent { Type = type, Timestamp = timestamp, CurrentTime = currentTime }));
}
