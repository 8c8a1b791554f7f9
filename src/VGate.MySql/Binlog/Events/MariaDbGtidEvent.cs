using VGate.MySql.Positions;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// MariaDB's GTID_EVENT (162): starts every event group (in place of a BEGIN query) and carries its GTID; the server
/// id of the GTID is the one in the event header.
/// See https://mariadb.com/kb/en/gtid_event/
/// </summary>
/// <remarks>
/// Body: sequence number (8), domain id (4), flags (1); then the group-commit id (8) when <see cref="FlagGroupCommitId"/>
/// is set; the XA xid (format id 4, gtrid length 1, bqual length 1, data) when <see cref="FlagPreparedXa"/> or
/// <see cref="FlagCompletedXa"/> is set; then, in MariaDB 10.8+, an optional extra-flags byte (with the number of
/// extra engines when <see cref="ExtraFlagMultiEngine"/> is set, and the START ALTER sequence number when
/// <see cref="ExtraFlagCommitAlter"/> or <see cref="ExtraFlagRollbackAlter"/> is set). Short bodies are zero-padded
/// to 19 bytes.
/// </remarks>
public sealed class MariaDbGtidEvent : BinlogEvent
{
    /// <summary>FL_STANDALONE: the group has no terminating COMMIT (e.g. DDL).</summary>
    public const byte FlagStandalone = 1;

    /// <summary>FL_GROUP_COMMIT_ID: the group was part of a group commit; <see cref="CommitId"/> is present.</summary>
    public const byte FlagGroupCommitId = 2;

    /// <summary>FL_TRANSACTIONAL: the group can be rolled back safely (only transactional engines).</summary>
    public const byte FlagTransactional = 4;

    /// <summary>FL_ALLOW_PARALLEL: the group may be applied in parallel (not <c>skip_parallel_replication</c>).</summary>
    public const byte FlagAllowParallel = 8;

    /// <summary>FL_WAITED: a row-lock (or other) wait was seen while executing the group.</summary>
    public const byte FlagWaited = 16;

    /// <summary>FL_DDL: the group contains DDL.</summary>
    public const byte FlagDdl = 32;

    /// <summary>FL_PREPARED_XA: the group is an XA PREPARE; the xid is present.</summary>
    public const byte FlagPreparedXa = 64;

    /// <summary>FL_COMPLETED_XA: the group is an XA COMMIT or XA ROLLBACK; the xid is present.</summary>
    public const byte FlagCompletedXa = 128;

    /// <summary>FL_EXTRA_MULTI_ENGINE_E1: the transaction spans several engines; <see cref="ExtraEngines"/> is present.</summary>
    public const byte ExtraFlagMultiEngine = 1;

    /// <summary>FL_START_ALTER_E1: the first phase of a two-phase ALTER TABLE.</summary>
    public const byte ExtraFlagStartAlter = 2;

    /// <summary>FL_COMMIT_ALTER_E1: the commit of a two-phase ALTER TABLE; <see cref="StartAlterSequence"/> is present.</summary>
    public const byte ExtraFlagCommitAlter = 4;

    /// <summary>FL_ROLLBACK_ALTER_E1: the rollback of a two-phase ALTER TABLE; <see cref="StartAlterSequence"/> is present.</summary>
    public const byte ExtraFlagRollbackAlter = 8;

    private MariaDbGtidEvent(EventHeader header)
        : base(header)
    {
    }

    /// <summary>The group's GTID (domain and sequence from the body, server id from the header).</summary>
    public MariaDbGtid Gtid { get; private init; }

    /// <summary>The flags byte (see the <c>Flag…</c> constants).</summary>
    public byte Flags { get; private init; }

    /// <summary>True for a standalone group, which has no BEGIN/COMMIT around it (DDL and other non-transactional statements).</summary>
    public bool IsStandalone => (Flags & FlagStandalone) != 0;

