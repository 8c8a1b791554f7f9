using Binlogdata;

namespace VGate.Gateway.Hub;

/// <summary>One batch the hub's reader received, as kept in the ring. Immutable once published.</summary>
internal sealed class HubEntry
{
    public HubEntry(IReadOnlyList<VEvent> events, VEvent?[]? governingFields, long bytes, bool endsOutsideTransaction, bool heartbeatOnly)
    {
        Events = events;
        GoverningFields = governingFields;
        Bytes = bytes;
        EndsOutsideTransaction = endsOutsideTransaction;
        HeartbeatOnly = heartbeatOnly;
    }

    /// <summary>The sequence number in the hub (consecutive); set when published.</summary>
    public long Seq { get; set; }

    /// <summary>The tablet-level events, shared by every subscriber (never changed).</summary>
    public IReadOnlyList<VEvent> Events { get; }

    /// <summary>
    /// Parallel to <see cref="Events"/>: for each ROW, the FIELD event that describes it (the reader's latest FIELD of that
    /// table), so a subscriber that attached after that FIELD went by can be sent it first. Null when the batch has no ROW.
    /// </summary>
    public VEvent?[]? GoverningFields { get; }

    /// <summary>The bytes accounted for this entry in the ring.</summary>
    public long Bytes { get; }

    /// <summary>
    /// The hub's accounted bytes appended up to and including this entry (set when published): the bytes of a run of
    /// entries is the difference of two ends.
    /// </summary>
    public long End { get; set; }

    /// <summary>True when the batch ends outside a transaction (at COMMIT, DDL, OTHER, or a heartbeat between transactions).</summary>
    public bool EndsOutsideTransaction { get; }

    /// <summary>True for a batch of heartbeats only (the source had nothing new: the reader is caught up).</summary>
    public bool HeartbeatOnly { get; }
}
