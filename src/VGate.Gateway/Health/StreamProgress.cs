using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using VGate.VStreamer;

namespace VGate.Gateway.Health;

/// <summary>One binlog file of a source and its size (<c>SHOW BINARY LOGS</c>); the last one's size is where the source's binlog ends.</summary>
public sealed record BinlogFileSize(string Name, long Size);

/// <summary>
/// How far one shard stream has read its source (<see cref="IShardStreamProgress"/>, given to its
/// <see cref="ShardStreamer"/>): file, position and time of the last binlog event, and the copy phase's tables.
/// </summary>
internal sealed class ShardStreamProgress(string keyspace, string shard, string source, TimeProvider time) : IShardStreamProgress
{
    // The copy tables change a few times per table: a lock. The binlog position changes on every event of the stream, so it
    // is published without one (a lock per event showed on the per-event path): one writer (the streamer's task) makes
    // _version odd, writes the three fields and makes it even again; a reader retries until it saw the same even version
    // before and after reading them (a sequence lock), so it never pairs one event's file with another's position.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Rows, long? Estimated)> _copy = new(StringComparer.Ordinal);
    private int _version;
    private string? _file;
    private ulong _position;

    /// <summary>UTC ticks of the last event's time; 0 for none yet.</summary>
    private long _eventTicks;

    public string Keyspace => keyspace;

    public string Shard => shard;

    public string Source => source;

    public void BinlogEventRead(string file, ulong nextPosition, uint timestamp, bool heartbeat)
    {
        var newFile = file.Length > 0 && !ReferenceEquals(file, _file) && file != _file;
        // Vitess reports a heartbeat's time as the event time (its lag is then 0): the source had nothing newer.
        var eventTicks = heartbeat ? time.GetUtcNow().UtcTicks
            : timestamp > 0 ? DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcTicks
            : 0;
        if (!newFile && nextPosition == 0 && eventTicks == 0)
            return;
        Interlocked.Increment(ref _version); // odd: writing (a full fence, so the writes below are not seen before it)
        if (newFile)
        {
            // A new file (the server's ROTATE): its events start after the 4-byte magic number.
            _file = file;
            _position = 4;
        }
        if (nextPosition > 0)
            _position = nextPosition;
        if (eventTicks != 0)
            _eventTicks = eventTicks;
        Volatile.Write(ref _version, _version + 1); // even: done (a release, so the writes above are seen before it)
    }

    public void CopyTableStarted(string table, long? estimatedRows)
    {
        lock (_lock)
            _copy[table] = (0, estimatedRows);
    }

    public void CopyRowsRead(string table, long rows)
    {
        lock (_lock)
        {
            var (copied, estimated) = _copy.GetValueOrDefault(table);
            _copy[table] = (copied + rows, estimated);
        }
    }

    /// <summary>File and position read up to, and the last event's time; null before the first event.</summary>
    public (string File, ulong Position, DateTimeOffset? EventTime)? Read()
    {
        var spinner = default(SpinWait);
        while (true)
        {
            var before = Volatile.Read(ref _version);
            if ((before & 1) == 0)
            {
                var file = Volatile.Read(ref _file);
                var position = Volatile.Read(ref _position);
                var ticks = Volatile.Read(ref _eventTicks);
                Interlocked.MemoryBarrier(); // the reads above complete before _version is read again
                if (Volatile.Read(ref _version) == before)
                    return file is null ? null : (file, position, ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero));
            }
            spinner.SpinOnce();
        }
    }

    public List<(string Table, long Rows, long? Estimated)> CopyTables()
    {
        lock (_lock)
            return [.. _copy.Select(p => (p.Key, p.Value.Rows, p.Value.Estimated))];
    }

    /// <summary>
    /// Bytes of <paramref name="binlogs"/> (the source's files in order, as of its latest health check) after this reader's
    /// position; null when its file is not among them (purged, or another source's). Never negative: the reader may be past
    /// what the check saw.
    /// </summary>
    public static long? BytesBehind(string file, ulong position, IReadOnlyList<BinlogFileSize> binlogs)
    {
        var index = -1;
        for (var i = 0; i < binlogs.Count; i++)
        {
            if (binlogs[i].Name == file)
            {
                index = i;
                break;
            }
        }
        if (index < 0)
            return null;
        var behind = Math.Max(0, binlogs[index].Size - (long)Math.Min(position, long.MaxValue));
        for (var i = index + 1; i < binlogs.Count; i++)
            behind += binlogs[i].Size;
        return behind;
    }
}

