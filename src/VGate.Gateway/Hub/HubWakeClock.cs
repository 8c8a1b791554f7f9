namespace VGate.Gateway.Hub;

/// <summary>
/// Wakes the subscribers of busy hubs together, at most once per <see cref="FanOutOptions.CoalesceInterval"/>, instead of once
/// per transaction. Shared by all hubs of one <see cref="FanOutShardStreamFactory"/>.
/// </summary>
/// <remarks>
/// <para><b>Why.</b> What each extra subscriber of a hub costs is almost all per delivery, not per byte: a thread-pool wake-up,
/// a pass of its session, a gRPC message, an HTTP/2 frame and a socket write (bench/results/README-history-until-2026-12-07.md, "100 subscribers"). At 1,000
/// single-row transactions a second, 100 subscribers are 100,000 deliveries a second. Woken every 5 ms instead, each
/// subscriber takes every transaction that arrived meanwhile in one pass, and its session sends them as one response: the
/// same bytes in a fraction of the deliveries, for at most one interval of added latency.</para>
/// <para><b>One clock for all hubs.</b> A stream over several shards reads one hub per shard. Woken by the same tick, the
/// shards' pumps queue their transactions at about the same moment, and the session's sender merges them into one response
/// (<see cref="StreamSession"/>), where separate clocks would give one response per shard.</para>
/// <para>A hub asks for a wake-up (<see cref="Defer"/>) when it appends while it has at least
/// <see cref="FanOutOptions.CoalesceSubscribers"/> subscribers; hubs with fewer wake their subscribers at once, so a
/// lone subscriber's latency is unchanged. The timer runs only while some hub waits for a tick.</para>
/// </remarks>
internal sealed class HubWakeClock : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private readonly List<ShardHub> _due = [];
    private bool _armed;
    private bool _disposed;

    public HubWakeClock(TimeProvider time, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(time);
        _interval = interval;
        _timer = time.CreateTimer(static state => ((HubWakeClock)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Wakes <paramref name="hub"/>'s subscribers at the next tick (<see cref="ShardHub.WakeDeferred"/>); false when the clock
    /// is stopped and the hub must wake them itself.
    /// </summary>
    /// <remarks>Called under the hub's lock; this takes only the clock's own lock, which is never held while calling a hub.</remarks>
    public bool Defer(ShardHub hub)
    {
        lock (_lock)
        {
            if (_disposed)
                return false;
            _due.Add(hub);
            if (!_armed)
            {
                _armed = true;
                _timer.Change(_interval, Timeout.InfiniteTimeSpan);
            }
            return true;
        }
    }

    private void Tick()
    {
        // A copy (at most one small array per tick): a late tick may overlap this one when the thread pool is busy.
        ShardHub[] due;
        lock (_lock)
        {
            due = [.. _due];
            _due.Clear();
            _armed = false;
        }
        foreach (var hub in due)
            hub.WakeDeferred();
    }

    /// <summary>Stops the timer; hubs still waiting for a tick are woken now.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        _timer.Dispose();
        Tick();
    }
}
