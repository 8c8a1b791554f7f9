using VGate.MySql.Binlog;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;

namespace VGate.MySql.Flavors;

/// <summary>
/// What differs between MySQL and MariaDB for a replication client: the settings that must hold, how the
/// current position is read, how the dump is requested and which events carry GTIDs. Chosen once at connect
/// from the server version; nothing outside this folder branches on the flavor.
/// </summary>
internal abstract class ServerFlavor
{
    /// <summary>COM_BINLOG_DUMP: start streaming from a file and offset (MariaDB also uses it for GTID starts).</summary>
    protected const byte ComBinlogDump = 0x12;

    /// <summary>BINLOG_DUMP_NON_BLOCK: send EOF at the end of the binlog instead of waiting.</summary>
    protected const ushort DumpNonBlock = 0x01;

    public abstract string Name { get; }

    public static ServerFlavor Detect(string serverVersion) =>
        serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? new MariaDbFlavor() : new MySqlFlavor();

    /// <summary>Server variables read for the prerequisite check (names as in SHOW GLOBAL VARIABLES).</summary>
    public abstract IReadOnlyList<string> PrerequisiteVariables { get; }

    /// <summary>Throws <see cref="ReplicationException"/> naming the first setting that prevents row-based capture.</summary>
    public virtual void CheckPrerequisites(IReadOnlyDictionary<string, string> variables)
    {
        Require(variables, "log_bin", "ON", "Start the server with binary logging on (log_bin / --log-bin).");
        Require(variables, "binlog_format", "ROW", "Set binlog_format=ROW (SET GLOBAL binlog_format='ROW' and in the server config).");
        // MINIMAL gets Vitess's own error text (vreplicator.go, TestMinimalMode in vstreamer_test.go): clients match on it.
        if (variables.TryGetValue("binlog_row_image", out var rowImage) && string.Equals(rowImage, "MINIMAL", StringComparison.OrdinalIgnoreCase))
            throw ReplicationException.MinimalRowImage(rowImage);
        // NOBLOB is accepted as Vitess accepts it (AllowNoBlobBinlogRowImage): an after image that leaves out unchanged
        // BLOB/TEXT columns is sent with data_columns.
        if (!IsSetting(variables, "binlog_row_image", "NOBLOB"))
            Require(variables, "binlog_row_image", "FULL", "Set binlog_row_image=FULL so every row event carries all columns.");
        Require(variables, "binlog_row_metadata", "FULL",
            "Set binlog_row_metadata=FULL so row events carry column names, signedness and character sets.");
    }

    private static bool IsSetting(IReadOnlyDictionary<string, string> variables, string name, string value) =>
        variables.TryGetValue(name, out var actual) && string.Equals(actual, value, StringComparison.OrdinalIgnoreCase);

    protected static void Require(IReadOnlyDictionary<string, string> variables, string name, string expected, string fix)
    {
        var actual = variables.TryGetValue(name, out var value) ? value : "(not set: the server does not support it)";
        var ok = string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase) ||
            (expected == "ON" && actual == "1");
        if (!ok)
            throw ReplicationException.SourceMisconfigured(name, actual, fix);
    }

    /// <summary>
    /// The oldest GTID position a dump can still start from (MariaDB: the GTID list at the start of the first binlog the
    /// source has; MySQL: <c>gtid_purged</c>), or null when the source cannot tell. Named in purged-position errors.
    /// </summary>
    public abstract Task<ReplicationPosition?> ReadOldestPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken);

    /// <summary>Reads the GTID position of everything the source has written so far.</summary>
    public abstract Task<ReplicationPosition> ReadCurrentPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// For a file-position start, the GTID position that corresponds to it, when the flavor can tell; else null.
    /// </summary>
    public abstract Task<ReplicationPosition?> ReadGtidAtFilePositionAsync(MySqlProtocolConnection connection, BinlogFilePosition position, CancellationToken cancellationToken);

    /// <summary>Session variables to set on the replication connection before the dump command.</summary>
    public abstract IEnumerable<string> SessionSetup(BinlogStartPosition start, ReplicationPosition? startGtid, TimeSpan heartbeat);

    /// <summary>Builds the dump command packet payload.</summary>
    public abstract byte[] BuildDumpCommand(BinlogStartPosition start, ReplicationPosition? startGtid, uint replicaServerId, bool nonBlocking);

    /// <summary>Creates the tracker that follows GTIDs through the stream, starting from <paramref name="start"/>.</summary>
    public abstract GtidTracker CreateTracker(ReplicationPosition? start);

    /// <summary>Classifies a dump error: purged position, unknown position, or neither (null).</summary>
    public static ReplicationException ClassifyDumpError(MySqlServerException error, string position)
    {
        // 1236 = ER_MASTER_FATAL_ERROR_READING_BINLOG: the message says which case it is.
        if (error.ErrorCode == 1236)
        {
            var message = error.ServerMessage;
            if (message.Contains("purged", StringComparison.OrdinalIgnoreCase) ||
                message.Contains("Could not find first log file", StringComparison.OrdinalIgnoreCase) ||
                message.Contains("too old", StringComparison.OrdinalIgnoreCase))
                return ReplicationException.PositionPurged(position, error);
            if (message.Contains("not in the master's binlog", StringComparison.OrdinalIgnoreCase) ||
                message.Contains("not in the source's binlog", StringComparison.OrdinalIgnoreCase) ||
                message.Contains("Could not find GTID", StringComparison.OrdinalIgnoreCase) ||
                message.Contains("has more GTIDs than the", StringComparison.OrdinalIgnoreCase) ||
                message.Contains("position", StringComparison.OrdinalIgnoreCase))
                return ReplicationException.PositionNotFound(position, error);
        }
        return ReplicationException.ServerError(error);
    }

    protected static void WriteFileDump(List<byte> payload, uint position, ushort flags, uint serverId, string fileName)
    {
        payload.Add(ComBinlogDump);
        AppendUInt32(payload, position);
        payload.Add((byte)flags);
        payload.Add((byte)(flags >> 8));
        AppendUInt32(payload, serverId);
        payload.AddRange(System.Text.Encoding.UTF8.GetBytes(fileName));
    }

    protected static void AppendUInt32(List<byte> payload, uint value)
    {
        for (var i = 0; i < 4; i++)
            payload.Add((byte)(value >> (8 * i)));
    }

    protected static void AppendUInt64(List<byte> payload, ulong value)
    {
        for (var i = 0; i < 8; i++)
            payload.Add((byte)(value >> (8 * i)));
    }

    protected static string Quote(string value) => SqlSession.QuoteString(value);

    /// <summary>
    /// Follows GTIDs through the event stream: a GTID event opens a transaction, and
    /// <see cref="Commit"/> (called by the client when the transaction's last event arrives) adds it to the position.
    /// </summary>
    internal abstract class GtidTracker
    {
        /// <summary>The position after the last complete transaction, or null when unknown (file-position starts on MySQL).</summary>
        public abstract ReplicationPosition? Position { get; }

        /// <summary>Returns true when <paramref name="binlogEvent"/> is a GTID event (and records it as pending).</summary>
        public abstract bool Observe(BinlogEvent binlogEvent);

        /// <summary>True when the pending GTID marks a standalone event group (a DDL without BEGIN/COMMIT).</summary>
        public virtual bool PendingIsStandalone => false;

        /// <summary>True while a GTID has been seen whose transaction is not complete yet.</summary>
        public abstract bool HasPending { get; }

        /// <summary>Adds the pending GTID to the position.</summary>
        public abstract void Commit();
    }
}
