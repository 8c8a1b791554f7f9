using VGate.MySql.Binlog;
using VGate.MySql.Positions;

namespace VGate.MySql.Replication;

/// <summary>
/// What a binlog consumer needs of its reader: the events and where each one is. <see cref="BinlogClient"/> reads on a
/// connection of its own; <see cref="SharedBinlogReaders"/> hands out readers that share one connection per source.
/// </summary>
public interface IBinlogEventReader : IAsyncDisposable
{
    /// <summary>True when the source is MariaDB, known once streaming has started.</summary>
    bool IsMariaDb { get; }

    /// <summary>The GTID position after the last complete transaction yielded (or the start position before any).</summary>
    ReplicationPosition? Position { get; }

    /// <summary>The binlog file the stream is in now.</summary>
    string CurrentFileName { get; }

    /// <summary>Where in the binlog the event yielded last starts (default for events made up for the stream).</summary>
    BinlogFilePosition LastEventStart { get; }

    /// <summary>True when the event yielded last ended an event group.</summary>
    bool LastEventCompletedTransaction { get; }

    /// <summary>The classifier of this reader's events (its own, whoever reads the connection): read it, do not feed it.</summary>
    TransactionClassifier Transactions { get; }

    /// <summary>Yields the events; once per reader. Row data is valid until the next event is requested.</summary>
    IAsyncEnumerable<BinlogEvent> ReadEventsAsync(CancellationToken cancellationToken = default);
}
