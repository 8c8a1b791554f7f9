using System.Runtime.CompilerServices;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;

namespace VGate.MySql.Replication;

/// <summary>
/// Finds and reads again the binlogged part of a prepared XA transaction, so that its rows can be delivered when its
/// <c>XA COMMIT</c> arrives.
/// </summary>
/// <remarks>
/// <para>Both MariaDB and MySQL write an XA transaction's changes in the event group that ends with
/// <c>XA PREPARE</c> (an XA_PREPARE_LOG_EVENT), and its <c>XA COMMIT</c> or <c>XA ROLLBACK</c> as a later group of its
/// own that holds only that statement. Between the two, any number of other transactions may commit, and a reader may
/// have stopped and resumed. The rows become real only at the commit, so that is where they must be delivered; they
/// are read again from the binlog then, instead of being held in memory for as long as the transaction stays
/// prepared (possibly days).</para>
/// <para>Where a prepared group starts is remembered when the stream passes it (<see cref="Remember"/>); a stream that
/// resumed after the prepare does not know it, and <see cref="LocateAsync"/> then searches the binlog files from the
/// newest back. A prepared group that is no longer in any binlog (purged) cannot be delivered: that is an error, never
/// a silent skip.</para>
/// </remarks>
public sealed class PreparedXaReader
{
    private readonly MySqlConnectionOptions _source;
    private readonly int _rememberLimit;
    private readonly Dictionary<XaId, BinlogFilePosition> _groupStarts = [];
    private readonly Queue<XaId> _rememberOrder = new();

    /// <param name="source">The server whose binlog holds the groups.</param>
    /// <param name="rememberLimit">How many prepared groups to remember; the oldest are forgotten (and searched for if committed).</param>
    public PreparedXaReader(MySqlConnectionOptions source, int rememberLimit = 10_000)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(rememberLimit, 1);
        _source = source;
        _rememberLimit = rememberLimit;
    }

    /// <summary>The number of groups searched for in the binlog files because they were not remembered (for tests and metrics).</summary>
    public int Searches { get; private set; }

    /// <summary>Records that the prepared group of <paramref name="id"/> starts (with its GTID event) at <paramref name="groupStart"/>.</summary>
    public void Remember(XaId id, BinlogFilePosition groupStart)
    {
        if (!_groupStarts.ContainsKey(id))
            _rememberOrder.Enqueue(id);
        _groupStarts[id] = groupStart;
        while (_groupStarts.Count > _rememberLimit && _rememberOrder.TryDequeue(out var oldest))
            _groupStarts.Remove(oldest);
    }

    /// <summary>Forgets the group of <paramref name="id"/> (after its commit or rollback: an XA id may be used again).</summary>
    public void Forget(XaId id) => _groupStarts.Remove(id);

    /// <summary>
    /// Where the last prepared group of <paramref name="id"/> before <paramref name="before"/> starts: remembered, or
    /// found by reading the binlog files from the newest back.
    /// </summary>
    /// <exception cref="ReplicationException">The group is in none of the source's binlogs (purged, or never prepared).</exception>
    public async Task<BinlogFilePosition> LocateAsync(XaId id, BinlogFilePosition before, CancellationToken cancellationToken)
    {
        if (_groupStarts.TryGetValue(id, out var remembered))
            return remembered;
        Searches++;
        var files = await ListBinlogFilesAsync(cancellationToken).ConfigureAwait(false);
        for (var i = files.Count - 1; i >= 0; i--)
        {
            var file = files[i];
            if (before.FileName.Length > 0 && string.CompareOrdinal(file, before.FileName) > 0)
                continue;
            if (await FindInFileAsync(id, file, before, cancellationToken).ConfigureAwait(false) is { } found)
                return found;
        }
        throw ReplicationException.PreparedXaMissing(
            $"The XA transaction {id} was committed at {before}, but the group its XA PREPARE wrote (with its rows) is in none of the " +
            $"source's binlogs ({string.Join(", ", files)}): they were purged. Its rows cannot be delivered; keep binlogs for longer " +
            "than XA transactions stay prepared.", purged: true);
    }

    /// <summary>
    /// Yields the events of the prepared group of <paramref name="id"/> that starts at <paramref name="groupStart"/>:
    /// its GTID event, its table maps and rows, up to and including its XA_PREPARE event. Row data in a yielded event
    /// is valid only until the next one is requested.
    /// </summary>
    /// <exception cref="ReplicationException">The group there is not the XA PREPARE of <paramref name="id"/>.</exception>
    public async IAsyncEnumerable<BinlogEvent> ReadGroupAsync(XaId id, BinlogFilePosition groupStart,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var client = OpenAt(groupStart);
        var inGroup = false;
        await foreach (var binlogEvent in client.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            var isGtid = binlogEvent is MariaDbGtidEvent or GtidEvent;
            if (!inGroup)
            {
                // The dump starts with the server's own ROTATE and FORMAT_DESCRIPTION; the group starts at its GTID event.
                if (!isGtid || client.LastEventStart != groupStart)
                    continue;
                inGroup = true;
            }
            else if (isGtid)
            {
                throw NotThere(id, groupStart, "the group there ends without an XA PREPARE");
            }
            yield return binlogEvent;
            if (binlogEvent is XaPrepareEvent prepare)
            {
                if (XaId.From(prepare) != id)
                    throw NotThere(id, groupStart, $"the XA PREPARE there is of {XaId.From(prepare)}");
                yield break;
            }
        }
        throw NotThere(id, groupStart, "the binlog ends before its XA PREPARE");
    }

    private static ReplicationException NotThere(XaId id, BinlogFilePosition groupStart, string why) =>
        ReplicationException.PreparedXaMissing($"Expected the XA PREPARE group of {id} at {groupStart}, but {why}.", purged: false);

    private BinlogClient OpenAt(BinlogFilePosition position) => new(new BinlogClientOptions
    {
        Connection = _source,
        Start = BinlogStartPosition.FromFile(position),
        StopAtEnd = true,
        // The stream that asks has checked the source already.
        CheckPrerequisites = false,
    });

    /// <summary>Reads <paramref name="file"/> (up to <paramref name="before"/>) for the last prepared group of <paramref name="id"/>.</summary>
    private async Task<BinlogFilePosition?> FindInFileAsync(XaId id, string file, BinlogFilePosition before, CancellationToken cancellationToken)
    {
        await using var client = OpenAt(new BinlogFilePosition(file, 4));
        BinlogFilePosition? found = null;
        var groupStart = default(BinlogFilePosition);
        await foreach (var binlogEvent in client.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            var start = client.LastEventStart;
            if (start.FileName.Length > 0 && (start.FileName != file || start >= before))
                break;
            switch (binlogEvent)
            {
                case MariaDbGtidEvent or GtidEvent:
                    groupStart = start;
                    break;
                case XaPrepareEvent prepare when !prepare.OnePhase && XaId.From(prepare) == id:
                    found = groupStart;
                    break;
            }
        }
        return found;
    }

    private async Task<List<string>> ListBinlogFilesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await MySqlProtocolConnection.ConnectAsync(_source, cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync("SHOW BINARY LOGS", cancellationToken).ConfigureAwait(false)).Select(row => row[0] ?? "").ToList();
    }
}
