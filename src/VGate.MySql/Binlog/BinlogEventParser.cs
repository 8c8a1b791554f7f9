using System.Buffers.Binary;
using System.IO.Hashing;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog;

/// <summary>
/// Turns the bytes of one binlog event into a typed <see cref="BinlogEvent"/>. One instance per binlog stream: it keeps
/// the stream's state — the current FORMAT_DESCRIPTION (post-header lengths, checksum algorithm, server flavor) and the
/// TABLE_MAP cache keyed by table id that ROWS events resolve against. Not thread-safe.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html and
/// https://mariadb.com/kb/en/2-binlog-event-header/
/// </summary>
/// <remarks>
/// Buffer ownership: events that expose raw bytes (<see cref="RowsEvent"/>, <see cref="UnknownEvent"/>,
/// <see cref="TransactionPayloadEvent"/>, <see cref="MariaDbAnnotateRowsEvent"/>) reference the memory passed to
/// <see cref="Parse(ReadOnlyMemory{byte})"/> without copying, so they are valid only until the next event is requested
/// from the stream (an ANNOTATE_ROWS statement text read for the first time after that throws). Every other event, and
/// in particular <see cref="TableMapEvent"/>, is owned and immutable.
/// </remarks>
public sealed class BinlogEventParser
{
    /// <summary>Default <see cref="MaxEventSize"/>: 1 GiB, the largest <c>max_allowed_packet</c> a server accepts.</summary>
    public const int DefaultMaxEventSize = 1 << 30;

    private const int ChecksumSize = 4;
    private const int FlagsOffset = 17;

    // LOG_EVENT_BINLOG_IN_USE_F: set in the FORMAT_DESCRIPTION of a binlog file that is still open (or was not closed cleanly).
    private const ushort BinlogInUseFlag = 0x0001;

    // When the cache holds more table ids than this, it is cleared at the next end of statement. Table maps are always
    // re-sent before the row events of each statement, so clearing between statements is safe.
    private const int TableCacheSoftLimit = 4096;

    private readonly Dictionary<ulong, TableMapEvent> _tables = [];

    // Created once: a method group converted at each call would allocate a delegate per ROWS event.
    private readonly Func<ulong, TableMapEvent?> _resolveTable;
    private bool _clearTablesAtStatementEnd;

