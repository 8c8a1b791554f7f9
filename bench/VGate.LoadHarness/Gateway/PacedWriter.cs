using System.Diagnostics;
using MySqlConnector;

/// <summary>
/// Inserts single-row transactions (autocommit) into <c>lat</c> at a steady total rate, half on each shard, from
/// several connections per shard. Each row carries its send time (<see cref="Stopwatch.GetTimestamp"/>), so a subscriber
/// in this process can compute commit→client latency from the row alone.
/// </summary>
internal sealed class PacedWriter
{
    private readonly BenchCluster _cluster;
    private readonly double _rate;
    private readonly int _connectionsPerShard;

    public PacedWriter(BenchCluster cluster, double transactionsPerSecond, int connectionsPerShard = 8)
    {
        _cluster = cluster;
        _rate = transactionsPerSecond;
        _connectionsPerShard = connectionsPerShard;
    }

    /// <summary>When each transaction's INSERT returned (Stopwatch ticks), indexed by id − first id; 0 if not sent.</summary>
    public long[] Acknowledged { get; private set; } = [];

    /// <summary>When each transaction was sent (Stopwatch ticks), indexed by id − first id.</summary>
    public long[] Sent { get; private set; } = [];

    /// <summary>Transactions sent, and when the first and the last were sent.</summary>
    public sealed record Result(long Transactions, long FirstSent, long LastSent)
    {
        public double AchievedRate => Transactions / Stopwatch.GetElapsedTime(FirstSent, LastSent).TotalSeconds;
    }

    /// <summary>
    /// Sends <paramref name="seconds"/> × rate transactions, ids from <paramref name="firstId"/> (even ids on the first
    /// shard, odd ids on the second). A writer that falls behind its schedule sends at once, so the achieved rate shows
    /// whether the machine kept up.
    /// </summary>
    public async Task<Result> RunAsync(double seconds, long firstId)
    {
        var total = (long)(seconds * _rate);
        var perShard = (total + 1) / 2;
        var interval = TimeSpan.FromSeconds(2 / _rate);
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        long first = long.MaxValue, last = 0, sent = 0;
        var counters = new long[_cluster.Shards.Count];
        var acknowledged = Acknowledged = new long[perShard * _cluster.Shards.Count];
        var sentTimes = Sent = new long[perShard * _cluster.Shards.Count];
        var tasks = new List<Task>();
        for (var s = 0; s < _cluster.Shards.Count; s++)
        {
            var shard = s;
            for (var c = 0; c < _connectionsPerShard; c++)
            {
                tasks.Add(Task.Run(async () =>
                {
                    await using var connection = await _cluster.Shards[shard].Server.OpenConnectionAsync(BenchCluster.Database);
                    using var insert = new MySqlCommand("INSERT INTO lat (id, sent, pad) VALUES (@id, @sent, 'payload-of-a-steady-stream-of-small-transactions')", connection);
                    var id = insert.Parameters.Add("@id", MySqlDbType.Int64);
                    var sentAt = insert.Parameters.Add("@sent", MySqlDbType.Int64);
                    await insert.PrepareAsync();
                    while (true)
                    {
                        var slot = Interlocked.Increment(ref counters[shard]) - 1;
                        if (slot >= perShard)
                            return;
                        var due = start + (long)(slot * interval.TotalSeconds * Stopwatch.Frequency);
                        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                        if (wait > TimeSpan.FromMilliseconds(1))
                            await Task.Delay(wait);
                        id.Value = firstId + (slot * 2) + shard;
                        var now = Stopwatch.GetTimestamp();
                        sentAt.Value = now;
                        await insert.ExecuteNonQueryAsync();
                        sentTimes[(slot * 2) + shard] = now;
                        acknowledged[(slot * 2) + shard] = Stopwatch.GetTimestamp();
                        InterlockedMin(ref first, now);
                        InterlockedMax(ref last, now);
                        Interlocked.Increment(ref sent);
                    }
                }));
            }
        }
        await Task.WhenAll(tasks);
        return new Result(sent, first, last);
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long current;
        while (value < (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
