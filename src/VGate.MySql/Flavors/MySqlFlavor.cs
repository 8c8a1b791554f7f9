using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;

namespace VGate.MySql.Flavors;

/// <summary>
/// MySQL 5.7/8.x/9.x: GTIDs must be on (gtid_mode=ON); GTID starts use COM_BINLOG_DUMP_GTID with the encoded set.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication.html
/// </summary>
internal sealed class MySqlFlavor : ServerFlavor
{
    /// <summary>COM_BINLOG_DUMP_GTID command byte.</summary>
    private const byte ComBinlogDumpGtid = 0x1E;

    /// <summary>BINLOG_THROUGH_GTID: the command carries a GTID set.</summary>
    private const ushort ThroughGtid = 0x04;

    public override string Name => "MySQL";

    public override IReadOnlyList<string> PrerequisiteVariables { get; } =
        ["log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata", "gtid_mode", "binlog_checksum", "version"];

    public override void CheckPrerequisites(IReadOnlyDictionary<string, string> variables)
    {
        base.CheckPrerequisites(variables);
        Require(variables, "gtid_mode", "ON",
            "Turn GTIDs on (gtid_mode=ON with enforce_gtid_consistency=ON) so positions survive failover and resume exactly.");
    }

    public override async Task<ReplicationPosition> ReadCurrentPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        var text = await connection.QueryScalarAsync("SELECT @@GLOBAL.gtid_executed", cancellationToken).ConfigureAwait(false) ?? "";
        return new ReplicationPosition(MySqlGtidSet.Parse(text));
    }

    public override async Task<ReplicationPosition?> ReadOldestPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        // gtid_purged: the transactions no binlog holds any more; a dump must start at a position that includes them.
        var text = await connection.QueryScalarAsync("SELECT @@GLOBAL.gtid_purged", cancellationToken).ConfigureAwait(false) ?? "";
        return new ReplicationPosition(MySqlGtidSet.Parse(text));
    }

    public override Task<ReplicationPosition?> ReadGtidAtFilePositionAsync(MySqlProtocolConnection connection, BinlogFilePosition position, CancellationToken cancellationToken) =>
        // MySQL has no function that maps a file offset to a GTID set; the tracker learns GTIDs as they stream.
        Task.FromResult<ReplicationPosition?>(null);

    public override IEnumerable<string> SessionSetup(BinlogStartPosition start, ReplicationPosition? startGtid, TimeSpan heartbeat) => [];

    public override byte[] BuildDumpCommand(BinlogStartPosition start, ReplicationPosition? startGtid, uint replicaServerId, bool nonBlocking)
    {
        var payload = new List<byte>(64);
        var flags = nonBlocking ? DumpNonBlock : (ushort)0;
        if (start.File is { } file)
        {
            WriteFileDump(payload, checked((uint)file.Position), flags, replicaServerId, file.FileName);
            return [.. payload];
        }

        var set = startGtid?.MySqlGtidSet ?? throw new InvalidOperationException("A MySQL GTID start needs a MySQL56 GTID set.");
        var encoded = set.EncodeBinary();
        flags |= ThroughGtid;
        payload.Add(ComBinlogDumpGtid);
        payload.Add((byte)flags);
        payload.Add((byte)(flags >> 8));
        AppendUInt32(payload, replicaServerId);
        AppendUInt32(payload, 0); // binlog file name length: none, the server finds the file from the GTID set
        AppendUInt64(payload, 4); // position: start of the file
        AppendUInt32(payload, checked((uint)encoded.Length));
        payload.AddRange(encoded);
        return [.. payload];
    }

    public override GtidTracker CreateTracker(ReplicationPosition? start) => new Tracker(start?.MySqlGtidSet);

    private sealed class Tracker(MySqlGtidSet? start) : GtidTracker
    {
        private MySqlGtidSet? _executed = start;
        private MySqlGtid? _pending;

        public override ReplicationPosition? Position => _executed is null ? null : new ReplicationPosition(_executed);

        public override bool HasPending => _pending is not null;

        public override bool Observe(BinlogEvent binlogEvent)
        {
            switch (binlogEvent)
            {
                case GtidEvent gtid:
                    _pending = gtid.Gtid;
                    return true;
                case PreviousGtidsEvent previous when _executed is null:
                    // A dump from a file start: the file's PREVIOUS_GTIDS is everything before it.
                    _executed = previous.GtidSet;
                    return false;
                default:
                    return false;
            }
        }

        public override void Commit()
        {
            if (_pending is { } gtid && _executed is not null)
                _executed = _executed.Add(gtid);
            _pending = null;
        }
    }
}
