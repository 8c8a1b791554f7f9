using System.Text;
using VGate.MySql.Binlog.Rows;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// TABLE_MAP_EVENT (19): maps a table id to a database, table and column layout for the row events that follow —
/// column types, per-type metadata, nullability and, with <c>binlog_row_metadata=FULL</c> (MySQL 8.0.1+, MariaDB
/// 10.5+), the optional metadata: names, signedness, character sets, ENUM/SET values, geometry types, primary key,
/// visibility (MySQL 8.0.23+) and vector dimensions (MySQL 9).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Table__map__event.html
/// and https://mariadb.com/kb/en/table_map_event/
/// </summary>
/// <remarks>
/// Owned and immutable: the parser keeps one instance per table id and hands the same instance to every row event
/// that refers to the table. When a TABLE_MAP arrives whose body is byte-for-byte the cached one, the parser returns the
/// cached definition under the new header (one small object; <see cref="Columns"/> and the other parsed members are the
/// same instances), so <see cref="Columns"/> identity tells a consumer that the table's definition did not change.
/// </remarks>
public sealed class TableMapEvent : BinlogEvent
{
    // Everything parsed from the body. Shared by every arrival of a byte-identical TABLE_MAP, so a repeated arrival
    // costs one small object (header + this reference) and no parsing.
    private readonly Definition _definition;

    private TableMapEvent(EventHeader header, Definition definition)
        : base(header) => _definition = definition;

    /// <summary>The table id (6 bytes on the wire, or 4 for very old writers).</summary>
    public ulong TableId => _definition.TableId;

    /// <summary>TABLE_MAP flags (bit 0: TM_BIT_LEN_EXACT_F).</summary>
    public ushort Flags => _definition.Flags;

    /// <summary>The database (schema) name.</summary>
    public string Database => _definition.Database;

    /// <summary>The table name.</summary>
    public string Table => _definition.Table;

    /// <summary>Every column of the table, in table order.</summary>
    public IReadOnlyList<ColumnInfo> Columns => _definition.Columns;

    /// <summary>Column indexes of the primary key in key order (empty when the metadata did not say).</summary>
    public IReadOnlyList<int> PrimaryKey => _definition.PrimaryKey;

    /// <summary>Prefix length of each <see cref="PrimaryKey"/> part (0 = the whole column); same length as <see cref="PrimaryKey"/>.</summary>
    public IReadOnlyList<int> PrimaryKeyPrefixes => _definition.PrimaryKeyPrefixes;

    /// <summary>True when optional metadata COLUMN_NAME was present (<c>binlog_row_metadata=FULL</c>).</summary>
    public bool HasColumnNames => _definition.HasColumnNames;

    /// <summary>True when optional metadata COLUMN_VISIBILITY was present (MySQL 8.0.23+).</summary>
    public bool HasColumnVisibility => _definition.HasColumnVisibility;

    /// <summary>The raw optional-metadata TLV block (empty when absent). Owned.</summary>
    public ReadOnlyMemory<byte> OptionalMetadata => _definition.Body.AsMemory(_definition.OptionalMetadataOffset);

    /// <summary>Number of JSON columns in the table (the size of the partial-JSON bitmap of PARTIAL_UPDATE_ROWS).</summary>
    internal int JsonColumnCount => _definition.JsonColumnCount;

    /// <summary><see cref="Columns"/> as the array it is, for the row walk (no interface calls per cell).</summary>
    internal ColumnInfo[] ColumnArray => _definition.Columns;

    /// <summary>
    /// Each column's cell layout in a row image (<see cref="CellLength.Layout"/>): the byte length when the type and
    /// metadata fix it; -2 to -5 when the cell starts with a 1- to 4-byte length prefix; -1 otherwise (invalid
    /// metadata, which <see cref="CellLength.Of"/> then reports).
    /// </summary>
    internal int[] FixedCellLengths => _definition.FixedCellLengths;

    /// <summary>True when <paramref name="body"/> is byte-for-byte the body this instance was parsed from.</summary>
    internal bool HasBody(ReadOnlySpan<byte> body) => body.SequenceEqual(_definition.Body);

    /// <summary>
    /// The same table definition under the header of a later arrival: one small object, the parsed columns and
    /// metadata are shared (so <see cref="Columns"/> is the same instance while the definition is unchanged).
    /// </summary>
    internal TableMapEvent WithHeader(EventHeader header) => header == Header ? this : new TableMapEvent(header, _definition);