    /// <summary>Creates a parser for one stream.</summary>
    /// <param name="checksum">
    /// The checksum mode of the events before the first FORMAT_DESCRIPTION, e.g. what the replication client negotiated
    /// with <c>SET @master_binlog_checksum</c>. From the first FORMAT_DESCRIPTION on, its checksum-algorithm byte decides.
    /// </param>
    /// <param name="maxEventSize">Largest event (or decompressed event part) accepted; see <see cref="MaxEventSize"/>.</param>
    public BinlogEventParser(ChecksumAlgorithm checksum = ChecksumAlgorithm.None, int maxEventSize = DefaultMaxEventSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventSize, EventHeader.Size);
        Checksum = checksum == ChecksumAlgorithm.Undefined ? ChecksumAlgorithm.None : checksum;
        MaxEventSize = maxEventSize;
        _resolveTable = ResolveTable;
    }

    /// <summary>
    /// Largest event accepted, in bytes. Guards against garbage length fields and bounds the memory a compressed event
    /// can inflate to. Inner events of a TRANSACTION_PAYLOAD larger than this are skipped as <see cref="OversizedEvent"/>.
    /// </summary>
    public int MaxEventSize { get; }

    /// <summary>The checksum mode applied to the next event (other than a FORMAT_DESCRIPTION, which carries its own).</summary>
    public ChecksumAlgorithm Checksum { get; private set; }

    /// <summary>The last FORMAT_DESCRIPTION seen, or <c>null</c> before the first.</summary>
    public FormatDescriptionEvent? FormatDescription { get; private set; }

    /// <summary>True when the last FORMAT_DESCRIPTION came from MariaDB.</summary>
    public bool IsMariaDb => FormatDescription?.IsMariaDb ?? false;

    /// <summary>The header of the event most recently parsed (useful when a cached <see cref="TableMapEvent"/> was returned).</summary>
    public EventHeader LastHeader { get; private set; }

    /// <summary>
    /// Counts the events parsed (and buffer releases announced with <see cref="ReleaseBuffers"/>). Events that decode
    /// lazily from the caller's buffer (<see cref="MariaDbAnnotateRowsEvent"/>) note it when parsed and refuse to
    /// decode once it has moved on, as their bytes may have been overwritten by then.
    /// </summary>
    internal int Generation { get; private set; }

    /// <summary>
    /// Tells the parser that the buffers of the events parsed so far are no longer valid (a reader calls it when it
    /// stops), so lazily decoded members of those events report that instead of reading reused memory.
    /// </summary>
    internal void ReleaseBuffers() => Generation++;

    /// <summary>Finds the TABLE_MAP currently cached for a table id.</summary>
    public bool TryGetTableMap(ulong tableId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TableMapEvent? tableMap) =>
        _tables.TryGetValue(tableId, out tableMap);

    /// <summary>
    /// Parses one whole event: the 19-byte header, the body and — when the checksum mode is CRC32 — the 4-byte CRC32,
    /// which is verified and stripped.
    /// </summary>
    /// <param name="eventBytes">Exactly one event. Referenced, not copied, by the returned event where it exposes raw bytes.</param>
    /// <exception cref="BinlogFormatException">The bytes are not a well-formed event (bad length, CRC mismatch, truncated body…).</exception>
    public BinlogEvent Parse(ReadOnlyMemory<byte> eventBytes)
    {
        Generation++;
        var header = ReadAndCheckHeader(eventBytes.Span);
        ReadOnlyMemory<byte> body;
        if (header.Type == EventType.FormatDescription)
        {
            var bodyWithChecksum = eventBytes[EventHeader.Size..];
            var algorithm = FormatDescriptionEvent.PeekChecksumAlgorithm(bodyWithChecksum.Span);
            if (algorithm == ChecksumAlgorithm.Crc32)
                VerifyChecksum(eventBytes.Span, header);
            var fde = FormatDescriptionEvent.Parse(header, bodyWithChecksum.Span);
            FormatDescription = fde;
            Checksum = fde.ChecksumAlgorithm;
            LastHeader = header;
            return fde;
        }

        if (Checksum == ChecksumAlgorithm.Crc32)
        {
            VerifyChecksum(eventBytes.Span, header);
            body = eventBytes[EventHeader.Size..^ChecksumSize];
        }
        else
        {
            body = eventBytes[EventHeader.Size..];
        }

        return Dispatch(header, body);
    }

    /// <summary>Parses an event from inside a TRANSACTION_PAYLOAD: such events never carry a checksum.</summary>
    internal BinlogEvent ParseInner(ReadOnlyMemory<byte> eventBytes)
    {
        Generation++;
        var header = ReadAndCheckHeader(eventBytes.Span);
        if (header.Type is EventType.FormatDescription or EventType.TransactionPayload)
            throw BinlogFormatException.Create($"A {header.Type} event cannot appear inside a TRANSACTION_PAYLOAD");
        return Dispatch(header, eventBytes[EventHeader.Size..]);
    }

    /// <summary>Reads the common header (no validation beyond its size).</summary>
    internal static EventHeader ReadHeader(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < EventHeader.Size)
            throw BinlogFormatException.CreateForShortBuffer(0, EventHeader.Size, bytes.Length);

        // One length check above instead of one per field: this runs for every event.
        var header = bytes[..EventHeader.Size];
        return new EventHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(header),
            (EventType)header[4],
            BinaryPrimitives.ReadUInt32LittleEndian(header[5..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[9..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[13..]),
            BinaryPrimitives.ReadUInt16LittleEndian(header[17..]));
    }

    private EventHeader ReadAndCheckHeader(ReadOnlySpan<byte> bytes)
    {
        var header = ReadHeader(bytes);
        if (header.EventLength != (uint)bytes.Length)
            throw BinlogFormatException.Create($"{header.Type} event header declares {header.EventLength} bytes but {bytes.Length} were given (log position {header.NextPosition})", 9);
        if (header.EventLength > (uint)MaxEventSize)
            throw BinlogFormatException.Create($"{header.Type} event of {header.EventLength} bytes exceeds the limit of {MaxEventSize} (log position {header.NextPosition})", 9);
        return header;
    }

    private static void VerifyChecksum(ReadOnlySpan<byte> bytes, EventHeader header)
    {
        if (bytes.Length < EventHeader.Size + ChecksumSize)
            throw BinlogFormatException.Create($"{header.Type} event of {bytes.Length} bytes is too short to carry a CRC32 (log position {header.NextPosition})");
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^ChecksumSize..]);
        uint actual;
        if (header.Type == EventType.FormatDescription && (header.Flags & BinlogInUseFlag) != 0)
        {
            // The server checksums FORMAT_DESCRIPTION without LOG_EVENT_BINLOG_IN_USE_F, which it sets in the file
            // while the binlog is open and clears on close without recomputing the checksum.
            var crc = new Crc32();
            crc.Append(bytes[..FlagsOffset]);
            Span<byte> flags = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(flags, (ushort)(header.Flags & ~BinlogInUseFlag));
            crc.Append(flags);
            crc.Append(bytes[(FlagsOffset + 2)..^ChecksumSize]);
            actual = crc.GetCurrentHashAsUInt32();
        }
        else
        {
            actual = BinlogCrc32.Hash(bytes[..^ChecksumSize]);
        }

        if (expected != actual)
        {
            throw BinlogFormatException.Create(
                $"CRC32 mismatch in {header.Type} event (type {(byte)header.Type}) at log position {header.NextPosition}: " +
                $"the event says 0x{expected:X8}, the bytes give 0x{actual:X8}", bytes.Length - ChecksumSize);
        }
    }

    // The one registry: every event type code is dispatched here and only here.
    private BinlogEvent Dispatch(EventHeader header, ReadOnlyMemory<byte> body)
    {
        LastHeader = header;
        var span = body.Span;
        switch (header.Type)
        {
            case EventType.Query:
            case EventType.MariaDbQueryCompressed:
                return QueryEvent.Parse(header, body, PostHeaderLength(EventType.Query), MaxEventSize);
            case EventType.Stop:
                return StopEvent.Parse(header, span);
            case EventType.Rotate:
                return RotateEvent.Parse(header, span, PostHeaderLength(EventType.Rotate));
            case EventType.Intvar:
                return IntvarEvent.Parse(header, span);
            case EventType.Rand:
                return RandEvent.Parse(header, span);
            case EventType.UserVar:
                return UserVarEvent.Parse(header, span);
            case EventType.Xid:
                return XidEvent.Parse(header, span);
            case EventType.TableMap:
                return ParseTableMap(header, span);
            case EventType.WriteRowsV1:
            case EventType.UpdateRowsV1:
            case EventType.DeleteRowsV1:
            case EventType.WriteRowsV2:
            case EventType.UpdateRowsV2:
            case EventType.DeleteRowsV2:
            case EventType.PartialUpdateRows:
            case EventType.MariaDbWriteRowsCompressedV1:
            case EventType.MariaDbUpdateRowsCompressedV1:
            case EventType.MariaDbDeleteRowsCompressedV1:
            case EventType.MariaDbWriteRowsCompressed:
            case EventType.MariaDbUpdateRowsCompressed:
            case EventType.MariaDbDeleteRowsCompressed:
                return ParseRows(header, body);
            case EventType.Incident:
                return IncidentEvent.Parse(header, span);
            case EventType.Heartbeat:
            case EventType.HeartbeatV2:
                return HeartbeatEvent.Parse(header, span);
            case EventType.RowsQuery:
                return RowsQueryEvent.Parse(header, span);
            case EventType.XaPrepare:
                return XaPrepareEvent.Parse(header, span);
            case EventType.TransactionPayload:
                return TransactionPayloadEvent.Parse(header, body, this);
            case EventType.MariaDbAnnotateRows:
                return MariaDbAnnotateRowsEvent.Parse(header, body, this);
            case EventType.MariaDbBinlogCheckpoint:
                return MariaDbBinlogCheckpointEvent.Parse(header, span);

            case EventType.Gtid:
            case EventType.AnonymousGtid:
            case EventType.GtidTagged:
                return GtidEvent.Parse(header, span);
            case EventType.PreviousGtids:
                return PreviousGtidsEvent.Parse(header, span);
            case EventType.MariaDbGtid:
                return MariaDbGtidEvent.Parse(header, span);
            case EventType.MariaDbGtidList:
                return MariaDbGtidListEvent.Parse(header, span);

            default:
                // Unknown, obsolete (LOAD…, pre-GA rows) or uninteresting (ignorable, view change…) types are skipped.
                return UnknownEvent.Parse(header, body);
        }
    }

    /// <summary>
    /// Takes over <paramref name="other"/>'s table definitions, so a table the other parser knew keeps its
    /// <see cref="TableMapEvent"/> (and column list) instance here: a reader that moves its stream to another parser at a
    /// transaction boundary (<see cref="Replication.SharedBinlogReaders"/>) does not look like a table definition change.
    /// </summary>
    internal void ImportTableMaps(BinlogEventParser other)
    {
        foreach (var (tableId, tableMap) in other._tables)
            _tables[tableId] = tableMap;
    }

    private TableMapEvent ParseTableMap(EventHeader header, ReadOnlySpan<byte> body)
    {
        var postHeaderLength = PostHeaderLength(EventType.TableMap);
        var reader = new PacketReader(body);
        var tableId = TableMapEvent.ReadTableId(ref reader, postHeaderLength);
        if (_tables.TryGetValue(tableId, out var cached) && cached.HasBody(body))
            return cached.WithHeader(header);

        var tableMap = TableMapEvent.Parse(header, body, postHeaderLength, IsMariaDb);
        _tables[tableId] = tableMap;
        if (_tables.Count > TableCacheSoftLimit)
            _clearTablesAtStatementEnd = true;
        return tableMap;
    }

    private RowsEvent ParseRows(EventHeader header, ReadOnlyMemory<byte> body)
    {
        var rows = RowsEvent.Parse(header, body, PostHeaderLength(header.Type), _resolveTable, MaxEventSize);
        if (_clearTablesAtStatementEnd && rows.IsStatementEnd)
        {
            _tables.Clear();
            _clearTablesAtStatementEnd = false;
        }

        return rows;
    }

    private TableMapEvent? ResolveTable(ulong tableId) => _tables.GetValueOrDefault(tableId);

    private int PostHeaderLength(EventType type) =>
        FormatDescription?.GetPostHeaderLength(type) ?? DefaultPostHeaderLength(type);

    // Post-header lengths of binlog v4 for the types whose layout depends on it, used before any FORMAT_DESCRIPTION.
    private static int DefaultPostHeaderLength(EventType type) => type switch
    {
        EventType.Query or EventType.MariaDbQueryCompressed => 13,
        EventType.Rotate => 8,
        EventType.TableMap => 8,
        EventType.WriteRowsV1 or EventType.UpdateRowsV1 or EventType.DeleteRowsV1 => 8,
        EventType.MariaDbWriteRowsCompressedV1 or EventType.MariaDbUpdateRowsCompressedV1 or EventType.MariaDbDeleteRowsCompressedV1 => 8,
        _ => 10,
    };
}
