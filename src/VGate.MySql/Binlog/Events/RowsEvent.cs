using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// A ROWS event: WRITE/UPDATE/DELETE_ROWS v1 (23–25) and v2 (30–32), MySQL's PARTIAL_UPDATE_ROWS (39) and MariaDB's
/// compressed ROWS events (166–171). It holds the raw row images of one table; walk them with <see cref="GetRows"/>.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html,
/// https://mariadb.com/kb/en/rows_event_v1v2-rows_compressed_event_v1/
/// </summary>
/// <remarks>
/// <see cref="Rows"/>, <see cref="BeforeColumns"/>, <see cref="AfterColumns"/> and <see cref="ExtraData"/> reference the
/// buffer passed to <see cref="BinlogEventParser.Parse(ReadOnlyMemory{byte})"/> without copying: they are valid only
/// until the next event is requested from the stream. Copy what you need to keep. The exception is a MariaDB
/// compressed event, whose decompressed <see cref="Rows"/> are owned by this event.
/// </remarks>
public sealed class RowsEvent : BinlogEvent
{
    // Extra row info (v2): type codes of the entries in ExtraData.
    private const byte ExtraRowInfoNdb = 0;
    private const byte ExtraRowInfoPartition = 1;

    private RowsEvent(EventHeader header, RowsEventKind kind, ulong tableId, RowsEventFlags flags, ReadOnlyMemory<byte> extraData,
        int columnCount, ReadOnlyMemory<byte> beforeColumns, ReadOnlyMemory<byte> afterColumns, ReadOnlyMemory<byte> rows,
        TableMapEvent tableMap, int? partitionId, int? sourcePartitionId)
        : base(header)
    {
        Kind = kind;
        TableId = tableId;
        Flags = flags;
        ExtraData = extraData;
        ColumnCount = columnCount;
        BeforeColumns = beforeColumns;
        AfterColumns = afterColumns;
        Rows = rows;
        TableMap = tableMap;
        PartitionId = partitionId;
        SourcePartitionId = sourcePartitionId;
    }

    /// <summary>Insert, update or delete.</summary>
    public RowsEventKind Kind { get; }

    /// <summary>The table id; <see cref="TableMap"/> is the TABLE_MAP that defined it.</summary>
    public ulong TableId { get; }

    /// <summary>The event flags.</summary>
    public RowsEventFlags Flags { get; }

    /// <summary>True when <see cref="RowsEventFlags.StatementEnd"/> is set.</summary>
    public bool IsStatementEnd => (Flags & RowsEventFlags.StatementEnd) != 0;

    /// <summary>True for PARTIAL_UPDATE_ROWS (39): after images may carry JSON diffs (see <see cref="RowCell.IsPartialJson"/>).</summary>
    public bool IsPartialUpdate => Header.Type == EventType.PartialUpdateRows;

    /// <summary>True for MariaDB's compressed ROWS events (166–171).</summary>
    public bool IsCompressed => Header.Type is >= EventType.MariaDbWriteRowsCompressedV1 and <= EventType.MariaDbDeleteRowsCompressed;

    /// <summary>The v2 extra-data block without its 2-byte length (empty for v1 events). Not owned.</summary>
    public ReadOnlyMemory<byte> ExtraData { get; }

    /// <summary>Partition id from the v2 extra row info (MySQL 8 partitioned tables), or <c>null</c>.</summary>
    public int? PartitionId { get; }

    /// <summary>For updates of partitioned tables, the partition the row came from, or <c>null</c>.</summary>
    public int? SourcePartitionId { get; }

    /// <summary>The number of columns the images are described against (the table's column count).</summary>
    public int ColumnCount { get; }

    /// <summary>Bitmap (bit i = column i, least significant bit first) of the columns present in before images; empty for inserts. Not owned.</summary>
    public ReadOnlyMemory<byte> BeforeColumns { get; }

    /// <summary>Bitmap of the columns present in after images; empty for deletes. Not owned.</summary>
    public ReadOnlyMemory<byte> AfterColumns { get; }

    /// <summary>The row images, back to back. Not owned (except for MariaDB compressed events).</summary>
    public ReadOnlyMemory<byte> Rows { get; }

    /// <summary>The TABLE_MAP in effect for <see cref="TableId"/> when this event was parsed.</summary>
    public TableMapEvent TableMap { get; }

    /// <summary>
    /// How many bytes <see cref="CopyTo"/> needs: the extra data, both column bitmaps and the row images.
    /// </summary>
    public int CopyLength => ExtraData.Length + BeforeColumns.Length + AfterColumns.Length + Rows.Length;

    /// <summary>
    /// The same event with its bytes (extra data, column bitmaps, row images) copied to the start of
    /// <paramref name="storage"/> (at least <see cref="CopyLength"/> bytes), so it stays valid after the stream has
    /// moved on, for as long as the caller keeps <paramref name="storage"/> unchanged: a consumer that decodes the rows on
    /// another thread (<c>vgate binlog</c>) copies the events it hands over into its own reused buffers this way.
    /// The header, <see cref="TableMap"/> and the other parsed members are shared with this event.
    /// </summary>
    public RowsEvent CopyTo(Memory<byte> storage)
    {
        if (storage.Length < CopyLength)
            throw new ArgumentException($"{CopyLength} bytes are needed, the storage has {storage.Length}", nameof(storage));
        var offset = 0;
        ReadOnlyMemory<byte> Copy(ReadOnlyMemory<byte> source)
        {
            var target = storage.Slice(offset, source.Length);
            source.CopyTo(target);
            offset += source.Length;
            return target;
        }
        return new RowsEvent(Header, Kind, TableId, Flags, Copy(ExtraData), ColumnCount, Copy(BeforeColumns), Copy(AfterColumns),
            Copy(Rows), TableMap, PartitionId, SourcePartitionId);
    }

