namespace VGate.VStreamer.Filtering;

/// <summary>
/// How a column's MySQL text value compares, for filter predicates and vindex input. See
/// <see cref="ColumnKinds.FromColumnType"/> for the mapping from binlog column types.
/// </summary>
public enum ColumnKind
{
    /// <summary>TINYINT…BIGINT, YEAR, BOOL: signed decimal text; compares exactly as a number.</summary>
    SignedInteger,

    /// <summary>Unsigned TINYINT…BIGINT: decimal text up to 2^64−1; compares exactly as a number.</summary>
    UnsignedInteger,

    /// <summary>DECIMAL: plain decimal text of any precision; compares exactly as a number.</summary>
    Decimal,

    /// <summary>FLOAT/DOUBLE: compares as a double (both "1.5" and "1.5E+00" forms are read).</summary>
    Float,

    /// <summary>DATE, DATETIME, TIMESTAMP: compares chronologically (see <see cref="TablePlan"/> remarks).</summary>
    DateTime,

    /// <summary>TIME: <c>[-]H…H:MM:SS[.f]</c>, compares as a signed duration.</summary>
    Time,

    /// <summary>CHAR/VARCHAR/TEXT/ENUM/SET/JSON with a case-insensitive collation: bytes with ASCII case folded.</summary>
    Text,

    /// <summary>BINARY/VARBINARY/BLOB and text with a binary or case-sensitive collation: raw bytes.</summary>
    Binary,

    /// <summary>BIT(n): raw big-endian bytes; compares to numbers as an unsigned integer, to strings as bytes.</summary>
    Bit,
}
