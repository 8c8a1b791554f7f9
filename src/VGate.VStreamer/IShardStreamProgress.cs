namespace VGate.VStreamer;

/// <summary>
/// Told by a <see cref="ShardStreamer"/> how far it has read, for metrics (<see cref="ShardStreamerOptions.Progress"/>):
/// each binlog event of the stream proper (not of the copy phase's catch-up passes, which read behind on a connection of
/// their own) and the copy phase's tables. Called on the streamer's task; implementations must be quick and thread-safe
/// to read from elsewhere.
/// </summary>
public interface IShardStreamProgress
{
    /// <summary>
    /// An event was read from <paramref name="file"/>, ending at <paramref name="nextPosition"/> (0 for artificial events:
    /// a ROTATE the server made up at the start, which names the file the stream is in). <paramref name="timestamp"/> is
    /// the event header's (seconds since the epoch when the statement began on the source; 0 for artificial events).
    /// <paramref name="heartbeat"/>: the server's heartbeat, sent when it had nothing newer, so the reader is at its end.
    /// </summary>
    void BinlogEventRead(string file, ulong nextPosition, uint timestamp, bool heartbeat);

    /// <summary>
    /// The copy of <paramref name="table"/> starts; <paramref name="estimatedRows"/> is
    /// <c>information_schema.TABLES.TABLE_ROWS</c> (an estimate for InnoDB), null when the server gave none.
    /// </summary>
    void CopyTableStarted(string table, long? estimatedRows);

    /// <summary><paramref name="rows"/> more rows of <paramref name="table"/> were read by the copy (also rows a filter left out).</summary>
    void CopyRowsRead(string table, long rows);
}
