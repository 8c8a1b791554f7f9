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

    /// <summary>Leaves the hub.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _hub.Detach(this);
    }
}