    /// <summary>True when the group contains DDL.</summary>
    public bool IsDdl => (Flags & FlagDdl) != 0;

    /// <summary>True when the group only touched transactional engines.</summary>
    public bool IsTransactional => (Flags & FlagTransactional) != 0;

    /// <summary>True when the group may be applied in parallel.</summary>
    public bool AllowParallel => (Flags & FlagAllowParallel) != 0;

    /// <summary>True when a wait was seen while executing the group.</summary>
    public bool Waited => (Flags & FlagWaited) != 0;

    /// <summary>True for the XA PREPARE part of an XA transaction.</summary>
    public bool IsPreparedXa => (Flags & FlagPreparedXa) != 0;

    /// <summary>True for the XA COMMIT / XA ROLLBACK part of an XA transaction.</summary>
    public bool IsCompletedXa => (Flags & FlagCompletedXa) != 0;

    /// <summary>The group-commit id, when <see cref="FlagGroupCommitId"/> is set; groups with the same id committed together.</summary>
    public ulong? CommitId { get; private init; }

    /// <summary>The XA xid's format id, when the group is part of an XA transaction.</summary>
    public int? XaFormatId { get; private init; }

    /// <summary>The XA xid's global transaction id part (empty when not XA). Owned by the event.</summary>
    public ReadOnlyMemory<byte> XaGtrid { get; private init; }

    /// <summary>The XA xid's branch qualifier part (empty when not XA). Owned by the event.</summary>
    public ReadOnlyMemory<byte> XaBqual { get; private init; }

    /// <summary>The extra-flags byte of MariaDB 10.8+ (0 when absent; see the <c>ExtraFlag…</c> constants).</summary>
    public byte ExtraFlags { get; private init; }

    /// <summary>The number of engines beyond the first, when <see cref="ExtraFlagMultiEngine"/> is set.</summary>
    public byte? ExtraEngines { get; private init; }

    /// <summary>The sequence number of the START ALTER that this COMMIT/ROLLBACK ALTER finishes.</summary>
    public ulong? StartAlterSequence { get; private init; }

    internal static MariaDbGtidEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var sequence = reader.ReadUInt64();
        var domain = reader.ReadUInt32();
        var flags = reader.ReadByte();

        ulong? commitId = null;
        if ((flags & FlagGroupCommitId) != 0)
            commitId = reader.ReadUInt64();

        int? formatId = null;
        byte[] gtrid = [], bqual = [];
        if ((flags & (FlagPreparedXa | FlagCompletedXa)) != 0)
        {
            formatId = reader.ReadInt32();
            var gtridLength = reader.ReadByte();
            var bqualLength = reader.ReadByte();
            if (gtridLength > 64 || bqualLength > 64)
                throw BinlogFormatException.Create($"XA xid part lengths {gtridLength}/{bqualLength} exceed 64", reader.Offset - 2);
            gtrid = reader.ReadBytes(gtridLength).ToArray();
            bqual = reader.ReadBytes(bqualLength).ToArray();
        }

        byte extraFlags = 0;
        byte? extraEngines = null;
        ulong? startAlterSequence = null;
        if (reader.Remaining > 0)
        {
            extraFlags = reader.ReadByte();
            if ((extraFlags & ExtraFlagMultiEngine) != 0)
                extraEngines = reader.ReadByte();
            if ((extraFlags & (ExtraFlagCommitAlter | ExtraFlagRollbackAlter)) != 0)
                startAlterSequence = reader.ReadUInt64();
        }

        return new MariaDbGtidEvent(header)
        {
            Gtid = new MariaDbGtid(domain, header.ServerId, sequence),
            Flags = flags,
            CommitId = commitId,
            XaFormatId = formatId,
            XaGtrid = gtrid,
            XaBqual = bqual,
            ExtraFlags = extraFlags,
            ExtraEngines = extraEngines,
            StartAlterSequence = startAlterSequence,
        };
    }
}
