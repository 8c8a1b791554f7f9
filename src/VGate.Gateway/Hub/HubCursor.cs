using System.Runtime.CompilerServices;
using Binlogdata;

namespace VGate.Gateway.Hub;

/// <summary>
/// One attached subscriber's place in a <see cref="ShardHub"/>'s ring, and the FIELD events it has been sent. Used by one
/// subscriber task at a time; <see cref="Next"/>, <see cref="Detached"/> and <see cref="Broken"/> belong to the hub's lock.
/// </summary>
internal sealed class HubCursor : IDisposable
{
    private readonly ShardHub _hub;
    /// <summary>
    /// How many ring bytes (as the hub accounts them: a few times the encoded size) one read takes at most. A read becomes
    /// one group of responses in the session's bounded queue, so this bounds what a subscriber that is behind holds outside
    /// the shared ring (the queue's capacity times this): 64 KiB is a few dozen small transactions, more than a
    /// <see cref="HubWakeClock"/> interval brings at thousands of transactions a second.
    /// </summary>
    private const long MaxReadBytes = 64 * 1024;

    private readonly Dictionary<string, VEvent> _sentFields = new(StringComparer.Ordinal);
    private readonly List<HubEntry> _entries = [];

    /// <summary>
    /// The FIELD last found to be the one this subscriber has been sent for its table: rows of one table follow one another,
    /// so most rows are checked by reference against it instead of a lookup by table name. Forgotten when a FIELD passes.
    /// </summary>
    private VEvent? _lastGoverningSent;
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

    /// <summary>
    /// The next batch: every entry the hub has after this cursor's position (up to <see cref="MaxReadBytes"/>), so a
    /// subscriber that was busy, or is woken on the hub's clock (<see cref="HubWakeClock"/>), takes what queued up in one
    /// turn. Null once detached. Failures of the hub surface here as <see cref="VStreamer.VStreamException"/>s.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IReadOnlyList<VEvent>?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_prefix is { } prefix)
        {
            _prefix = null;
            return prefix;
        }
        _entries.Clear();
        if (!await _hub.ReadAsync(this, _entries, MaxReadBytes, cancellationToken).ConfigureAwait(false))
            return null;
        if (_entries.Count == 1)
        {
            var only = _entries[0];
            _entries.Clear();
            return Render(only, output: null) ?? only.Events;
        }
        var total = 0;
        foreach (var entry in _entries)
            total += entry.Events.Count;
        // Room for every event and a few FIELDs this subscriber may still need.
        var output = new List<VEvent>(total + 4);
        foreach (var entry in _entries)
            Render(entry, output);
        _entries.Clear();
        return output;
    }

    /// <summary>
    /// The events of <paramref name="entry"/> for this subscriber: as they are, except that a ROW whose table's FIELD this
    /// subscriber has not been sent (it attached after the FIELD went by, or the FIELD changed) is preceded by that FIELD.
    /// Appends them to <paramref name="output"/> when given; otherwise returns null when the entry's own list serves as it
    /// is, or a new list.
    /// </summary>
    private List<VEvent>? Render(HubEntry entry, List<VEvent>? output)
    {
        var events = entry.Events;
        var copying = output is not null;
        for (var i = 0; i < events.Count; i++)
        {
            var vevent = events[i];
            if (vevent.Type == VEventType.Field && vevent.FieldEvent is { } field)
            {
                _sentFields[field.TableName] = vevent;
                _lastGoverningSent = null;
            }
            else if (entry.GoverningFields?[i] is { } governing && !ReferenceEquals(governing, _lastGoverningSent)
                && vevent.RowEvent is { } row)
            {
                if (!_sentFields.TryGetValue(row.TableName, out var sent) || !ReferenceEquals(sent, governing))
                {
                    if (!copying)
                    {
                        output = [.. events.Take(i)];
                        copying = true;
                    }
                    output!.Add(Retimed(governing, vevent));
                    _sentFields[row.TableName] = governing;
                }
                _lastGoverningSent = governing;
            }
            if (copying)
                output!.Add(vevent);
        }
        return output;
    }

    /// <summary>
    /// A copy of the cached FIELD <paramref name="field"/> carrying the timestamps of the ROW it now precedes: a FIELD
    /// carries the time of the event it describes (as the streamer sends it), not the time the table was first seen,
    /// which may be long ago.
    /// </summary>
    private static VEvent Retimed(VEvent field, VEvent row)
    {
        if (field.Timestamp == row.Timestamp && field.CurrentTime == row.CurrentTime)
            return field;
        var copy = field.Clone();
        copy.Timestamp = row.Timestamp;
        copy.CurrentTime = row.CurrentTime;
        return copy;
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
