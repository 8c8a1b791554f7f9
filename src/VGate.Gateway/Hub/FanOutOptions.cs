namespace VGate.Gateway.Hub;

/// <summary>
/// Settings of the fan-out hub (<c>VGate:FanOut</c>): subscribers of one shard that ask for the same stream (same
/// keyspace, shard, source role and filter) share one binlog reader and a bounded ring of its recent batches.
/// </summary>
public sealed class FanOutOptions
{
    /// <summary>Whether shard streams share readers through hubs. Default true; false gives every stream its own connection.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How much memory a hub's ring of recent batches may keep (estimated from the events' sizes: four times the
    /// serialized size plus 400 bytes of objects per event, see <see cref="ShardHub"/>). A subscriber whose position is inside the ring
    /// attaches there; one that falls further behind the fastest subscriber than this reads on its own connection until it
    /// catches up. Default 16 MiB per hub; the process's RSS grows by up to about twice this per busy hub (garbage-collector
    /// headroom on top of the live objects).
    /// </summary>
    public long RingBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// How much of what every attached subscriber has already read a hub keeps (estimated like <see cref="RingBytes"/>), so a
    /// client that reconnects at a recent position attaches at once instead of catching up on a connection of its own. The
    /// ring grows beyond this only for subscribers that are behind. Kept small on purpose: whatever the ring holds survives
    /// the garbage collector's young generations, and a ring full of already-read history made every transaction survive
    /// them, which cost 30–90 ms of collection pauses a second at 5,000 transactions a second (bench/results/README-history-until-2026-12-07.md). Default
    /// 1 MiB; at most <see cref="RingBytes"/>.
    /// </summary>
    public long ReplayBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a hub keeps reading after its last subscriber left, so a reconnecting client finds it. Default 5 s.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// From how many attached subscribers a hub wakes them on a shared clock, every <see cref="CoalesceInterval"/>, instead of
    /// after every transaction: each then takes all the transactions of the interval in one pass and one response, which
    /// makes many subscribers much cheaper (see <see cref="HubWakeClock"/>) for at most one interval of added latency. Hubs
    /// with fewer subscribers wake them at once. Default 16; 0 turns coalescing off.
    /// </summary>
    public int CoalesceSubscribers { get; set; } = 16;

    /// <summary>The shared clock's period for hubs with at least <see cref="CoalesceSubscribers"/> subscribers. Default 5 ms.</summary>
    public TimeSpan CoalesceInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Whether the streams of one shard and source share one replication connection whatever their filters (one
    /// <c>Binlog Dump</c> thread per shard and source role): every hub's reader, and every stream that reads on its own,
    /// parses the raw events of one shared reader with its own filter. Default true; false gives every hub (every distinct
    /// filter) its own connection. Only with <see cref="Enabled"/>.
    /// </summary>
    public bool ShareReaders { get; set; } = true;

    /// <summary>
    /// How many bytes of raw binlog events (as received) a shared reader keeps for the streams that read it. A stream that
    /// falls this far behind the fastest one continues on a connection of its own (at a transaction boundary; in the middle
    /// of a transaction it reopens at its last position) and joins again once it caught up; the reader waits while even the
    /// fastest stream has not read its oldest event. Already-read events are kept up to a quarter of this, so a stream that
    /// restarts at a recent position finds it. Default 16 MiB per shard and source; at least 1 MiB.
    /// </summary>
    public long SharedReaderRingBytes { get; set; } = 16L * 1024 * 1024;
}