    /// <summary>Reads the table id from a TABLE_MAP or ROWS body.</summary>
    internal static ulong ReadTableId(ref PacketReader reader, int postHeaderLength) =>
        postHeaderLength == 6 ? reader.ReadUInt32() : reader.ReadUInt48();

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum; copied (the event is owned).</param>
    /// <param name="postHeaderLength">TABLE_MAP post-header length: 8 (6-byte table id) or 6 (4-byte table id).</param>
    /// <param name="isMariaDb">The writer is MariaDB (see <see cref="BinlogFlavorRules"/>).</param>
    internal static TableMapEvent Parse(EventHeader header, ReadOnlySpan<byte> body, int postHeaderLength, bool isMariaDb)
    {
        var owned = body.ToArray();
        var reader = new PacketReader(owned);
        var tableId = ReadTableId(ref reader, postHeaderLength);
        var flags = reader.ReadUInt16();
        if (postHeaderLength > 8)
            reader.Skip(postHeaderLength - 8);

        var database = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte()));
        reader.Skip(1);
        var table = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte()));
        reader.Skip(1);

        var columnCount = reader.ReadLengthEncodedLength();
        var wireTypes = reader.ReadBytes(columnCount);
        var metadataLength = reader.ReadLengthEncodedLength();
        var metadataReader = new PacketReader(reader.ReadBytes(metadataLength));
        var nullBitmap = reader.ReadBytes((columnCount + 7) / 8);

        var layout = new ColumnLayout(columnCount);
        for (var i = 0; i < columnCount; i++)
        {
            var wire = (ColumnType)wireTypes[i];
            var metadata = ReadColumnMetadata(ref metadataReader, wire);
            layout.WireTypes[i] = wire;
            layout.Metadata[i] = metadata;
            layout.Types[i] = ResolveType(wire, metadata);
        }

        if (metadataReader.Remaining != 0)
            throw BinlogFormatException.Create($"TABLE_MAP {database}.{table}: {metadataReader.Remaining} column metadata byte(s) left over", metadataReader.Offset);

        var optionalOffset = reader.Offset;
        var optional = ParseOptionalMetadata(reader.ReadToEnd(), layout, isMariaDb, out var hasNames, out var hasVisibility);

        var columns = new ColumnInfo[columnCount];
        var jsonColumns = 0;
        for (var i = 0; i < columnCount; i++)
        {
            if (layout.Types[i] == ColumnType.Json)
                jsonColumns++;
            columns[i] = new ColumnInfo
            {
                Index = i,
                Type = layout.Types[i],
                WireType = layout.WireTypes[i],
                Metadata = layout.Metadata[i],
                IsNullable = (nullBitmap[i >> 3] & (1 << (i & 7))) != 0,
                Name = optional.Names[i],
                IsUnsigned = optional.Unsigned[i],
                CollationId = optional.Collations[i],
                EnumValues = optional.EnumValues[i],
                SetValues = optional.SetValues[i],
                IsPrimaryKey = optional.PrimaryKeyPrefix[i] >= 0,
                PrimaryKeyPrefix = Math.Max(optional.PrimaryKeyPrefix[i], 0),
                GeometryType = optional.GeometryTypes[i],
                VectorDimensions = optional.VectorDimensions[i],
                IsVisible = optional.Visible[i],
            };
        }

        var fixedLengths = new int[columnCount];
        for (var i = 0; i < columnCount; i++)
            fixedLengths[i] = CellLength.Layout(columns[i]);

        return new TableMapEvent(header, new Definition(owned, tableId, flags, database, table, columns, [.. optional.PrimaryKey],
            [.. optional.PrimaryKeyPrefixes], optionalOffset, jsonColumns, hasNames, hasVisibility, fixedLengths));
    }

    private static ushort ReadColumnMetadata(ref PacketReader reader, ColumnType wire)
    {
        switch (wire)
        {
            case ColumnType.Float:
            case ColumnType.Double:
            case ColumnType.Blob:
            case ColumnType.TinyBlob:
            case ColumnType.MediumBlob:
            case ColumnType.LongBlob:
            case ColumnType.Geometry:
            case ColumnType.Json:
            case ColumnType.Vector:
            case ColumnType.Time2:
            case ColumnType.DateTime2:
            case ColumnType.Timestamp2:
                return reader.ReadByte();
            case ColumnType.VarChar:
            case ColumnType.VarString:
            case ColumnType.NewDecimal:
            case ColumnType.Bit:
            case ColumnType.String:
            case ColumnType.Enum:
            case ColumnType.Set:
                var b0 = reader.ReadByte();
                var b1 = reader.ReadByte();
                return (ushort)(b0 | (b1 << 8));
            case ColumnType.TypedArray:
                // MySQL typed arrays: the element type byte, then the element type's own metadata.
                var element = (ColumnType)reader.ReadByte();
                return element == ColumnType.TypedArray
                    ? throw BinlogFormatException.Create("Nested typed array in TABLE_MAP metadata", reader.Offset - 1)
                    : ReadColumnMetadata(ref reader, element);
            default:
                return 0;
        }
    }

    /// <summary>
    /// Resolves the real type of a STRING column: for metadata bytes b0, b1, when (b0 &amp; 0x30) != 0x30 the column is a
    /// CHAR longer than 255 bytes (real type STRING); otherwise b0 is the real type (ENUM, SET or STRING).
    /// </summary>
    private static ColumnType ResolveType(ColumnType wire, ushort metadata)
    {
        if (wire != ColumnType.String)
            return wire;
        var b0 = metadata & 0xFF;
        if ((b0 & 0x30) != 0x30)
            return ColumnType.String;
        return (ColumnType)b0 is ColumnType.Enum or ColumnType.Set ? (ColumnType)b0 : ColumnType.String;
    }

    private static OptionalColumns ParseOptionalMetadata(ReadOnlySpan<byte> block, ColumnLayout layout, bool isMariaDb,
        out bool hasNames, out bool hasVisibility)
    {
        var count = layout.Types.Length;
        var result = new OptionalColumns(count);
        hasNames = false;
        hasVisibility = false;
        var reader = new PacketReader(block);
        while (reader.Remaining > 0)
        {
            var fieldType = (OptionalMetadataField)reader.ReadByte();
            var fieldStart = reader.Offset;
            var value = new PacketReader(reader.ReadBytes(reader.ReadLengthEncodedLength()));
            switch (fieldType)
            {
                case OptionalMetadataField.Signedness:
                    ReadBitmapInto(value.ReadToEnd(), layout, t => BinlogFlavorRules.IsNumericColumn(t, isMariaDb), result.Unsigned, fieldStart);
                    break;
                case OptionalMetadataField.DefaultCharset:
                    ReadDefaultCharset(ref value, layout, t => BinlogFlavorRules.IsCharacterColumn(t, isMariaDb), result.Collations, fieldStart);
                    break;
                case OptionalMetadataField.ColumnCharset:
                    ReadColumnCharsets(ref value, layout, t => BinlogFlavorRules.IsCharacterColumn(t, isMariaDb), result.Collations, fieldStart);
                    break;
                case OptionalMetadataField.EnumAndSetDefaultCharset:
                    ReadDefaultCharset(ref value, layout, IsEnumOrSet, result.Collations, fieldStart);
                    break;
                case OptionalMetadataField.EnumAndSetColumnCharset:
                    ReadColumnCharsets(ref value, layout, IsEnumOrSet, result.Collations, fieldStart);
                    break;
                case OptionalMetadataField.ColumnName:
                    hasNames = true;
                    for (var i = 0; i < count && value.Remaining > 0; i++)
                        result.Names[i] = Encoding.UTF8.GetString(value.ReadLengthEncodedBytes());
                    break;
                case OptionalMetadataField.SetStrValue:
                    ReadStringLists(ref value, layout, ColumnType.Set, result.SetBytes);
                    break;
                case OptionalMetadataField.EnumStrValue:
                    ReadStringLists(ref value, layout, ColumnType.Enum, result.EnumBytes);
                    break;
                case OptionalMetadataField.GeometryType:
                    ReadIntegers(ref value, layout, ColumnType.Geometry, result.GeometryTypes);
                    break;
                case OptionalMetadataField.VectorDimensionality:
                    ReadIntegers(ref value, layout, ColumnType.Vector, result.VectorDimensions);
                    break;
                case OptionalMetadataField.SimplePrimaryKey:
                    while (value.Remaining > 0)
                        AddPrimaryKeyPart(result, CheckColumnIndex(value.ReadLengthEncodedLength(), count, fieldStart), 0);
                    break;
                case OptionalMetadataField.PrimaryKeyWithPrefix:
                    while (value.Remaining > 0)
                    {
                        var column = CheckColumnIndex(value.ReadLengthEncodedLength(), count, fieldStart);
                        AddPrimaryKeyPart(result, column, value.ReadLengthEncodedLength());
                    }

                    break;
                case OptionalMetadataField.ColumnVisibility:
                    hasVisibility = true;
                    ReadBitmapInto(value.ReadToEnd(), layout, _ => true, result.Visible, fieldStart);
                    break;
                default:
                    // Fields added by later servers are skipped by their length.
                    break;
            }
        }

        // Member names are in the column's own character set, which the server writes after them (ENUM_AND_SET_…_CHARSET).
        for (var i = 0; i < count; i++)
        {
            result.EnumValues[i] = Decode(result.EnumBytes[i], result.Collations[i]);
            result.SetValues[i] = Decode(result.SetBytes[i], result.Collations[i]);
        }
        return result;
    }

    private static string[]? Decode(byte[][]? members, int collationId)
    {
        if (members is null)
            return null;
        var encoding = MySqlCharsets.GetEncoding(collationId);
        return Array.ConvertAll(members, encoding.GetString);
    }

    private static bool IsEnumOrSet(ColumnType type) => type is ColumnType.Enum or ColumnType.Set;

    private static int CheckColumnIndex(int index, int count, int offset) =>
        index < count ? index : throw BinlogFormatException.Create($"TABLE_MAP optional metadata names column {index} of a {count}-column table", offset);

    private static void AddPrimaryKeyPart(OptionalColumns result, int column, int prefix)
    {
        result.PrimaryKey.Add(column);
        result.PrimaryKeyPrefixes.Add(prefix);
        result.PrimaryKeyPrefix[column] = prefix;
    }

    // SIGNEDNESS and COLUMN_VISIBILITY: one bit per selected column, most significant bit first.
    private static void ReadBitmapInto(ReadOnlySpan<byte> bitmap, ColumnLayout layout, Func<ColumnType, bool> selects, bool[] target, int offset)
    {
        var bit = 0;
        for (var i = 0; i < layout.Types.Length; i++)
        {
            if (!selects(layout.Types[i]))
                continue;
            if ((bit >> 3) >= bitmap.Length)
                throw BinlogFormatException.Create($"TABLE_MAP optional metadata bitmap of {bitmap.Length} byte(s) is too short for column {i}", offset);
            target[i] = (bitmap[bit >> 3] & (0x80 >> (bit & 7))) != 0;
            bit++;
        }
    }

    // DEFAULT_CHARSET: the default collation, then (index among the selected columns, collation) pairs for the exceptions.
    private static void ReadDefaultCharset(ref PacketReader value, ColumnLayout layout, Func<ColumnType, bool> selects, int[] target, int offset)
    {
        var defaultCollation = value.ReadLengthEncodedLength();
        var selected = SelectedColumns(layout, selects);
        foreach (var column in selected)
            target[column] = defaultCollation;
        while (value.Remaining > 0)
        {
            var index = value.ReadLengthEncodedLength();
            var collation = value.ReadLengthEncodedLength();
            if (index >= selected.Count)
                throw BinlogFormatException.Create($"TABLE_MAP charset exception for character column {index}, but the table has {selected.Count}", offset);
            target[selected[index]] = collation;
        }
    }

    // COLUMN_CHARSET: one collation per selected column, in column order.
    private static void ReadColumnCharsets(ref PacketReader value, ColumnLayout layout, Func<ColumnType, bool> selects, int[] target, int offset)
    {
        foreach (var column in SelectedColumns(layout, selects))
        {
            if (value.Remaining == 0)
                throw BinlogFormatException.Create($"TABLE_MAP column charsets end before column {column}", offset);
            target[column] = value.ReadLengthEncodedLength();
        }
    }

    private static void ReadStringLists(ref PacketReader value, ColumnLayout layout, ColumnType type, byte[][]?[] target)
    {
        for (var i = 0; i < layout.Types.Length && value.Remaining > 0; i++)
        {
            if (layout.Types[i] != type)
                continue;
            var count = value.ReadLengthEncodedLength();
            if (count > value.Remaining)
                throw BinlogFormatException.CreateForShortBuffer(value.Offset, count, value.Remaining);
            var members = new byte[count][];
            for (var s = 0; s < count; s++)
                members[s] = value.ReadLengthEncodedBytes().ToArray();
            target[i] = members;
        }
    }

    private static void ReadIntegers(ref PacketReader value, ColumnLayout layout, ColumnType type, int?[] target)
    {
        for (var i = 0; i < layout.Types.Length && value.Remaining > 0; i++)
        {
            if (layout.Types[i] == type)
                target[i] = value.ReadLengthEncodedLength();
        }
    }

    private static List<int> SelectedColumns(ColumnLayout layout, Func<ColumnType, bool> selects)
    {
        var list = new List<int>();
        for (var i = 0; i < layout.Types.Length; i++)
        {
            if (selects(layout.Types[i]))
                list.Add(i);
        }

        return list;
    }

    private enum OptionalMetadataField : byte
    {
        Signedness = 1,
        DefaultCharset = 2,
        ColumnCharset = 3,
        ColumnName = 4,
        SetStrValue = 5,
        EnumStrValue = 6,
        GeometryType = 7,
        SimplePrimaryKey = 8,
        PrimaryKeyWithPrefix = 9,
        EnumAndSetDefaultCharset = 10,
        EnumAndSetColumnCharset = 11,
        ColumnVisibility = 12,
        VectorDimensionality = 13,
    }

    private sealed class Definition(byte[] body, ulong tableId, ushort flags, string database, string table, ColumnInfo[] columns,
        int[] primaryKey, int[] primaryKeyPrefixes, int optionalMetadataOffset, int jsonColumnCount, bool hasColumnNames,
        bool hasColumnVisibility, int[] fixedCellLengths)
    {
        public byte[] Body { get; } = body;

        public ulong TableId { get; } = tableId;

        public ushort Flags { get; } = flags;

        public string Database { get; } = database;

        public string Table { get; } = table;

        public ColumnInfo[] Columns { get; } = columns;

        public int[] PrimaryKey { get; } = primaryKey;

        public int[] PrimaryKeyPrefixes { get; } = primaryKeyPrefixes;

        public int OptionalMetadataOffset { get; } = optionalMetadataOffset;

        public int JsonColumnCount { get; } = jsonColumnCount;

        public bool HasColumnNames { get; } = hasColumnNames;

        public bool HasColumnVisibility { get; } = hasColumnVisibility;

        public int[] FixedCellLengths { get; } = fixedCellLengths;
    }

    private sealed class ColumnLayout(int count)
    {
        public ColumnType[] WireTypes { get; } = new ColumnType[count];

        public ColumnType[] Types { get; } = new ColumnType[count];

        public ushort[] Metadata { get; } = new ushort[count];
    }

    private sealed class OptionalColumns
    {
        public OptionalColumns(int count)
        {
            Names = new string?[count];
            Unsigned = new bool[count];
            Collations = new int[count];
            EnumValues = new IReadOnlyList<string>?[count];
            SetValues = new IReadOnlyList<string>?[count];
            EnumBytes = new byte[][]?[count];
            SetBytes = new byte[][]?[count];
            PrimaryKeyPrefix = new int[count];
            Array.Fill(PrimaryKeyPrefix, -1);
            GeometryTypes = new int?[count];
            VectorDimensions = new int?[count];
            Visible = new bool[count];
            Array.Fill(Visible, true);
        }

        public string?[] Names { get; }

        public bool[] Unsigned { get; }

        public int[] Collations { get; }

        public IReadOnlyList<string>?[] EnumValues { get; }

        public IReadOnlyList<string>?[] SetValues { get; }

        // The member names as written, decoded once the columns' character sets are known.
        public byte[][]?[] EnumBytes { get; }

        public byte[][]?[] SetBytes { get; }

        // -1 = not in the primary key; otherwise the prefix length (0 = whole column).
        public int[] PrimaryKeyPrefix { get; }

        public List<int> PrimaryKey { get; } = [];

        public List<int> PrimaryKeyPrefixes { get; } = [];

        public int?[] GeometryTypes { get; }

        public int?[] VectorDimensions { get; }

        public bool[] Visible { get; }
    }
}
