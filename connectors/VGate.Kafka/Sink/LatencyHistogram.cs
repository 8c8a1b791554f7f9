namespace VGate.Kafka.Sink;

/// <summary>
/// A thread-safe latency histogram with logarithmic buckets (5 % wide, 10 µs to about an hour): constant memory,
/// percentiles accurate to the bucket width.
/// </summary>
public sealed class LatencyHistogram
{
    private const double Smallest = 0.01; // milliseconds
    private const double Growth = 1.05;
    private const int BucketCount = 400;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _buckets = new long[BucketCount];
    private readonly Lock _lock = new();
    private long _count;
    private double _max;

    /// <summary>Number of samples.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
                return _count;
        }
    }

    /// <summary>Adds one sample in milliseconds.</summary>
    public void Record(double milliseconds)
    {
        var bucket = milliseconds <= Smallest ? 0 : Math.Min(BucketCount - 1, (int)Math.Ceiling(Math.Log(milliseconds / Smallest) / LogGrowth));
        lock (_lock)
        {
            _buckets[bucket]++;
            _count++;
            _max = Math.Max(_max, milliseconds);
        }
    }

    /// <summary>The <paramref name="quantile"/> (0..1) in milliseconds (the upper edge of its bucket); 0 without samples.</summary>
    public double Percentile(double quantile)
    {
        lock (_lock)
        {
            if (_count == 0)
                return 0;
            var rank = (long)Math.Ceiling(quantile * _count);
            long seen = 0;
            for (var i = 0; i < BucketCount; i++)
            {
                seen += _buckets[i];
                if (seen >= Math.Max(1, rank))
                    return Math.Min(_max, Smallest * Math.Pow(Growth, i));
            }
            return _max;
        }
    }

    /// <summary>Largest sample in milliseconds.</summary>
    public double Max
    {
        get
        {
            lock (_lock)
                return _max;
        }
    }
}
