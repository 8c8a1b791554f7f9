using System.Buffers.Text;
using System.Diagnostics;
using Binlogdata;
using Grpc.Core;
using Vtgate;

/// <summary>
/// One VStream client of the benchmark keyspace: counts ROW events and row changes, tracks each shard's position from
/// the VGTIDs, and, for rows of <c>lat</c>, records commit→client latency (now − the row's <c>sent</c> column).
/// </summary>
internal sealed class Subscriber
{
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _positioned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Func<bool>? _done;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long RowEvents { get; private set; }

    public long RowChanges { get; private set; }

    public long Responses { get; private set; }

    /// <summary>Bytes of row values received (before and after images, the concatenated text/binary values).</summary>
    public long RowValueBytes { get; private set; }

    /// <summary>ROW events received before <see cref="WindowEnd"/> (a Stopwatch timestamp; 0 for no window).</summary>
    public long RowEventsInWindow { get; private set; }

    /// <summary>The end of the window <see cref="RowEventsInWindow"/> counts (cold-start measurements).</summary>
    public long WindowEnd { get; init; }

    /// <summary>Latencies in Stopwatch ticks, when <see cref="RecordLatency"/> is set.</summary>
    public List<long> Latencies { get; } = [];

    public bool RecordLatency { get; init; }

    /// <summary>Whether recorded rows are also kept in <see cref="Received"/> (for the latency trace).</summary>
    public bool RecordTrace { get; init; }

    /// <summary>(id, received, the event's current_time) of every recorded row, with <see cref="RecordTrace"/>.</summary>
    public List<(long Id, long Received, long EventTime)> Received { get; } = [];

    /// <summary>Rows of <c>lat</c> with an id below this are warm-up and not recorded.</summary>
    public long RecordFromId { get; set; }

    /// <summary>Completes when every shard has reported a position (the first VGTID of each).</summary>
    public Task Positioned => _positioned.Task;

    public long Position(string shard)
    {
        lock (_gate)
            return _positions.GetValueOrDefault(shard);
    }

    /// <summary>Completes once every shard's position is at least <paramref name="target"/>'s.</summary>
    public Task ReachedAsync(IReadOnlyDictionary<string, string> target)
    {
        lock (_gate)
        {
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _done = () => target.All(t => _positions.GetValueOrDefault(t.Key) >= BenchCluster.Sequence(t.Value));
            if (_done())
                _reached.TrySetResult();
            return _reached.Task;
        }
    }

    /// <summary>Streams until <paramref name="cancellationToken"/> fires (or the stream fails).</summary>
    public async Task RunAsync(Vtgateservice.Vitess.VitessClient client, VGtid start, int shards, CancellationToken cancellationToken)
    {
        var request = new VStreamRequest { Vgtid = start, Flags = new VStreamFlags { HeartbeatInterval = 1 } };
        using var call = client.VStream(request, cancellationToken: cancellationToken);
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                Responses++;
                foreach (var e in response.Events)
                {
                    if (e.Type == VEventType.Row)
                        OnRow(e.RowEvent, e.CurrentTime);
                    else if (e.Type == VEventType.Vgtid)
                        OnVgtid(e, shards);
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void OnRow(RowEvent row, long eventTime)
    {
        RowEvents++;
        if (WindowEnd != 0 && Stopwatch.GetTimestamp() < WindowEnd)
            RowEventsInWindow++;
        RowChanges += row.RowChanges.Count;
        foreach (var change in row.RowChanges)
            RowValueBytes += (change.Before?.Values.Length ?? 0) + (change.After?.Values.Length ?? 0);
        if (!RecordLatency || !row.TableName.EndsWith(".lat", StringComparison.Ordinal))
            return;
        var now = Stopwatch.GetTimestamp();
        foreach (var change in row.RowChanges)
        {
            // Columns id, sent, pad: decimal text, lengths first.
            var values = change.After.Values.Span;
            var idLength = (int)change.After.Lengths[0];
            var sentLength = (int)change.After.Lengths[1];
            if (Utf8Parser.TryParse(values[..idLength], out long id, out _) && id >= RecordFromId
                && Utf8Parser.TryParse(values.Slice(idLength, sentLength), out long sent, out _))
            {
                Latencies.Add(now - sent);
                if (RecordTrace)
                    Received.Add((id, now, eventTime));
            }
        }
    }

    private void OnVgtid(VEvent e, int shards)
    {
        lock (_gate)
        {
            foreach (var entry in e.Vgtid.ShardGtids)
                _positions[entry.Shard] = BenchCluster.Sequence(entry.Gtid);
            if (_positions.Count == shards && e.Vgtid.ShardGtids.All(s => s.Gtid != "current"))
                _positioned.TrySetResult();
            if (_done?.Invoke() == true)
                _reached.TrySetResult();
        }
    }
}