/// <summary>
/// The shard streams running now and the gateway's lag and copy metrics computed from them (on the
/// <see cref="SourceHealthMonitor"/>'s meter, so they go when it goes). Per keyspace and shard, the worst stream counts.
/// </summary>
internal sealed class StreamProgressRegistry
{
    private readonly ConcurrentDictionary<ShardStreamProgress, byte> _streams = new();
    private readonly Func<string, string, string, SourceHealth?> _health;
    private readonly TimeProvider _time;

    public StreamProgressRegistry(Meter meter, Func<string, string, string, SourceHealth?> health, TimeProvider time)
    {
        _health = health;
        _time = time;
        meter.CreateObservableGauge("vgate.gateway.shard.lag", MeasureSeconds, "s",
            "Seconds the shard's stream is behind its source: now minus the time of the last binlog event read (0 at a heartbeat or when no byte is left to read)");
        meter.CreateObservableGauge("vgate.gateway.shard.lag.bytes", MeasureBytes, "By",
            "Binlog bytes of the source not yet read by the shard's stream, as of the source's latest health check");
        meter.CreateObservableGauge("vgate.gateway.copy.rows", MeasureCopied, "{row}",
            "Rows of a table read by the copy phase of the running streams");
        meter.CreateObservableGauge("vgate.gateway.copy.rows.estimated", MeasureEstimated, "{row}",
            "Estimated rows of a table being or having been copied (information_schema TABLE_ROWS when its copy started)");
    }

    /// <summary>Registers a stream until the returned progress is passed to <see cref="Remove"/>.</summary>
    public ShardStreamProgress Add(string keyspace, string shard, string source)
    {
        var progress = new ShardStreamProgress(keyspace, shard, source, _time);
        _streams[progress] = 0;
        return progress;
    }

    public void Remove(ShardStreamProgress progress) => _streams.TryRemove(progress, out _);

    /// <summary>Per stream: bytes behind (null when unknown) and seconds behind (null before the first event).</summary>
    private IEnumerable<(ShardStreamProgress Stream, long? Bytes, double? Seconds)> Lags()
    {
        var now = _time.GetUtcNow();
        foreach (var stream in _streams.Keys)
        {
            if (stream.Read() is not { } read)
                continue;
            var binlogs = _health(stream.Keyspace, stream.Shard, stream.Source)?.Binlogs;
            var bytes = binlogs is null ? null : ShardStreamProgress.BytesBehind(read.File, read.Position, binlogs);
            // Nothing left to read: not behind, however old the last event is (an idle source writes nothing).
            double? seconds = bytes == 0 ? 0 : read.EventTime is { } at ? Math.Max(0, (now - at).TotalSeconds) : null;
            yield return (stream, bytes, seconds);
        }
    }

    private IEnumerable<Measurement<double>> MeasureSeconds() =>
        Lags().Where(l => l.Seconds is not null)
            .GroupBy(l => (l.Stream.Keyspace, l.Stream.Shard))
            .Select(g => new Measurement<double>(g.Max(l => l.Seconds!.Value), Tags(g.Key.Keyspace, g.Key.Shard)));

    private IEnumerable<Measurement<long>> MeasureBytes() =>
        Lags().Where(l => l.Bytes is not null)
            .GroupBy(l => (l.Stream.Keyspace, l.Stream.Shard))
            .Select(g => new Measurement<long>(g.Max(l => l.Bytes!.Value), Tags(g.Key.Keyspace, g.Key.Shard)));

    private IEnumerable<(string Keyspace, string Shard, string Table, long Rows, long? Estimated)> CopyTables() =>
        _streams.Keys.SelectMany(s => s.CopyTables().Select(t => (s.Keyspace, s.Shard, t.Table, t.Rows, t.Estimated)));

    // Two streams copying the same table each read all of it: the one furthest along counts.
    private IEnumerable<Measurement<long>> MeasureCopied() =>
        CopyTables().GroupBy(t => (t.Keyspace, t.Shard, t.Table))
            .Select(g => new Measurement<long>(g.Max(t => t.Rows), Tags(g.Key.Keyspace, g.Key.Shard, g.Key.Table)));

    private IEnumerable<Measurement<long>> MeasureEstimated() =>
        CopyTables().Where(t => t.Estimated is not null).GroupBy(t => (t.Keyspace, t.Shard, t.Table))
            .Select(g => new Measurement<long>(g.Max(t => t.Estimated!.Value), Tags(g.Key.Keyspace, g.Key.Shard, g.Key.Table)));

    private static KeyValuePair<string, object?>[] Tags(string keyspace, string shard) => [new("keyspace", keyspace), new("shard", shard)];

    private static KeyValuePair<string, object?>[] Tags(string keyspace, string shard, string table) =>
        [new("keyspace", keyspace), new("shard", shard), new("table", table)];
}
