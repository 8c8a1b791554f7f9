using VGate.MySql.Protocol;

namespace VGate.MySql.Replication;

/// <summary>
/// Closes the replication connection when the source has sent nothing — not even a heartbeat — for longer than
/// <see cref="Timeout"/> while a read is waiting for it, so a dead network path turns into an error instead of a read that
/// never returns.
/// </summary>
/// <remarks>
/// Only the source is judged, never the consumer: the clock runs only between <see cref="ReadStarted"/> and
/// <see cref="ReadEnded"/>, and every batch of bytes that arrives meanwhile (<see cref="BytesReceived"/>, also in the middle
/// of a large packet) restarts it. A consumer that pauses between reads (a full hub ring, a slow gRPC client, a Kafka
/// commit) stops the clock: the server's writes then wait in the socket buffers, and the next read finds them at once.
/// The check runs on a timer from the injected time provider.
/// </remarks>
internal sealed class SilenceWatchdog(TimeProvider timeProvider, TimeSpan timeout)
{
    private long _lastActivity = timeProvider.GetTimestamp();
    private volatile bool _reading;
    private volatile bool _fired;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>True once the watchdog has closed the connection.</summary>
    public bool Fired => _fired;

    /// <summary>A read of the next packet begins: the source has <see cref="Timeout"/> from now to send something.</summary>
    public void ReadStarted()
    {
        // The time first, then the flag: the timer never sees a pending read with a stale time.
        Volatile.Write(ref _lastActivity, timeProvider.GetTimestamp());
        _reading = true;
    }

    /// <summary>Bytes arrived from the source (called by the packet channel for each receive of a pending read).</summary>
    public void BytesReceived() => Volatile.Write(ref _lastActivity, timeProvider.GetTimestamp());

    /// <summary>The read returned (a packet or an error): the consumer's time, not the source's, until the next read.</summary>
    public void ReadEnded() => _reading = false;

    public async Task RunAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Max(Timeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        using var timer = new PeriodicTimer(period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!_reading)
                    continue;
                var silent = timeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity));
                if (silent > Timeout && _reading)
                {
                    _fired = true;
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal end of the stream.
        }
    }
}
