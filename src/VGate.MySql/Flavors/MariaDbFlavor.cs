using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;

namespace VGate.MySql.Flavors;

/// <summary>
/// MariaDB 10.x/11.x: GTIDs are always on; a GTID start sets <c>@slave_connect_state</c> and announces GTID
/// capability (<c>@mariadb_slave_capability=4</c>) before a plain COM_BINLOG_DUMP with an empty file name.
/// See https://mariadb.com/kb/en/com_binlog_dump/ and https://mariadb.com/kb/en/gtid/
/// </summary>
internal sealed class MariaDbFlavor : ServerFlavor
{
    /// <summary>BINLOG_SEND_ANNOTATE_ROWS_EVENT: include ANNOTATE_ROWS (the SQL text) before row events.</summary>
    private const ushort SendAnnotateRows = 0x02;

    /// <summary>MARIA_SLAVE_CAPABILITY_GTID: the replica understands MariaDB GTID events.</summary>
    private const int CapabilityGtid = 4;

    public override string Name => "MariaDB";

    public override IReadOnlyList<string> PrerequisiteVariables { get; } =
        ["log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata", "binlog_checksum", "version"];

    public override async Task<ReplicationPosition> ReadCurrentPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        var text = await connection.QueryScalarAsync("SELECT @@GLOBAL.gtid_binlog_pos", cancellationToken).ConfigureAwait(false) ?? "";
        return new ReplicationPosition(MariaDbGtidList.Parse(text));
    }

    public override async Task<ReplicationPosition?> ReadOldestPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        var first = await connection.QueryScalarAsync("SHOW BINARY LOGS", cancellationToken).ConfigureAwait(false);
        // The GTID list at the start of the first file is the position just before its first transaction: the oldest
        // position the server can still stream from.
        return first is null ? null : await ReadGtidAtFilePositionAsync(connection, new BinlogFilePosition(first, 4), cancellationToken).ConfigureAwait(false);
    }

    public override async Task<ReplicationPosition?> ReadGtidAtFilePositionAsync(MySqlProtocolConnection connection, BinlogFilePosition position, CancellationToken cancellationToken)
    {
        var sql = FormattableString.Invariant($"SELECT BINLOG_GTID_POS({SqlSession.QuoteString(position.FileName)}, {position.Position})");
        var text = await connection.QueryScalarAsync(sql, cancellationToken).ConfigureAwait(false);
        return text is null ? null : new ReplicationPosition(MariaDbGtidList.Parse(text));
    }

    public override IEnumerable<string> SessionSetup(BinlogStartPosition start, ReplicationPosition? startGtid, TimeSpan heartbeat)
    {
        yield return $"SET @mariadb_slave_capability={CapabilityGtid}";
        if (start.File is null)
        {
            var list = startGtid?.MariaDbGtidList ?? throw new InvalidOperationException("A MariaDB GTID start needs a MariaDB GTID list.");
            yield return "SET @slave_connect_state=" + Quote(list.ToString());
            yield return "SET @slave_gtid_strict_mode=0";
            yield return "SET @slave_gtid_ignore_duplicates=0";
        }
    }

    public override byte[] BuildDumpCommand(BinlogStartPosition start, ReplicationPosition? startGtid, uint replicaServerId, bool nonBlocking)
    {
        var payload = new List<byte>(64);
        var flags = (ushort)(SendAnnotateRows | (nonBlocking ? DumpNonBlock : 0));
        if (start.File is { } file)
            WriteFileDump(payload, checked((uint)file.Position), flags, replicaServerId, file.FileName);
        else
            WriteFileDump(payload, 4, flags, replicaServerId, ""); // the server locates the file from @slave_connect_state
        return [.. payload];
    }

    public override GtidTracker CreateTracker(ReplicationPosition? start) => new Tracker(start?.MariaDbGtidList);

    private sealed class Tracker(MariaDbGtidList? start) : GtidTracker
    {
        private MariaDbGtidList? _executed = start;
        private MariaDbGtid? _pending;
        private bool _pendingStandalone;

        public override ReplicationPosition? Position => _executed is null ? null : new ReplicationPosition(_executed);

        public override bool HasPending => _pending is not null;

        public override bool PendingIsStandalone => _pendingStandalone;

        public override bool Observe(BinlogEvent binlogEvent)
        {
            switch (binlogEvent)
            {
                case MariaDbGtidEvent gtid:
                    _pending = gtid.Gtid;
                    _pendingStandalone = gtid.IsStandalone;
                    return true;
                case MariaDbGtidListEvent list when _executed is null:
                    _executed = list.GtidList;
                    return false;
                default:
                    return false;
            }
        }

        public override void Commit()
        {
            if (_pending is { } gtid)
                _executed = (_executed ?? MariaDbGtidList.Empty).Update(gtid);
            _pending = null;
            _pendingStandalone = false;
        }
    }
}
