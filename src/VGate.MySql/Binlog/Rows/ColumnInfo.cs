namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// Everything known about one column of a table from its TABLE_MAP event: the wire type and
/// metadata needed to walk and decode a row image, plus the optional metadata
/// (<c>binlog_row_metadata=FULL</c>) that gives names, signedness, character sets, ENUM/SET values and keys.
/// Immutable; built by the TABLE_MAP parser and shared by every row event that refers to the table.
/// </summary>
public sealed class ColumnInfo
{
    /// <summary>Zero-based position of the column in the table.</summary>
    public required int Index { get; init; }

    /// <summary>
    /// The type as it is stored in row images. For <see cref="ColumnType.String"/> columns the TABLE_MAP
    /// metadata may reveal the real type (<see cref="ColumnType.Enum"/> or <see cref="ColumnType.Set"/>);
    /// this property already holds the resolved type.
    /// </summary>
    public required ColumnType Type { get; init; }

    /// <summary>The type byte exactly as the TABLE_MAP listed it (before ENUM/SET resolution).</summary>
    public required ColumnType WireType { get; init; }

    /// <summary>
    /// The per-type metadata bytes from the TABLE_MAP read as a little-endian 16-bit value: for 1-byte metadata
    /// types the byte itself (BLOB/JSON/GEOMETRY length-prefix size, FLOAT/DOUBLE size, fractional digits of
    /// TIME2/DATETIME2/TIMESTAMP2); for 2-byte types <c>b0 | b1 &lt;&lt; 8</c> in wire order: VARCHAR/VAR_STRING
    /// maximum byte length; NEWDECIMAL precision in the low byte and scale in the high byte; BIT bits%8 in the
    /// low byte and whole bytes in the high byte; STRING/ENUM/SET real-type byte (with the high length bits) in
    /// the low byte and the length low byte in the high byte. 0 for types without metadata.
    /// </summary>
    public required ushort Metadata { get; init; }

    /// <summary>True when the TABLE_MAP null bitmap says the column can hold NULL.</summary>
    public required bool IsNullable { get; init; }

    /// <summary>Column name from optional metadata, or <c>null</c> when the server did not send names.</summary>
    public string? Name { get; init; }

    /// <summary>True for UNSIGNED numeric columns (from optional metadata SIGNEDNESS).</summary>
    public bool IsUnsigned { get; init; }

    /// <summary>Collation id of a character column (0 when unknown or not a character column). 63 is binary.</summary>
    public int CollationId { get; init; }

    /// <summary>The permitted values of an ENUM column, in order (index 1 is the first), or <c>null</c>.</summary>
    public IReadOnlyList<string>? EnumValues { get; init; }

    /// <summary>The permitted values of a SET column, bit 0 first, or <c>null</c>.</summary>
    public IReadOnlyList<string>? SetValues { get; init; }

    /// <summary>True when the column is part of the primary key.</summary>
    public bool IsPrimaryKey { get; init; }

    /// <summary>Prefix length when the primary key uses only a prefix of the column, else 0.</summary>
    public int PrimaryKeyPrefix { get; init; }

    /// <summary>Geometry sub-type code (0 = GEOMETRY, 1 = POINT, …) from optional metadata, or <c>null</c>.</summary>
    public int? GeometryType { get; init; }

    /// <summary>Dimensions of a VECTOR column (MySQL 9), or <c>null</c>.</summary>
    public int? VectorDimensions { get; init; }

    /// <summary>False for INVISIBLE columns (MySQL 8.0.23+ COLUMN_VISIBILITY), otherwise true.</summary>
    public bool IsVisible { get; init; } = true;

    /// <summary>True when the column holds character data whose collation is not binary.</summary>
    public bool IsText => CollationId != 0 && CollationId != 63;

    // UTF-8 forms of the ENUM/SET member names, made on first use so that rendering a cell copies bytes instead of
    // transcoding the name each time. Two threads may both build them; either result is the same.
    private byte[][]? _enumValuesUtf8;
    private byte[][]? _setValuesUtf8;

    /// <summary><see cref="EnumValues"/> as UTF-8, or <c>null</c>.</summary>
    internal byte[][]? EnumValuesUtf8 => EnumValues is null ? null : _enumValuesUtf8 ??= ToUtf8(EnumValues);

    /// <summary><see cref="SetValues"/> as UTF-8, or <c>null</c>.</summary>
    internal byte[][]? SetValuesUtf8 => SetValues is null ? null : _setValuesUtf8 ??= ToUtf8(SetValues);

    private static byte[][] ToUtf8(IReadOnlyList<string> names)
    {
        var utf8 = new byte[names.Count][];
        for (var i = 0; i < utf8.Length; i++)
            utf8[i] = System.Text.Encoding.UTF8.GetBytes(names[i]);
        return utf8;
    }
}