    /// <summary>
    /// Walks the rows: <c>foreach (var row in rowsEvent.GetRows()) { row.Before … row.After … }</c>. Each row exposes the
    /// null bitmap and the byte span of every present cell. Allocates nothing per row (a cell buffer is rented from the
    /// shared pool per walk and returned when the enumeration is disposed).
    /// </summary>
    public RowEnumerator GetRows() => new(this);

    /// <summary>Walks every row and returns how many there are (validating every cell length on the way).</summary>
    public int CountRows()
    {
        var count = 0;
        foreach (var row in GetRows())
        {
            _ = row;
            count++;
        }

        return count;
    }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum; sliced, not copied.</param>
    /// <param name="postHeaderLength">The type's post-header length (6 = 4-byte table id, 8 = v1, 10 = v2).</param>
    /// <param name="resolveTable">Finds the cached TABLE_MAP for a table id.</param>
    /// <param name="maxEventSize">Largest decompressed row data accepted (MariaDB compressed events).</param>
    internal static RowsEvent Parse(EventHeader header, ReadOnlyMemory<byte> body, int postHeaderLength,
        Func<ulong, TableMapEvent?> resolveTable, int maxEventSize)
    {
        var type = header.Type;
        var kind = type switch
        {
            EventType.WriteRowsV1 or EventType.WriteRowsV2 or EventType.MariaDbWriteRowsCompressedV1 or EventType.MariaDbWriteRowsCompressed => RowsEventKind.Insert,
            EventType.DeleteRowsV1 or EventType.DeleteRowsV2 or EventType.MariaDbDeleteRowsCompressedV1 or EventType.MariaDbDeleteRowsCompressed => RowsEventKind.Delete,
            _ => RowsEventKind.Update,
        };
        var isV2 = type is EventType.WriteRowsV2 or EventType.UpdateRowsV2 or EventType.DeleteRowsV2 or EventType.PartialUpdateRows
            or EventType.MariaDbWriteRowsCompressed or EventType.MariaDbUpdateRowsCompressed or EventType.MariaDbDeleteRowsCompressed;
        var isCompressed = type is >= EventType.MariaDbWriteRowsCompressedV1 and <= EventType.MariaDbDeleteRowsCompressed;

        var reader = new PacketReader(body.Span);
        var tableId = TableMapEvent.ReadTableId(ref reader, postHeaderLength);
        var flags = (RowsEventFlags)reader.ReadUInt16();
        var fixedPart = postHeaderLength == 6 ? 6 : 8;
        ReadOnlyMemory<byte> extra = default;
        int? partitionId = null, sourcePartitionId = null;
        if (isV2)
        {
            var extraLength = reader.ReadUInt16();
            if (extraLength < 2)
                throw BinlogFormatException.Create($"ROWS extra-data length {extraLength} is less than 2", reader.Offset - 2);
            fixedPart += 2;
            var extraStart = reader.Offset;
            reader.Skip(extraLength - 2);
            extra = body.Slice(extraStart, extraLength - 2);
            (partitionId, sourcePartitionId) = ReadPartitionInfo(extra.Span, kind);
        }

        if (postHeaderLength > fixedPart)
            reader.Skip(postHeaderLength - fixedPart);

        var columnCount = reader.ReadLengthEncodedLength();
        var bitmapLength = (columnCount + 7) / 8;
        var firstStart = reader.Offset;
        reader.Skip(bitmapLength);
        var firstBitmap = body.Slice(firstStart, bitmapLength);
        var secondBitmap = ReadOnlyMemory<byte>.Empty;
        if (kind == RowsEventKind.Update)
        {
            var secondStart = reader.Offset;
            reader.Skip(bitmapLength);
            secondBitmap = body.Slice(secondStart, bitmapLength);
        }

        var rows = body[reader.Offset..];
        if (isCompressed)
            rows = MariaDbCompression.Decompress(rows, maxEventSize, header);

        var tableMap = resolveTable(tableId) ?? throw BinlogFormatException.Create(
            $"{type} event for table id {tableId} at log position {header.NextPosition} has no preceding TABLE_MAP for that table id");
        if (columnCount > tableMap.Columns.Count)
            throw BinlogFormatException.Create(
                $"{type} event for {tableMap.Database}.{tableMap.Table} has {columnCount} columns but its TABLE_MAP has {tableMap.Columns.Count}");

        var (before, after) = kind switch
        {
            RowsEventKind.Insert => (ReadOnlyMemory<byte>.Empty, firstBitmap),
            RowsEventKind.Delete => (firstBitmap, ReadOnlyMemory<byte>.Empty),
            _ => (firstBitmap, secondBitmap),
        };
        return new RowsEvent(header, kind, tableId, flags, extra, columnCount, before, after, rows, tableMap, partitionId, sourcePartitionId);
    }

    // Extra row info entries: a type byte, then for NDB info a length byte and payload, for partition info the
    // partition id (and, for updates, the source partition id) as 2-byte integers.
    private static (int? Partition, int? SourcePartition) ReadPartitionInfo(ReadOnlySpan<byte> extra, RowsEventKind kind)
    {
        var reader = new PacketReader(extra);
        while (reader.Remaining > 0)
        {
            var entry = reader.ReadByte();
            switch (entry)
            {
                case ExtraRowInfoNdb:
                    var length = reader.ReadByte();
                    reader.Skip(Math.Max(length - 2, 0) + 1);
                    break;
                case ExtraRowInfoPartition:
                    int partition = reader.ReadUInt16();
                    int? source = kind == RowsEventKind.Update ? reader.ReadUInt16() : null;
                    return (partition, source);
                default:
                    return (null, null);
            }
        }

        return (null, null);
    }
}
