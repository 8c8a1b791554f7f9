using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Schema;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// Rebuilds the TABLE_MAP description of a column (<see cref="ColumnInfo"/>: wire type and metadata as the binlog
/// writes them with <c>binlog_row_metadata=FULL</c>) from its information_schema row, so the copy phase's FIELD events
/// are made by the same <see cref="ColumnDescriber"/> as the streaming phase's and the two phases describe a table alike.
/// </summary>
internal static class CopyColumnFactory
{
    private const int BinaryCollation = MySqlCharsets.BinaryCollationId;

    /// <summary>String real-type byte of CHAR/BINARY in TABLE_MAP metadata (MYSQL_TYPE_STRING).</summary>
    private const int StringRealType = 0xFE;

    /// <summary>Builds the column at <paramref name="index"/>; throws FAILED_PRECONDITION for a type the copy cannot describe.</summary>
    public static CopyColumn Create(int index, InformationSchemaColumn column, bool isPrimaryKey)
    {
        var unsigned = column.ColumnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase);
        var octets = (int)Math.Min(column.OctetLength ?? 0, int.MaxValue);
        var collation = column.CollationId;
        ColumnType type;
        ColumnType wireType;
        var metadata = 0;
        IReadOnlyList<string>? enumValues = null;
        IReadOnlyList<string>? setValues = null;
        int? geometryType = null;
        var characterColumn = false;
        switch (column.DataType)
        {
            case "tinyint": type = ColumnType.Tiny; break;
            case "smallint": type = ColumnType.Short; break;
            case "mediumint": type = ColumnType.Int24; break;
            case "int" or "integer": type = ColumnType.Long; break;
            case "bigint": type = ColumnType.LongLong; break;
            case "float": type = ColumnType.Float; metadata = 4; break;
            case "double" or "real" or "double precision": type = ColumnType.Double; metadata = 8; break;
            case "decimal" or "numeric":
                type = ColumnType.NewDecimal;
                metadata = (int)(column.NumericPrecision ?? 10) | ((int)(column.NumericScale ?? 0) << 8);
                break;
            case "year": type = ColumnType.Year; break;
            case "date": type = ColumnType.Date; break;
            case "time": type = ColumnType.Time2; metadata = (int)(column.DatetimePrecision ?? 0); break;
            case "datetime": type = ColumnType.DateTime2; metadata = (int)(column.DatetimePrecision ?? 0); break;
            case "timestamp": type = ColumnType.Timestamp2; metadata = (int)(column.DatetimePrecision ?? 0); break;
            case "bit":
                {
                    type = ColumnType.Bit;
                    var bits = (int)(column.NumericPrecision ?? 1);
                    metadata = ((bits / 8) << 8) | (bits % 8);
                    break;
                }
            case "varchar":
                type = ColumnType.VarChar; metadata = octets; characterColumn = true; break;
            case "varbinary":
                type = ColumnType.VarChar; metadata = octets; collation = BinaryCollation; break;
            case "char":
                type = ColumnType.String; metadata = StringMetadata(octets); characterColumn = true; break;
            case "binary":
                type = ColumnType.String; metadata = StringMetadata(octets); collation = BinaryCollation; break;
            case "enum":
                type = ColumnType.Enum; wireType = ColumnType.String; characterColumn = true;
                enumValues = ParseValueList(column.ColumnType);
                metadata = (int)ColumnType.Enum | ((enumValues.Count > 255 ? 2 : 1) << 8);
                return Build(index, column, type, wireType, metadata, unsigned, collation, enumValues, null, null, isPrimaryKey);
            case "set":
                type = ColumnType.Set; wireType = ColumnType.String; characterColumn = true;
                setValues = ParseValueList(column.ColumnType);
                metadata = (int)ColumnType.Set | (((setValues.Count + 7) / 8) << 8);
                return Build(index, column, type, wireType, metadata, unsigned, collation, null, setValues, null, isPrimaryKey);
            case "tinytext" or "text" or "mediumtext" or "longtext":
                type = ColumnType.Blob; metadata = BlobPrefix(column.DataType); characterColumn = true; break;
            case "tinyblob" or "blob" or "mediumblob" or "longblob":
                type = ColumnType.Blob; metadata = BlobPrefix(column.DataType); collation = BinaryCollation; break;
            case "json":
                type = ColumnType.Json; metadata = 4; collation = BinaryCollation; break;
            case "geometry" or "point" or "linestring" or "polygon" or "multipoint" or "multilinestring" or "multipolygon"
                or "geometrycollection" or "geomcollection":
                type = ColumnType.Geometry;
                metadata = 4;
                collation = BinaryCollation;
                geometryType = column.DataType switch
                {
                    "point" => 1,
                    "linestring" => 2,
                    "polygon" => 3,
                    "multipoint" => 4,
                    "multilinestring" => 5,
                    "multipolygon" => 6,
                    "geometrycollection" or "geomcollection" => 7,
                    _ => 0,
                };
                break;
            default:
                throw VStreamException.FailedPrecondition(
                    $"column {column.Name} has type {column.ColumnType}, which the copy phase does not support");
        }
        if (!characterColumn && collation != BinaryCollation)
            collation = 0;
        wireType = type;
        return Build(index, column, type, wireType, metadata, unsigned, collation, enumValues, setValues, geometryType, isPrimaryKey);
    }

    private static CopyColumn Build(
        int index,
        InformationSchemaColumn column,
        ColumnType type,
        ColumnType wireType,
        int metadata,
        bool unsigned,
        int collation,
        IReadOnlyList<string>? enumValues,
        IReadOnlyList<string>? setValues,
        int? geometryType,
        bool isPrimaryKey)
    {
        var info = new ColumnInfo
        {
            Index = index,
            Type = type,
            WireType = wireType,
            Metadata = (ushort)metadata,
            IsNullable = column.IsNullable,
            Name = column.Name,
            IsUnsigned = unsigned,
            CollationId = collation,
            EnumValues = enumValues,
            SetValues = setValues,
            IsPrimaryKey = isPrimaryKey,
            GeometryType = geometryType,
        };
        var catalog = new CatalogColumn(column.Name, column.DataType, column.ColumnType, column.ColumnKey, column.Extra, column.HasDefault, column.DefaultIsNow);
        return new CopyColumn(info, catalog, column.CharsetName, column.CollationName);
    }

    /// <summary>
    /// TABLE_MAP metadata of a CHAR/BINARY column: the low byte is the real type with bits 4–5 carrying bits 8–9 of the
    /// byte length (inverted), the high byte the low 8 bits of the length (decoded by <see cref="ColumnValueDecoder.GetStringMaxLength"/>).
    /// </summary>
    internal static int StringMetadata(int length)
    {
        var typeByte = (StringRealType & ~0x30) | (((length >> 4) & 0x30) ^ 0x30);
        return typeByte | ((length & 0xFF) << 8);
    }

    private static int BlobPrefix(string dataType) => dataType switch
    {
        "tinytext" or "tinyblob" => 1,
        "text" or "blob" => 2,
        "mediumtext" or "mediumblob" => 3,
        _ => 4,
    };

    /// <summary>The members of <c>enum('a','b''c')</c> or <c>set(…)</c> as information_schema prints them ('' is a quote).</summary>
    internal static IReadOnlyList<string> ParseValueList(string columnType)
    {
        var values = new List<string>();
        var open = columnType.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
            return values;
        var builder = new StringBuilder();
        var inQuote = false;
        for (var i = open + 1; i < columnType.Length; i++)
        {
            var c = columnType[i];
            if (inQuote)
            {
                if (c == '\'' && i + 1 < columnType.Length && columnType[i + 1] == '\'')
                {
                    builder.Append('\'');
                    i++;
                }
                else if (c == '\'')
                {
                    inQuote = false;
                    values.Add(builder.ToString());
                    builder.Clear();
                }
                else if (c == '\\' && i + 1 < columnType.Length)
                {
                    builder.Append(columnType[++i]);
                }
                else
                {
                    builder.Append(c);
                }
            }
            else if (c == '\'')
            {
                inQuote = true;
            }
            else if (c == ')')
            {
                break;
            }
        }
        return values;
    }
}
