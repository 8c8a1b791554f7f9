namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// What kind of value a column holds, so a caller can choose a representation (for example a JSON number, string
/// or base64). Returned by <see cref="ColumnValueDecoder.GetValueKind"/>.
/// </summary>
public enum ValueKind
{
    /// <summary>The NULL column type: every value is NULL.</summary>
    Null,

    /// <summary>Signed TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, and YEAR (text is a decimal number).</summary>
    Integer,

    /// <summary>UNSIGNED integer types.</summary>
    UnsignedInteger,

    /// <summary>FLOAT and DOUBLE.</summary>
    Float,

    /// <summary>DECIMAL/NUMERIC (exact; text has exactly the column's scale digits).</summary>
    Decimal,

    /// <summary>DATE, TIME, DATETIME, TIMESTAMP (all storage formats).</summary>
    Temporal,

    /// <summary>CHAR/VARCHAR/TEXT with a non-binary collation: bytes are character data in the column's charset.</summary>
    Text,

    /// <summary>BINARY/VARBINARY/BLOB (collation 63), or a BLOB-family column whose collation is unknown.</summary>
    Binary,

    /// <summary>MySQL's native JSON type (MariaDB's JSON is a LONGTEXT alias and reports <see cref="Text"/>).</summary>
    Json,

    /// <summary>ENUM: text is the member name.</summary>
    Enum,

    /// <summary>SET: text is the comma-separated member names.</summary>
    Set,

    /// <summary>BIT(n): text is the (n+7)/8 big-endian bytes.</summary>
    Bit,

    /// <summary>GEOMETRY and its subtypes: text is the 4-byte SRID followed by WKB.</summary>
    Geometry,

    /// <summary>MySQL 9 VECTOR: text is the raw little-endian float32 array.</summary>
    Vector,
}
