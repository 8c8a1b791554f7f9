namespace VGate.VStreamer.CopyPhase;

/// <summary>One row of <c>information_schema.COLUMNS</c> (plus the collation id), as the copy phase reads it.</summary>
internal sealed record InformationSchemaColumn
{
    public required string Name { get; init; }

    /// <summary>DATA_TYPE, lower case.</summary>
    public required string DataType { get; init; }

    /// <summary>COLUMN_TYPE as the server prints it.</summary>
    public required string ColumnType { get; init; }

    public required bool IsNullable { get; init; }

    /// <summary>CHARACTER_OCTET_LENGTH (maximum bytes of a character or binary string column).</summary>
    public long? OctetLength { get; init; }

    public long? NumericPrecision { get; init; }

    public long? NumericScale { get; init; }

    public long? DatetimePrecision { get; init; }

    public string? CharsetName { get; init; }

    public string? CollationName { get; init; }

    /// <summary>The id of <see cref="CollationName"/> (information_schema.COLLATIONS.ID), 0 when none.</summary>
    public int CollationId { get; init; }

    /// <summary>COLUMN_KEY: PRI, UNI, MUL or empty.</summary>
    public string ColumnKey { get; init; } = "";

    /// <summary>EXTRA, lower case.</summary>
    public string Extra { get; init; } = "";

    /// <summary>True when COLUMN_DEFAULT is not NULL or the column is nullable.</summary>
    public bool HasDefault { get; init; }

    /// <summary>True when COLUMN_DEFAULT is CURRENT_TIMESTAMP (MySQL) / current_timestamp() (MariaDB).</summary>
    public bool DefaultIsNow { get; init; }
}
