using VGate.MySql.Binlog;

namespace VGate.VStreamer.Filtering;

/// <summary>Maps MySQL column types to the <see cref="ColumnKind"/> used by filter predicates.</summary>
public static class ColumnKinds
{
    /// <summary>The kind for a binlog/schema column type.</summary>
    /// <param name="type">The column type.</param>
    /// <param name="isUnsigned">The column is UNSIGNED (integers only).</param>
    /// <param name="isBinaryCollation">
    /// Text columns only: the collation is binary or case-sensitive (<c>_bin</c>, <c>_cs</c>), so values compare as raw bytes.
    /// </param>
    public static ColumnKind FromColumnType(ColumnType type, bool isUnsigned, bool isBinaryCollation) => type switch
    {
        ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong
            => isUnsigned ? ColumnKind.UnsignedInteger : ColumnKind.SignedInteger,
        ColumnType.Year or ColumnType.Bool => ColumnKind.SignedInteger,
        ColumnType.Decimal or ColumnType.NewDecimal => ColumnKind.Decimal,
        ColumnType.Float or ColumnType.Double => ColumnKind.Float,
        ColumnType.Date or ColumnType.NewDate or ColumnType.DateTime or ColumnType.DateTime2
            or ColumnType.Timestamp or ColumnType.Timestamp2 => ColumnKind.DateTime,
        ColumnType.Time or ColumnType.Time2 => ColumnKind.Time,
        ColumnType.Bit => ColumnKind.Bit,
        ColumnType.VarChar or ColumnType.VarString or ColumnType.String or ColumnType.Enum or ColumnType.Set
            or ColumnType.Json or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob or ColumnType.Blob
            => isBinaryCollation ? ColumnKind.Binary : ColumnKind.Text,
        _ => ColumnKind.Binary,
    };
}
