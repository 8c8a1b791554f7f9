using Binlogdata;
using VGate.VStreamer;

namespace VGate.Gateway.Skew;

/// <summary>
/// <c>minimize_skew</c> (vstream-spec §2.4, Vitess <c>vstream.alignStreams</c>/<c>computeSkew</c>/<c>mustPause</c>):
/// every shard records the time of the event it is about to send; when the newest and the oldest shard are more than
/// <see cref="MaxSkewSeconds"/> apart, the shards ahead wait before sending until the slowest one has caught up, so the
/// merged stream advances roughly in event-time order across shards.
/// </summary>
/// <remarks>
/// <para>Differences from Vitess, each on purpose:</para>
/// <list type="bullet">
/// <item>Event time is the binlog timestamp itself. Vitess adds <c>now − current_time</c> to correct for the clock of the
/// vttablet that parsed the event; VGate's per-shard streamer runs in the gateway process, and events replayed from a fan-out
/// hub carry the <c>current_time</c> of their first reading, so that correction would only add queueing time.</item>
/// <item>A tablet HEARTBEAT (sent when the source has nothing new) counts as "caught up at its <c>current_time</c>"; VGate's
/// streamer leaves the heartbeat's <c>timestamp</c> at 0, where Vitess fills in the tablet's clock.</item>
/// <item>The slowest shard is recomputed at every event (Vitess keeps the first laggard until the spread closes, which can
/// hold a shard that has become the slowest forever).</item>
/// <item>A streaming shard that has not reported any time yet counts as the slowest, so the others wait for its first event
/// or heartbeat (about a second) instead of racing ahead at start; shards in their copy phase (copy events have no time)
/// hold nobody back until their COPY_COMPLETED.</item>
/// <item>The timeout is measured over one event's whole wait rather than between wake-ups.</item>
/// </list>
/// <para>Heartbeats never wait, so an idle shard does not block the others.</para>
/// </remarks>
internal sealed class SkewAligner
{
    /// <summary>The spread tolerated between shards: two one-second roundings, as in Vitess.</summary>
    public const long MaxSkewSeconds = 2;

    private readonly object _lock = new();
    private readonly Dictionary<string, long> _times = new(StringComparer.Ordinal);
    private readonly HashSet<string> _copying = new(StringComparer.Ordinal);
    private readonly string[] _shards;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private TaskCompletionSource _changed = NewSignal();

    /// <param name="shards">Every shard of the stream, as <c>keyspace/shard</c>.</param>
    /// <param name="copying">The shards that start with a copy phase.</param>
    /// <param name="time">Clock for the timeout.</param>
    /// <param name="timeout">How long one event may wait.</param>
    public SkewAligner(IEnumerable<string> shards, IEnumerable<string> copying, TimeProvider time, TimeSpan timeout)
    {
        _shards = [.. shards];
        _copying.UnionWith(copying);
        _time = time;
        _timeout = timeout;
    }

    /// <summary>The event time in seconds used for alignment; 0 when the event has none (copy phase).</summary>
    public static long EventTime(VEvent vevent)
    {
        if (vevent.Timestamp != 0)
            return vevent.Timestamp;
        return vevent.Type == VEventType.Heartbeat ? vevent.CurrentTime / 1_000_000_000 : 0;
    }

    /// <summary>Records a heartbeat of <paramref name="shard"/>; never waits.</summary>
    public void Heartbeat(string shard, VEvent heartbeat)
    {
        var time = EventTime(heartbeat);
        if (time == 0)
            return;
        lock (_lock)
            Record(shard, time);
    }

    /// <summary>The shard finished its copy phase; from now on the others wait for its times.</summary>
    public void CopyCompleted(string shard)
    {
        lock (_lock)
        {
            if (_copying.Remove(shard))
                Signal();
        }
    }

    /// <summary>
    /// Records the time of <paramref name="terminal"/> (the event that ends a group <paramref name="shard"/> is about to send)
    /// and waits while this shard is ahead of the slowest by more than <see cref="MaxSkewSeconds"/>.
    /// </summary>
    /// <exception cref="VStreamException">CANCELED after waiting longer than the skew timeout.</exception>
    public async Task AlignAsync(string shard, VEvent terminal, CancellationToken cancellationToken)
    {
        var time = EventTime(terminal);
        if (time == 0)
            return;
        var started = _time.GetTimestamp();
        lock (_lock)
            Record(shard, time);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (!MustPause(shard))
                    return;
                changed = _changed.Task;
            }

            var remaining = _timeout - _time.GetElapsedTime(started);
            try
            {
                if (remaining <= TimeSpan.Zero)
                    throw new TimeoutException();
                await changed.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw VStreamException.Canceled(
                    $"timed out while waiting for skew to reduce for stream {shard} (waited {_timeout.TotalSeconds:0.#} s; " +
                    $"shard times: {Describe()})");
            }
        }
    }

    private void Record(string shard, long time)
    {
        if (_times.TryGetValue(shard, out var previous) && previous == time)
            return;
        _times[shard] = time;
        Signal();
    }

    /// <summary>Wakes every waiting shard so it re-evaluates (the slowest shard may have changed).</summary>
    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private bool MustPause(string shard)
    {
        var minimum = long.MaxValue;
        string? slowest = null;
        foreach (var other in _shards)
        {
            if (!_times.TryGetValue(other, out var time))
            {
                if (_copying.Contains(other))
                    continue;
                // A streaming shard that has not reported yet may be the slowest of all: wait for it.
                return other != shard;
            }
            if (time < minimum)
            {
                minimum = time;
                slowest = other;
            }
        }
        if (slowest is null || slowest == shard)
            return false;
        return _times[shard] - minimum > MaxSkewSeconds;
    }

    private string Describe()
    {
        lock (_lock)
            return string.Join(", ", _shards.Select(s => _times.TryGetValue(s, out var t) ? $"{s}={t}" : $"{s}=none"));
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
