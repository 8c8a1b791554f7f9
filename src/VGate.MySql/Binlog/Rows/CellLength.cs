using System.Buffers.Binary;

namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// The number of bytes one non-NULL cell occupies in a row image, from the column's type and TABLE_MAP metadata (and,
/// for variable-length types, the cell's own length prefix). Used to walk row images; turning the bytes into values
/// is the job of the value decoders.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html and
/// <c>calc_field_size</c> in MySQL <c>libs/mysql/binlog/event/binary_log_funcs.cpp</c>.
/// </summary>
internal static class CellLength
{
    // Bytes needed for 0..9 leftover decimal digits (the 9-digits-per-4-bytes rule of binary DECIMAL).
    private static ReadOnlySpan<byte> DecimalLeftoverBytes => [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

    // Largest fractional-seconds precision of TIME2/DATETIME2/TIMESTAMP2.
    private const int MaxFsp = 6;

    /// <summary>Length in bytes of the cell that starts at <paramref name="data"/>[0], length prefix included.</summary>
    /// <param name="column">The column (resolved type and metadata).</param>
    /// <param name="data">The row image from the start of the cell to the end of the rows data.</param>
    /// <exception cref="BinlogFormatException">The cell runs past the data, or the type cannot appear in a row image.</exception>
    public static int Of(ColumnInfo column, ReadOnlySpan<byte> data)
    {
        var length = FixedOrMinusOne(column);
        if (length < 0)
            length = Variable(column, data);

        if (length > data.Length)
            throw BinlogFormatException.Create($"Cell of column {column.Index} ({column.Type}) needs {length} byte(s) but only {data.Length} remain");
        return length;
    }

    /// <summary>
    /// The cell length when the column's type and metadata alone fix it (integers, temporal types, DECIMAL, BIT,
    /// ENUM, SET…); -1 when the cell starts with its own length prefix, or when the metadata is invalid (then
    /// <see cref="Of"/> throws the error). The TABLE_MAP parser computes this once per column for the row walk.
    /// </summary>
    public static int FixedOrMinusOne(ColumnInfo column) => column.Type switch
    {
        ColumnType.Tiny or ColumnType.Year => 1,
        ColumnType.Short => 2,
        ColumnType.Int24 or ColumnType.Date or ColumnType.NewDate or ColumnType.Time => 3,
        ColumnType.Long or ColumnType.Timestamp => 4,
        ColumnType.LongLong or ColumnType.DateTime => 8,
        ColumnType.Float => column.Metadata is 4 or 8 ? column.Metadata : 4,
        ColumnType.Double => column.Metadata is 4 or 8 ? column.Metadata : 8,
        ColumnType.Null => 0,
        ColumnType.Time2 => column.Metadata <= MaxFsp ? 3 + ((column.Metadata + 1) / 2) : -1,
        ColumnType.DateTime2 => column.Metadata <= MaxFsp ? 5 + ((column.Metadata + 1) / 2) : -1,
        ColumnType.Timestamp2 => column.Metadata <= MaxFsp ? 4 + ((column.Metadata + 1) / 2) : -1,
        ColumnType.NewDecimal => IsValidDecimal(column) ? DecimalLength(column) : -1,
        ColumnType.Bit => (column.Metadata >> 8) + ((column.Metadata & 0xFF) != 0 ? 1 : 0),
        ColumnType.Enum or ColumnType.Set => IsValidEnumOrSetSize(column) ? column.Metadata >> 8 : -1,
        _ => -1,
    };

    /// <summary>
    /// The row walk's per-column layout code, computed once per TABLE_MAP: the fixed cell length (≥ 0, see
    /// <see cref="FixedOrMinusOne"/>); <c>-1 - n</c> (-2 to -5) when the cell starts with an n-byte little-endian
    /// length prefix (CHAR/VARCHAR, TEXT/BLOB, JSON, GEOMETRY, VECTOR with valid metadata), so the walk reads the prefix
    /// without dispatching on the type; -1 for everything else (<see cref="Of"/> decides, with its error).
    /// </summary>
    public static int Layout(ColumnInfo column)
    {
        var fixedLength = FixedOrMinusOne(column);
        if (fixedLength >= 0)
            return fixedLength;
        var prefixSize = column.Type switch
        {
            ColumnType.VarChar or ColumnType.VarString => column.Metadata < 256 ? 1 : 2,
            ColumnType.String => StringMaxLength(column.Metadata) < 256 ? 1 : 2,
            ColumnType.Blob or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob
                or ColumnType.Geometry or ColumnType.Json or ColumnType.Vector => column.Metadata is >= 1 and <= 4 ? column.Metadata : 0,
            _ => 0,
        };
        return prefixSize == 0 ? -1 : -1 - prefixSize;
    }

    // Cells with a length prefix, and the errors of invalid metadata that FixedOrMinusOne leaves to this path.
    private static int Variable(ColumnInfo column, ReadOnlySpan<byte> data) => column.Type switch
    {
        ColumnType.VarChar or ColumnType.VarString => Prefixed(column.Metadata < 256 ? 1 : 2, data, column),
        ColumnType.String => Prefixed(StringMaxLength(column.Metadata) < 256 ? 1 : 2, data, column),
        ColumnType.Blob or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob
            or ColumnType.Geometry or ColumnType.Json or ColumnType.Vector => Prefixed(BlobPrefixSize(column), data, column),
        ColumnType.Time2 or ColumnType.DateTime2 or ColumnType.Timestamp2 =>
            throw BinlogFormatException.Create($"Column {column.Index} ({column.Type}) has fractional precision {column.Metadata}, more than {MaxFsp}"),
        ColumnType.NewDecimal =>
            throw BinlogFormatException.Create($"Column {column.Index} has invalid DECIMAL({column.Metadata & 0xFF},{column.Metadata >> 8}) metadata"),
        ColumnType.Enum or ColumnType.Set =>
            throw BinlogFormatException.Create($"Column {column.Index} ({column.Type}) has invalid storage size {column.Metadata >> 8}"),
        _ => throw BinlogFormatException.Create($"Column {column.Index} has type {column.Type} ({(byte)column.Type}), which cannot be walked in a row image"),
    };

    /// <summary>The maximum byte length of a STRING (CHAR/BINARY) column from its metadata bytes b0 (low) and b1 (high).</summary>
    internal static int StringMaxLength(ushort metadata)
    {
        var b0 = metadata & 0xFF;
        var b1 = metadata >> 8;
        return (b0 & 0x30) != 0x30 ? (((b0 & 0x30) ^ 0x30) << 4) | b1 : b1;
    }

    private static bool IsValidDecimal(ColumnInfo column)
    {
        var precision = column.Metadata & 0xFF;
        var scale = column.Metadata >> 8;
        return precision is > 0 and <= DecimalCodec.MaxPrecision && scale <= DecimalCodec.MaxScale && scale <= precision;
    }

    private static int DecimalLength(ColumnInfo column)
    {
        var precision = column.Metadata & 0xFF;
        var scale = column.Metadata >> 8;
        var integral = precision - scale;
        return ((integral / 9) * 4) + DecimalLeftoverBytes[integral % 9] + ((scale / 9) * 4) + DecimalLeftoverBytes[scale % 9];
    }

    private static bool IsValidEnumOrSetSize(ColumnInfo column)
    {
        var size = column.Metadata >> 8;
        return column.Type == ColumnType.Enum ? size is 1 or 2 : size is >= 1 and <= 8;
    }

    private static int BlobPrefixSize(ColumnInfo column) =>
        column.Metadata is >= 1 and <= 4
            ? column.Metadata
            : throw BinlogFormatException.Create($"Column {column.Index} ({column.Type}) has invalid length-prefix size {column.Metadata}");

    private static int Prefixed(int prefixSize, ReadOnlySpan<byte> data, ColumnInfo column)
    {
        if (data.Length < prefixSize)
            throw BinlogFormatException.Create($"Length prefix of column {column.Index} ({column.Type}) needs {prefixSize} byte(s) but only {data.Length} remain");
        uint length = prefixSize switch
        {
            1 => data[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(data),
            3 => (uint)(data[0] | (data[1] << 8) | (data[2] << 16)),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(data),
        };
        if (length > (uint)(data.Length - prefixSize))
            throw BinlogFormatException.Create($"Cell of column {column.Index} ({column.Type}) declares {length} byte(s) but only {data.Length - prefixSize} remain");
        return prefixSize + (int)length;
    }
}
