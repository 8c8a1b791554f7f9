namespace VGate.Kafka.Logging;

/// <summary>
/// Lets the first line of a kind through and holds back its repeats for a window: an unreachable broker makes librdkafka
/// report the same failure for every connection attempt of every client (about 200 lines in 5 s), which buried everything
/// else at Information. The first line after a window says how many were held back.
/// </summary>
internal sealed class RepeatLimiter(TimeSpan window, TimeProvider time)
{
    private readonly Dictionary<string, (long Since, int Held)> _kinds = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether to log a line of <paramref name="kind"/> now, and how many lines of that kind were held back since the last
    /// one logged.
    /// </summary>
    public bool ShouldLog(string kind, out int held)
    {
        var now = time.GetTimestamp();
        lock (_kinds)
        {
            if (_kinds.TryGetValue(kind, out var entry) && time.GetElapsedTime(entry.Since, now) < window)
            {
                _kinds[kind] = (entry.Since, entry.Held + 1);
                held = 0;
                return false;
            }
            held = entry.Held;
            _kinds[kind] = (now, 0);
            return true;
        }
    }
}
