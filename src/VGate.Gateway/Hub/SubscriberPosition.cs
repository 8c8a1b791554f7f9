using Binlogdata;
using VGate.MySql.Positions;

namespace VGate.Gateway.Hub;

/// <summary>
/// What a subscriber has been given so far: the position after its last complete transaction, whether it is inside a
/// transaction, whether it is still copying; and so whether it may move onto a hub now.
/// </summary>
internal sealed class SubscriberPosition
{
    public SubscriberPosition(string? text, ReplicationPosition? position, bool copying)
    {
        Text = text;
        _parsedText = text;
        _position = position;
        Copying = copying;
    }

    private string? _parsedText;
    private ReplicationPosition? _position;
    private bool _atNewBoundary;

    /// <summary>The position as its GTID event wrote it; null until known (start at current, or copying).</summary>
    public string? Text { get; private set; }

    /// <summary>
    /// The parsed <see cref="Text"/>, parsed when asked for: a subscriber on a hub passes a position per transaction but
    /// needs it parsed only when it moves back onto a hub, so a hundred subscribers do not parse every GTID a hundred times.
    /// </summary>
    public ReplicationPosition? Position
    {
        get
        {
            if (!ReferenceEquals(_parsedText, Text))
            {
                _position = Text is not null && ReplicationPosition.TryParse(Text, out var position) ? position : null;
                _parsedText = Text;
            }
            return _position;
        }
    }

    /// <summary>True between a BEGIN and its COMMIT.</summary>
    public bool InTransaction { get; private set; }

    /// <summary>True while the copy phase runs (until COPY_COMPLETED).</summary>
    public bool Copying { get; private set; }

    /// <summary>True when the batch just observed left the subscriber at a new boundary (or showed it caught up): a moment to try a hub.</summary>
    public bool ReadyToAttach => _atNewBoundary && !Copying && !InTransaction && Position is not null;

    /// <summary>Follows a batch the subscriber is about to be given.</summary>
    public void Observe(IReadOnlyList<VEvent> batch)
    {
        string? pending = null;
        var moved = false;
        var heartbeat = false;
        foreach (var vevent in batch)
        {
            switch (vevent.Type)
            {
                case VEventType.Begin:
                    InTransaction = true;
                    break;
                case VEventType.Gtid:
                    pending = vevent.Gtid;
                    break;
                case VEventType.Commit or VEventType.Rollback or VEventType.Ddl or VEventType.Other:
                    InTransaction = false;
                    if (pending is not null && !Copying)
                    {
                        // The copy phase's GTIDs are snapshot points, not stream positions: only streaming ones count.
                        Text = pending;
                        moved = true;
                    }
                    pending = null;
                    break;
                case VEventType.CopyCompleted:
                    Copying = false;
                    break;
                case VEventType.Heartbeat:
                    heartbeat = true;
                    break;
            }
        }
        _atNewBoundary = moved || heartbeat;
    }

    /// <summary>Consumes the current <see cref="ReadyToAttach"/>.</summary>
    public void AttachTried() => _atNewBoundary = false;
}
