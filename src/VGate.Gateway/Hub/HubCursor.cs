using Binlogdata;

namespace VGate.Gateway.Hub;

/// <summary>
/// One attached subscriber's place in a <see cref="ShardHub"/>'s ring, and the FIELD events it has been sent. Used by one
/// subscriber task at a time; <see cref="Next"/>, <see cref="Detached"/> and <see cref="Broken"/> belong to the hub's lock.
/// </summary>
internal sealed class HubCursor : IDisposable
{
    private readonly ShardHub _hub;
    private readonly Dictionary<string, VEvent> _sentFields = new(StringComparer.Ordinal);
    private IReadOnlyList<VEvent>? _prefix;
    private bool _disposed;

    /// <summary>The token <see cref="_cancellation"/> watches (the subscriber's; the same on every read in practice).</summary>
    private CancellationToken _watched;
    private CancellationTokenRegistration _cancellation;

    public HubCursor(ShardHub hub, long next, IReadOnlyList<VEvent>? prefix)
    {
        _hub = hub;
        Next = next;
        _prefix = prefix;
    }

    /// <summary>The sequence number of the next entry to read.</summary>
    public long Next { get; set; }

    /// <summary>Set by the hub when the entry this cursor needs was dropped: the subscriber must continue elsewhere.</summary>
    public bool Detached { get; set; }

    /// <summary>Set by the hub when entries this cursor already read were withdrawn (the reader failed mid-transaction).</summary>
    public bool Broken { get; set; }

    /// <summary>The next batch; null once detached. Failures of the hub surface here as <see cref="VStreamer.VStreamException"/>s.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IReadOnlyList<VEvent>?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_prefix is { } prefix)
        {
            _prefix = null;
            return prefix;
        }
        var entry = await _hub.ReadAsync(this, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Render(entry);
    }

    /// <summary>
    /// The events of <paramref name="entry"/> for this subscriber: as they are, except that a ROW whose table's FIELD this
    /// subscriber has not been sent (it attached after the FIELD went by, or the FIELD changed) is preceded by that FIELD.
    /// </summary>
    private IReadOnlyList<VEvent> Render(HubEntry entry)
    {
        var events = entry.Events;
        List<VEvent>? output = null;
        for (var i = 0; i < events.Count; i++)
        {
            var vevent = events[i];
            if (vevent.Type == VEventType.Field && vevent.FieldEvent is { } field)
            {
                _sentFields[field.TableName] = vevent;
            }
            else if (entry.GoverningFields?[i] is { } governing && vevent.RowEvent is { } row
                && (!_sentFields.TryGetValue(row.TableName, out var sent) || !ReferenceEquals(sent, governing)))
            {
                output ??= [.. events.Take(i)];
                output.Add(governing);
                _sentFields[row.TableName] = governing;
            }
            output?.Add(vevent);
        }
        return output ?? events;
    }

    /// <summary>
    /// Makes sure a cancellation of <paramref name="cancellationToken"/> wakes this cursor's wait in the hub: registered once
    /// per token, not per wait. The callback wakes all of the hub's waiting subscribers (cancellations are rare); this one
    /// then sees its token cancelled.
    /// </summary>
    internal void WatchCancellation(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || cancellationToken == _watched)
            return;
        _cancellation.Dispose();
        _watched = cancellationToken;
        // Runs at once when the token is already cancelled; the caller holds no hub lock here.
        _cancellation = cancellationToken.UnsafeRegister(static hub => ((ShardHub)hub!).WakeReaders(), _hub);
    }

    /// <summary>Leaves the hub.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _cancellation.Dispose();
        _hub.Detach(this);
    }
}
