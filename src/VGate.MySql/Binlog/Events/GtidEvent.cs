using VGate.MySql.Positions;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// MySQL's GTID_LOG_EVENT (33), ANONYMOUS_GTID_LOG_EVENT (34) and GTID_TAGGED_LOG_EVENT (42): the first event of
/// every transaction, carrying its GTID (none for anonymous transactions), the logical clock used by parallel
/// appliers, commit timestamps, the transaction length and the server versions.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Gtid__event.html
/// </summary>
/// <remarks>
/// Types 33 and 34 use fixed offsets: flags (1), UUID (16), GNO (8), then optionally the logical-clock type code 2
/// with last_committed (8) and sequence_number (8), the immediate commit timestamp (7 bytes; its top bit says that
/// the original commit timestamp, 7 more bytes, follows), the transaction length (length-encoded integer), the
/// immediate server version (4 bytes; top bit says the original version follows) and the commit group ticket (8).
/// Type 42 uses MySQL's serialization library (https://dev.mysql.com/doc/dev/mysql-server/latest/PageLibsMysqlSerialization.html):
/// a format version (1), the message size, the last non-ignorable field id, then (field id, value) pairs with
/// variable-length integers. Fields that are absent keep MySQL's defaults: original values equal the immediate ones.
/// </remarks>
public sealed class GtidEvent : BinlogEvent
{
    /// <summary>FLAG_MAY_HAVE_SBR: the transaction may contain statement-based events.</summary>
    public const byte FlagMayHaveStatementBasedReplication = 1;

    private const byte LogicalClockTypeCode = 2;
    private const int SerializationFormatVersion = 1;

    private GtidEvent(EventHeader header)
        : base(header)
    {
    }

    /// <summary>The event's flags byte (see <see cref="FlagMayHaveStatementBasedReplication"/>).</summary>
    public byte Flags { get; private init; }

    /// <summary>True when <see cref="FlagMayHaveStatementBasedReplication"/> is set.</summary>
    public bool MayHaveStatementBasedChanges => (Flags & FlagMayHaveStatementBasedReplication) != 0;

    /// <summary>True for ANONYMOUS_GTID_LOG_EVENT (a transaction written with <c>gtid_mode=OFF</c>).</summary>
    public bool IsAnonymous => Type == EventType.AnonymousGtid;

    /// <summary>True for GTID_TAGGED_LOG_EVENT (MySQL 8.4+), whatever the tag.</summary>
    public bool IsTaggedFormat => Type == EventType.GtidTagged;

    /// <summary>The source UUID (all zeros for anonymous transactions).</summary>
    public Guid SourceId { get; private init; }

    /// <summary>The lowercase tag; empty for untagged and anonymous transactions.</summary>
    public string Tag { get; private init; } = "";

    /// <summary>The raw GNO (0 for anonymous transactions).</summary>
    public long Sequence { get; private init; }

    /// <summary>The transaction's GTID, or null for an anonymous transaction.</summary>
    public MySqlGtid? Gtid { get; private init; }

    /// <summary>True when the event carries <see cref="LastCommitted"/> and <see cref="SequenceNumber"/> (MySQL 5.7.6+).</summary>
    public bool HasLogicalClock { get; private init; }

    /// <summary>The <see cref="SequenceNumber"/> of the transaction this one depends on (0 when absent).</summary>
    public long LastCommitted { get; private init; }

    /// <summary>The transaction's logical timestamp within the binlog file (0 when absent).</summary>
    public long SequenceNumber { get; private init; }

    /// <summary>Microseconds since the Unix epoch when the transaction committed on the immediate source (0 when absent).</summary>
    public ulong ImmediateCommitTimestamp { get; private init; }

    /// <summary>Microseconds since the Unix epoch when the transaction committed on the original source (0 when absent).</summary>
    public ulong OriginalCommitTimestamp { get; private init; }

    /// <summary>Length in bytes of the whole transaction in the binlog, this event included (0 when absent).</summary>
    public ulong TransactionLength { get; private init; }

    /// <summary>Version of the immediate source as a number (80019 for 8.0.19); 0 when absent.</summary>
    public uint ImmediateServerVersion { get; private init; }

    /// <summary>Version of the original source as a number; 0 when absent.</summary>
    public uint OriginalServerVersion { get; private init; }

    /// <summary>The binlog group-commit ticket (0 when unset).</summary>
    public ulong CommitGroupTicket { get; private init; }

    /// <summary><see cref="ImmediateCommitTimestamp"/> as a time, or null when absent.</summary>
    public DateTimeOffset? ImmediateCommitTime => ToTime(ImmediateCommitTimestamp);

