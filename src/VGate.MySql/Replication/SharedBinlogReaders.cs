using VGate.MySql.Positions;
using VGate.MySql.Protocol;

namespace VGate.MySql.Replication;

/// <summary>
/// Lets the binlog consumers of one source share one replication connection. Each source (a key the caller chooses,
/// e.g. keyspace/shard/role/source) has at most one <see cref="SharedBinlogReader"/>: a <see cref="BinlogClient"/> whose
/// event packets are copied into a bounded ring, with the position after every transaction indexed. Consumers
/// (<see cref="Open"/>) parse the packets themselves, with their own parser, table maps, GTID tracker and transaction
/// classifier, so each one sees exactly the events a connection of its own would give it.
/// </summary>
/// <remarks>
/// <para>A consumer whose start position is a transaction boundary in the ring reads the ring from there; one that starts
/// elsewhere (older than the ring, newer than the reader, <c>current</c>, a file position) reads on a connection of its own
/// and moves onto the ring at the first boundary the ring has (normally once both reached the end of the source's log),
/// closing its connection. A consumer that falls <see cref="RingBytes"/> behind the fastest one is detached: at a
/// transaction boundary it continues on a connection of its own (and joins again later); in the middle of a transaction it
/// fails with a lost connection, which its stream treats as any lost source (reopen at its last position).</para>
/// <para>The reader ends when its last consumer leaves, or with the first error, which every consumer then gets.</para>
/// </remarks>
public sealed class SharedBinlogReaders
{
    private readonly object _lock = new();
    private readonly Dictionary<string, SharedBinlogReader> _readers = new(StringComparer.Ordinal);

    /// <summary>Creates the registry; <paramref name="ringBytes"/> bounds each reader's ring of packets.</summary>
    public SharedBinlogReaders(long ringBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ringBytes, 64 * 1024);
        RingBytes = ringBytes;
    }

    /// <summary>How many bytes of packets a reader keeps at most (the bytes as received).</summary>
    public long RingBytes { get; }

    /// <summary>How many shared readers (replication connections) are open now.</summary>
    public int ReaderCount
    {
        get
        {
            lock (_lock)
                return _readers.Count;
        }
    }

    /// <summary>
    /// A reader of the source named <paramref name="key"/> with the settings of <paramref name="options"/> (its
    /// <see cref="BinlogClientOptions.Start"/> is where this consumer starts). <paramref name="acquireConnection"/>, when
    /// given, is called before every replication connection opened for it (its own, or a new shared reader) and its result
    /// disposed when that connection closes; it may throw to refuse the connection.
    /// </summary>
    public IBinlogEventReader Open(string key, BinlogClientOptions options, Func<IDisposable>? acquireConnection = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        return new SharedBinlogConsumer(this, key, options, acquireConnection);
    }

    /// <summary>
    /// Attaches at <paramref name="position"/> (null: the source's current position) to the key's reader, creating one there
    /// when there is none (<paramref name="acquireConnection"/> then gives its connection lease); null when the reader exists
    /// but does not have that boundary.
    /// </summary>
    internal SharedBinlogReader.Cursor? Attach(string key, BinlogClientOptions options, ReplicationPosition? position, Func<IDisposable?>? acquireConnection)
    {
        lock (_lock)
        {
            if (_readers.TryGetValue(key, out var existing))
            {
                if (position is { } wanted && existing.TryAttach(wanted, out var cursor))
                    return cursor;
                if (!existing.Ended)
                    return null;
                _readers.Remove(key);
            }
            var lease = acquireConnection?.Invoke();
            var reader = new SharedBinlogReader(key, position is { } at ? options.WithStart(BinlogStartPosition.FromGtid(at)) : options.WithStart(BinlogStartPosition.Current),
                position, RingBytes, lease, Remove);
            var first = reader.AttachAtStart();
            _readers[key] = reader;
            reader.Start();
            return first;
        }
    }

    /// <summary>
    /// For a consumer that starts at the source's current position: creates the key's reader there when there is none,
    /// else attaches to it at the source's current position if that is a boundary it has (null when not, or when the
    /// position cannot be read: the consumer then reads on a connection of its own, which reports any error).
    /// </summary>
    internal async Task<SharedBinlogReader.Cursor?> AttachCurrentAsync(string key, BinlogClientOptions options, Func<IDisposable?>? acquireConnection,
        CancellationToken cancellationToken)
    {
        SharedBinlogReader? existing;
        lock (_lock)
        {
            if (!_readers.TryGetValue(key, out existing) || existing.Ended)
                return Attach(key, options, null, acquireConnection);
        }
        if (existing.Flavor is not { } flavor)
            return null;
        ReplicationPosition current;
        try
        {
            await using var sql = await MySqlProtocolConnection.ConnectAsync(options.Connection, cancellationToken).ConfigureAwait(false);
            current = await flavor.ReadCurrentPositionAsync(sql, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SourceSqlErrors.IsSourceFailure(ex))
        {
            return null;
        }
        return TryJoin(key, current);
    }

    /// <summary>True when the key has a running reader.</summary>
    internal bool HasReader(string key)
    {
        lock (_lock)
            return _readers.TryGetValue(key, out var reader) && !reader.Ended;
    }

    /// <summary>Attaches to the key's running reader at <paramref name="position"/> if it has that boundary.</summary>
    internal SharedBinlogReader.Cursor? TryJoin(string key, ReplicationPosition position)
    {
        lock (_lock)
            return _readers.TryGetValue(key, out var reader) && reader.TryAttach(position, out var cursor) ? cursor : null;
    }

    private void Remove(SharedBinlogReader reader)
    {
        lock (_lock)
        {
            if (_readers.TryGetValue(reader.Key, out var current) && ReferenceEquals(current, reader))
                _readers.Remove(reader.Key);
        }
    }
}
