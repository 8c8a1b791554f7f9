namespace VGate.MySql.Replication;

/// <summary>Why a binlog replication stream could not start or could not go on.</summary>
public enum ReplicationErrorKind
{
    /// <summary>The source server's settings do not allow row-based change capture (binlog off, wrong format, …).</summary>
    SourceMisconfigured,

    /// <summary>The requested start position is in binlogs the server has already purged.</summary>
    PositionPurged,

    /// <summary>The requested start position is not known to the server (ahead of it, or from another server).</summary>
    PositionNotFound,

    /// <summary>The server ended the stream with an error that is none of the above.</summary>
    ServerError,

    /// <summary>The connection was lost or went silent for longer than the heartbeat timeout.</summary>
    ConnectionLost,
}
