namespace VGate.Gateway;

/// <summary>
/// Figures a <see cref="VStreamGateway"/> keeps over all its streams that make its memory bound observable (tests and
/// diagnostics): the most encoded bytes any shard of any stream held queued at once.
/// </summary>
internal sealed class StreamStatistics
{
    private long _peakQueuedBytes;

    /// <summary>The most encoded bytes one shard of a stream held queued at once (at most the chunk size, or one event).</summary>
    public long PeakQueuedBytes => Volatile.Read(ref _peakQueuedBytes);

    public void ObserveQueuedBytes(long queued)
    {
        var peak = Volatile.Read(ref _peakQueuedBytes);
        while (queued > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakQueuedBytes, queued, peak);
            if (seen == peak)
                return;
            peak = seen;
        }
    }
}