    /// <summary><see cref="OriginalCommitTimestamp"/> as a time, or null when absent.</summary>
    public DateTimeOffset? OriginalCommitTime => ToTime(OriginalCommitTimestamp);

    internal static GtidEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        return header.Type switch
        {
            EventType.Gtid or EventType.AnonymousGtid => ParseFixed(header, ref reader),
            EventType.GtidTagged => ParseTagged(header, ref reader),
            _ => throw BinlogFormatException.Create($"Event type {header.Type} is not a GTID event"),
        };
    }

    private static GtidEvent ParseFixed(EventHeader header, ref PacketReader reader)
    {
        var flags = reader.ReadByte();
        var uuid = new Guid(reader.ReadBytes(16), bigEndian: true);
        var gnoOffset = reader.Offset;
        var gno = reader.ReadInt64();
        var anonymous = header.Type == EventType.AnonymousGtid;
        if (!anonymous && (gno < 1 || gno > MySqlGtid.MaxSequence))
            throw BinlogFormatException.Create($"GTID sequence number {gno} is out of range", gnoOffset);

        var hasLogicalClock = false;
        long lastCommitted = 0, sequenceNumber = 0;
        ulong immediateTimestamp = 0, originalTimestamp = 0, transactionLength = 0, ticket = 0;
        uint immediateVersion = 0, originalVersion = 0;

        // MySQL 5.6 stops after the GNO; 5.7.4 and earlier used another type code, whose fields are not read.
        if (reader.Remaining > 0 && reader.PeekByte() == LogicalClockTypeCode)
        {
            reader.Skip(1);
            hasLogicalClock = true;
            lastCommitted = reader.ReadInt64();
            sequenceNumber = reader.ReadInt64();

            if (reader.Remaining >= 7)
            {
                immediateTimestamp = reader.ReadUIntLittleEndian(7);
                const ulong originalFollows = 1UL << 55;
                if ((immediateTimestamp & originalFollows) != 0)
                {
                    immediateTimestamp &= ~originalFollows;
                    originalTimestamp = reader.ReadUIntLittleEndian(7);
                }
                else
                {
                    originalTimestamp = immediateTimestamp;
                }

                if (reader.Remaining > 0)
                    transactionLength = reader.ReadLengthEncodedInteger();

                if (reader.Remaining >= 4)
                {
                    immediateVersion = reader.ReadUInt32();
                    const uint originalVersionFollows = 1U << 31;
                    if ((immediateVersion & originalVersionFollows) != 0)
                    {
                        immediateVersion &= ~originalVersionFollows;
                        originalVersion = reader.ReadUInt32();
                    }
                    else
                    {
                        originalVersion = immediateVersion;
                    }
                }

                if (reader.Remaining >= 8)
                    ticket = reader.ReadUInt64();
            }
        }

        return new GtidEvent(header)
        {
            Flags = flags,
            SourceId = uuid,
            Sequence = gno,
            Gtid = anonymous ? null : new MySqlGtid(gno, uuid, ""),
            HasLogicalClock = hasLogicalClock,
            LastCommitted = lastCommitted,
            SequenceNumber = sequenceNumber,
            ImmediateCommitTimestamp = immediateTimestamp,
            OriginalCommitTimestamp = originalTimestamp,
            TransactionLength = transactionLength,
            ImmediateServerVersion = immediateVersion,
            OriginalServerVersion = originalVersion,
            CommitGroupTicket = ticket,
        };
    }

    private static GtidEvent ParseTagged(EventHeader header, ref PacketReader reader)
    {
        var versionOffset = reader.Offset;
        var version = MySqlSerializationInteger.ReadUnsigned(ref reader);
        if (version != SerializationFormatVersion)
            throw BinlogFormatException.Create($"Unsupported serialization format version {version} in GTID_TAGGED_LOG_EVENT", versionOffset);

        var sizeOffset = reader.Offset;
        var messageSize = MySqlSerializationInteger.ReadUnsigned(ref reader);
        var lastNonIgnorableField = MySqlSerializationInteger.ReadUnsigned(ref reader);
        if (messageSize < (ulong)reader.Offset || messageSize > (ulong)reader.Buffer.Length)
            throw BinlogFormatException.Create($"GTID_TAGGED_LOG_EVENT message size {messageSize} does not fit the {reader.Buffer.Length}-byte body", sizeOffset);

        // The message size counts from the start of the body (format version included).
        var fields = new PacketReader(reader.Buffer[..(int)messageSize]) { Offset = reader.Offset };

        byte flags = 0;
        var uuid = Guid.Empty;
        long gno = 0, lastCommitted = 0, sequenceNumber = 0;
        string? tag = null;
        ulong immediateTimestamp = 0, transactionLength = 0, ticket = 0;
        ulong? originalTimestamp = null;
        uint immediateVersion = 0;
        uint? originalVersion = null;
        Span<byte> uuidBytes = stackalloc byte[16];

        while (fields.Remaining > 0)
        {
            var fieldOffset = fields.Offset;
            var fieldId = MySqlSerializationInteger.ReadUnsigned(ref fields);
            switch (fieldId)
            {
                case 0:
                    flags = (byte)ReadBounded(ref fields, byte.MaxValue, "gtid_flags");
                    break;
                case 1:
                    for (var i = 0; i < uuidBytes.Length; i++)
                        uuidBytes[i] = (byte)ReadBounded(ref fields, byte.MaxValue, "uuid byte");
                    uuid = new Guid(uuidBytes, bigEndian: true);
                    break;
                case 2:
                    gno = MySqlSerializationInteger.ReadSigned(ref fields);
                    break;
                case 3:
                    var tagOffset = fields.Offset;
                    var length = ReadBounded(ref fields, GtidTag.MaxLength, "tag length");
                    if (!GtidTag.TryDecode(fields.ReadBytes((int)length), out var decoded))
                        throw BinlogFormatException.Create($"Invalid GTID tag (expected {GtidTag.Pattern})", tagOffset);
                    tag = decoded;
                    break;
                case 4:
                    lastCommitted = MySqlSerializationInteger.ReadSigned(ref fields);
                    break;
                case 5:
                    sequenceNumber = MySqlSerializationInteger.ReadSigned(ref fields);
                    break;
                case 6:
                    immediateTimestamp = MySqlSerializationInteger.ReadUnsigned(ref fields);
                    break;
                case 7:
                    originalTimestamp = MySqlSerializationInteger.ReadUnsigned(ref fields);
                    break;
                case 8:
                    transactionLength = MySqlSerializationInteger.ReadUnsigned(ref fields);
                    break;
                case 9:
                    immediateVersion = (uint)ReadBounded(ref fields, uint.MaxValue, "immediate_server_version");
                    break;
                case 10:
                    originalVersion = (uint)ReadBounded(ref fields, uint.MaxValue, "original_server_version");
                    break;
                case 11:
                    ticket = MySqlSerializationInteger.ReadUnsigned(ref fields);
                    break;
                default:
                    // A newer server's field: its encoding is unknown, so the rest of the message cannot be read.
                    if (fieldId <= lastNonIgnorableField)
                        throw BinlogFormatException.Create($"Unknown non-ignorable field {fieldId} in GTID_TAGGED_LOG_EVENT", fieldOffset);
                    fields.Offset = fields.Buffer.Length;
                    break;
            }
        }

        if (tag is null)
            throw BinlogFormatException.Create("GTID_TAGGED_LOG_EVENT has no tag field");
        if (gno < 1 || gno > MySqlGtid.MaxSequence)
            throw BinlogFormatException.Create($"GTID sequence number {gno} is out of range");

        return new GtidEvent(header)
        {
            Flags = flags,
            SourceId = uuid,
            Tag = tag,
            Sequence = gno,
            Gtid = new MySqlGtid(gno, uuid, tag),
            HasLogicalClock = true,
            LastCommitted = lastCommitted,
            SequenceNumber = sequenceNumber,
            ImmediateCommitTimestamp = immediateTimestamp,
            OriginalCommitTimestamp = originalTimestamp ?? immediateTimestamp,
            TransactionLength = transactionLength,
            ImmediateServerVersion = immediateVersion,
            OriginalServerVersion = originalVersion ?? immediateVersion,
            CommitGroupTicket = ticket,
        };
    }

    private static ulong ReadBounded(ref PacketReader reader, ulong max, string field)
    {
        var offset = reader.Offset;
        var value = MySqlSerializationInteger.ReadUnsigned(ref reader);
        if (value > max)
            throw BinlogFormatException.Create($"GTID_TAGGED_LOG_EVENT {field} {value} exceeds {max}", offset);
        return value;
    }

    private static DateTimeOffset? ToTime(ulong microseconds) =>
        microseconds == 0 || microseconds > (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks / 10
            ? null
            : DateTimeOffset.UnixEpoch.AddTicks((long)microseconds * 10);
}
