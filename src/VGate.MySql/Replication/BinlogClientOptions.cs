using VGate.MySql.Binlog;
using VGate.MySql.Protocol;

namespace VGate.MySql.Replication;

/// <summary>Settings of one <see cref="BinlogClient"/>.</summary>
public sealed class BinlogClientOptions
{
    /// <summary>How to reach and log in to the source server. Required.</summary>
    public required MySqlConnectionOptions Connection { get; init; }

    /// <summary>Where to start reading. Default: <see cref="BinlogStartPosition.Current"/>.</summary>
    public BinlogStartPosition Start { get; init; } = BinlogStartPosition.Current;

    /// <summary>
    /// The server id this client presents to the source. It must differ from the ids of the source and of every
    /// other replica connected to it. Default: a random id in the upper half of the 32-bit range.
    /// </summary>
    public uint ReplicaServerId { get; init; } = (uint)Random.Shared.Next(int.MaxValue / 2, int.MaxValue) + int.MaxValue / 2u;

    /// <summary>
    /// How often the source sends a heartbeat when it has nothing else to send. The connection is considered
    /// lost after <see cref="HeartbeatTimeoutFactor"/> intervals of silence. Default: 5 s.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Silence longer than this many heartbeat intervals ends the stream with a connection-lost error. Default 3.</summary>
    public int HeartbeatTimeoutFactor { get; init; } = 3;

    /// <summary>
    /// Check the source's settings (binlog on, ROW format, FULL or NOBLOB row image, FULL metadata, GTIDs) before streaming
    /// and refuse with an error naming the setting and the fix. Default: true.
    /// </summary>
    public bool CheckPrerequisites { get; init; } = true;

    /// <summary>
    /// Yield the events inside MySQL TRANSACTION_PAYLOAD events (binlog transaction compression) in place of the
    /// payload event itself. Default: true.
    /// </summary>
    public bool ExpandTransactionPayloads { get; init; } = true;

    /// <summary>
    /// End the stream when the source has sent everything it has, instead of waiting for new events
    /// (the BINLOG_DUMP_NON_BLOCK flag). Default: false.
    /// </summary>
    public bool StopAtEnd { get; init; }

    /// <summary>
    /// Largest binlog event accepted, in bytes, and the most a compressed event (MariaDB compressed QUERY/ROWS, each inner
    /// event of a MySQL TRANSACTION_PAYLOAD) may inflate to; the replication packet is capped at this plus 4 KiB.
    /// Default <see cref="BinlogEventParser.DefaultMaxEventSize"/> (1 GiB, the largest <c>max_allowed_packet</c> a server
    /// accepts). A longer event fails the stream with a <see cref="BinlogFormatException"/> naming the event and the limit
    /// (an inner event of a TRANSACTION_PAYLOAD is skipped as an <see cref="Binlog.Events.OversizedEvent"/>).
    /// </summary>
    public int MaxEventBytes { get; init; } = BinlogEventParser.DefaultMaxEventSize;

    /// <summary>Time source for heartbeat supervision; tests inject a fake. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>These options with another start position (a new replica server id: two dumps must not share one).</summary>
    internal BinlogClientOptions WithStart(BinlogStartPosition start) => new()
    {
        Connection = Connection,
        Start = start,
        HeartbeatInterval = HeartbeatInterval,
        HeartbeatTimeoutFactor = HeartbeatTimeoutFactor,
        CheckPrerequisites = CheckPrerequisites,
        ExpandTransactionPayloads = ExpandTransactionPayloads,
        StopAtEnd = StopAtEnd,
        MaxEventBytes = MaxEventBytes,
        TimeProvider = TimeProvider,
    };
}
