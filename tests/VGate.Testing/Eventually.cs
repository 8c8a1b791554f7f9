namespace VGate.Testing;

/// <summary>
/// Polls a condition until it holds or a deadline passes; the replacement for sleeping in tests.
/// Polling starts at 10 ms and backs off to 200 ms between attempts.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Runs <paramref name="assertion"/> until it stops throwing. When <paramref name="timeout"/> passes, throws a
    /// <see cref="TimeoutException"/> whose inner exception is the last failure.
    /// </summary>
    public static Task AssertAsync(Action assertion, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        return AssertAsync(
            () =>
            {
                assertion();
                return Task.CompletedTask;
            },
            timeout,
            cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="assertion"/> until it completes without throwing. When <paramref name="timeout"/> passes,
    /// throws a <see cref="TimeoutException"/> whose inner exception is the last failure.
    /// </summary>
    public static async Task AssertAsync(Func<Task> assertion, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var deadline = DateTime.UtcNow + timeout;
        var delay = FirstDelay;
        var attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                await assertion().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException($"Condition still failing after {timeout.TotalSeconds:0.###} s ({attempts} attempts): {ex.Message}", ex);
                }
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>
    /// Calls <paramref name="probe"/> until <paramref name="condition"/> accepts its result and returns that result.
    /// Exceptions from the probe count as "not yet". When <paramref name="timeout"/> passes, throws a
    /// <see cref="TimeoutException"/> naming the last value seen.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(condition);
        T result = default!;
        await AssertAsync(
            async () =>
            {
                var value = await probe().ConfigureAwait(false);
                if (!condition(value))
                {
                    throw new InvalidOperationException($"last value: {value?.ToString() ?? "null"}");
                }

                result = value;
            },
            timeout,
            cancellationToken).ConfigureAwait(false);
        return result;
    }
}
