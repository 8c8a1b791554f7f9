using VGate.MySql.Protocol;

namespace VGate.MySql.Replication;

/// <summary>
/// Closes the replication connection when the source has sent nothing — not even a heartbeat — for longer than
/// <see cref="Timeout"/>, so a dead network path turns into an error instead of a read that never returns.
/// The reader calls <see cref="Touch"/> on every packet; the check runs on a timer from the injected time provider.
/// </summary>
internal sealed class SilenceWatchdog(TimeProvider timeProvider, TimeSpan timeout)
{
    private long _lastActivity = timeProvider.GetTimestamp();
    private volatile bool _fired;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>True once the watchdog has closed the connection.</summary>
    public bool Fired => _fired;

    public void Touch() => Volatile.Write(ref _lastActivity, timeProvider.GetTimestamp());

    public async Task RunAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Max(Timeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        using var timer = new PeriodicTimer(period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var silent = timeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity));
                if (silent > Timeout)
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
