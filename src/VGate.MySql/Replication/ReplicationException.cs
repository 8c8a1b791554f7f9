namespace VGate.MySql.Replication;

/// <summary>
/// A replication stream could not start or could not continue. <see cref="Kind"/> says why, so callers can decide
/// between retrying (<see cref="ReplicationErrorKind.ConnectionLost"/>) and reporting a precondition failure.
/// </summary>
public sealed class ReplicationException : Exception
{
    private ReplicationException(ReplicationErrorKind kind, string message, Exception? inner, Positions.ReplicationPosition? oldestAvailable = null)
        : base(message, inner)
    {
        Kind = kind;
        OldestAvailablePosition = oldestAvailable;
    }

    /// <summary>
    /// For <see cref="ReplicationErrorKind.PositionPurged"/>: the oldest position the source can still stream from, when
    /// it could be read; else null.
    /// </summary>
    public Positions.ReplicationPosition? OldestAvailablePosition { get; }

    /// <summary>The category of the failure.</summary>
    public ReplicationErrorKind Kind { get; }

    /// <summary>The server's error code when the failure came from an ERR packet, else <c>null</c>.</summary>
    public int? ServerErrorCode => (InnerException as MySqlServerException)?.ErrorCode;

    internal static ReplicationException SourceMisconfigured(string setting, string actual, string fix) =>
        new(ReplicationErrorKind.SourceMisconfigured,
            $"The source is not configured for row-based change capture: {setting} is '{actual}'. {fix}", null);

    /// <summary>
    /// <c>binlog_row_image=MINIMAL</c>. The message starts with Vitess's text for this case, "minimal binlog_row_image
    /// is not supported by Vitess VReplication", which clients written against vtgate look for.
    /// </summary>
    internal static ReplicationException MinimalRowImage(string actual) =>
        new(ReplicationErrorKind.SourceMisconfigured,
            $"minimal binlog_row_image is not supported by Vitess VReplication: the source has binlog_row_image '{actual}', so row events " +
            "lack the columns a statement did not change. Set binlog_row_image=FULL so every row event carries all columns.", null);

    internal static ReplicationException PositionPurged(string position, MySqlServerException inner) =>
        new(ReplicationErrorKind.PositionPurged,
            $"The start position {position} is no longer available on the source: the binlogs that hold it have been purged. " +
            $"Start from 'current' or from a newer position (server said: {inner.ServerMessage})", inner);

    /// <summary>This purged-position error with the oldest position the source still has named in its message.</summary>
    /// <summary>The same error as a new instance: one exception must not be thrown on several threads at once.</summary>
    internal ReplicationException Copy() => new(Kind, Message, InnerException, OldestAvailablePosition);

    internal ReplicationException WithOldestAvailable(Positions.ReplicationPosition oldest) =>
        new(Kind, $"{Message} The oldest position the source still has is '{oldest}'.", InnerException, oldest);

    internal static ReplicationException PositionNotFound(string position, MySqlServerException inner) =>
        new(ReplicationErrorKind.PositionNotFound,
            $"The start position {position} is not in the source's binlogs (it may be ahead of the source or belong to " +
            $"another server). Server said: {inner.ServerMessage}", inner);

    /// <summary>The rows of a committed XA transaction cannot be read: its XA PREPARE group is purged or not where expected.</summary>
    internal static ReplicationException PreparedXaMissing(string detail, bool purged) =>
        new(purged ? ReplicationErrorKind.PositionPurged : ReplicationErrorKind.ServerError, detail, null);

    internal static ReplicationException ServerError(MySqlServerException inner) =>
        new(ReplicationErrorKind.ServerError, $"The source ended the binlog stream: {inner.Message}", inner);

    internal static ReplicationException ConnectionLost(string detail, Exception? inner = null) =>
        new(ReplicationErrorKind.ConnectionLost, $"The binlog connection was lost: {detail}", inner);
}
