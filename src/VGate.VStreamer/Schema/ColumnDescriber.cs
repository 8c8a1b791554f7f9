using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;

namespace VGate.VStreamer.Schema;

/// <summary>
/// Turns a TABLE_MAP column (<see cref="ColumnInfo"/>, exact for the rows that follow it) into the Vitess field
/// description, enriched from information_schema when the catalog still describes the same column.
/// </summary>
/// <remarks>
/// The TABLE_MAP with <c>binlog_row_metadata=FULL</c> is written with every transaction, so it is the schema
/// <em>at that binlog position</em>: a stream resumed at an old position describes the columns the rows really have,
/// even if the table was altered since. information_schema only describes the table as it is now; it is used for
/// what the binlog does not carry (integer display widths, auto-increment, unique/multiple keys, defaults) and only
/// when its column type, reduced to what the binlog can express, equals the one derived from the binlog.
/// </remarks>
internal static partial class ColumnDescriber
{
    private const uint Binary = MySqlCharsets.BinaryCollationId;

    /// <summary>FLOAT/DOUBLE declared without (M,D): MySQL reports 31 decimals (NOT_FIXED_DEC).</summary>
    private const uint NotFixedDecimals = 31;

    /// <summary>
    /// Bytes per character of the connection character set Vitess reads column metadata with (utf8mb4, vttablet's
    /// <c>db_charset</c> default): character lengths are reported in it.
    /// </summary>
    private const int ResultCharsetMaxBytes = 4;

    /// <param name="column">The column as the binlog describes it.</param>
    /// <param name="catalog">The column as information_schema describes it now, or null.</param>
    /// <param name="isMariaDb">
    /// True for MariaDB, which prints integer types with their default display width (<c>int(11)</c>; MySQL 8 does not)
    /// and flags TIMESTAMP columns UNSIGNED.
    /// </param>
    public static ColumnDescription Describe(ColumnInfo column, CatalogColumn? catalog, bool isMariaDb = false)
    {
        var name = column.Name ?? "@" + (column.Index + 1).ToString(CultureInfo.InvariantCulture);
        var derivedType = DeriveColumnType(column, isMariaDb);
        var matches = catalog is not null && Normalize(catalog.ColumnType) == Normalize(derivedType);
        var columnType = matches ? catalog!.ColumnType : derivedType;

        var (vitessType, flags, length, charset, decimals) = Classify(column, isMariaDb);
        if (!column.IsNullable)
            flags |= MySqlFlags.NotNull;
        if (column.IsPrimaryKey)
            flags |= MySqlFlags.PrimaryKey | MySqlFlags.PartKey;
        if (matches)
        {
            flags |= catalog!.ColumnKey switch
            {
                "PRI" => MySqlFlags.PrimaryKey | MySqlFlags.PartKey,
                "UNI" => MySqlFlags.UniqueKey | MySqlFlags.PartKey,
                "MUL" => MySqlFlags.MultipleKey | MySqlFlags.PartKey,
                _ => MySqlFlags.None,
            };
            if (catalog.Extra.Contains("auto_increment", StringComparison.Ordinal))
                flags |= MySqlFlags.AutoIncrement;
            var onUpdateNow = catalog.Extra.Contains("on update", StringComparison.Ordinal);
            if (onUpdateNow)
                flags |= MySqlFlags.OnUpdateNow;
            // TIMESTAMP_FLAG marks a TIMESTAMP the server sets itself (default or on update now), not every TIMESTAMP.
            if (IsTimestamp(column.Type) && (onUpdateNow || catalog.DefaultIsNow))
                flags |= MySqlFlags.Timestamp;
            if (catalog.ColumnType.Contains("zerofill", StringComparison.OrdinalIgnoreCase))
                flags |= MySqlFlags.ZeroFill;
            if (!column.IsNullable && !catalog.HasDefault && (flags & MySqlFlags.AutoIncrement) == 0)
                flags |= MySqlFlags.NoDefaultValue;
            if (IntegerDisplayWidth().Match(catalog.ColumnType) is { Success: true } width && IsInteger(column.Type))
                length = uint.Parse(width.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
        }
        return new ColumnDescription(name, vitessType, (uint)flags, length, charset, decimals, columnType);
    }

    private static (int Type, MySqlFlags Flags, uint Length, uint Charset, uint Decimals) Classify(ColumnInfo column, bool isMariaDb)
    {
        var unsigned = column.IsUnsigned;
        var numeric = MySqlFlags.Num | (unsigned ? MySqlFlags.Unsigned : MySqlFlags.None);
        // The binary character set (VARBINARY, BLOB, …) keeps byte lengths; any other is converted to the client's.
        var binaryCharset = column.CollationId is 0 or MySqlCharsets.BinaryCollationId;
        // BINARY_FLAG: the binary character set or a *_bin collation. Vitess's sqltypes.MySQLToType turns CHAR into
        // BINARY, VARCHAR into VARBINARY and TEXT into BLOB on this flag, before ENUM/SET (so a _bin ENUM is BINARY).
        var binarySort = CollationTraits.IsBinarySort(column.CollationId);
        var collation = binaryCharset ? Binary : (uint)column.CollationId;
        var textFlags = binarySort ? MySqlFlags.Binary : MySqlFlags.None;
        var mbMax = MySqlCharsets.GetMaxBytesPerCharacter(column.CollationId);
        switch (column.Type)
        {
            case ColumnType.Tiny:
                return (unsigned ? VitessType.Uint8 : VitessType.Int8, numeric, unsigned ? 3u : 4u, Binary, 0);
            case ColumnType.Short:
                return (unsigned ? VitessType.Uint16 : VitessType.Int16, numeric, unsigned ? 5u : 6u, Binary, 0);
            case ColumnType.Int24:
                return (unsigned ? VitessType.Uint24 : VitessType.Int24, numeric, unsigned ? 8u : 9u, Binary, 0);
            case ColumnType.Long:
                return (unsigned ? VitessType.Uint32 : VitessType.Int32, numeric, unsigned ? 10u : 11u, Binary, 0);
            case ColumnType.LongLong:
                return (unsigned ? VitessType.Uint64 : VitessType.Int64, numeric, 20, Binary, 0);
            case ColumnType.Float:
                return (VitessType.Float32, numeric, 12, Binary, NotFixedDecimals);
            case ColumnType.Double:
                return (VitessType.Float64, numeric, 22, Binary, NotFixedDecimals);
            case ColumnType.NewDecimal:
            case ColumnType.Decimal:
                {
                    var (precision, scale) = DecimalPrecisionAndScale(column);
                    var length = (uint)(precision + (scale > 0 ? 1 : 0) + (unsigned ? 0 : 1));
                    return (VitessType.Decimal, numeric, length, Binary, (uint)scale);
                }
            case ColumnType.Year:
                return (VitessType.Year, MySqlFlags.Unsigned | MySqlFlags.ZeroFill | MySqlFlags.Num, 4, Binary, 0);
            case ColumnType.Date:
            case ColumnType.NewDate:
                return (VitessType.Date, MySqlFlags.Binary, 10, Binary, 0);
            case ColumnType.Time:
            case ColumnType.Time2:
                return (VitessType.Time, MySqlFlags.Binary, 10 + FractionLength(column), Binary, Fsp(column));
            case ColumnType.DateTime:
            case ColumnType.DateTime2:
                return (VitessType.Datetime, MySqlFlags.Binary, 19 + FractionLength(column), Binary, Fsp(column));
            case ColumnType.Timestamp:
            case ColumnType.Timestamp2:
                // MariaDB's Field_timestamp adds UNSIGNED_FLAG (a 4.0 compatibility leftover MySQL 8's TIMESTAMP dropped).
                return (VitessType.Timestamp, MySqlFlags.Binary | (isMariaDb ? MySqlFlags.Unsigned : MySqlFlags.None),
                    19 + FractionLength(column), Binary, Fsp(column));
            case ColumnType.Bit:
                return (VitessType.Bit, MySqlFlags.Unsigned, (uint)BitCount(column), Binary, 0);
            case ColumnType.VarChar:
            case ColumnType.VarString:
                return (binarySort ? VitessType.Varbinary : VitessType.Varchar, textFlags,
                    ClientLength(column.Metadata, binaryCharset ? 1 : mbMax, binaryCharset), collation, 0);
            case ColumnType.String:
                return (binarySort ? VitessType.Binary : VitessType.Char, textFlags,
                    ClientLength(ColumnValueDecoder.GetStringMaxLength(column), binaryCharset ? 1 : mbMax, binaryCharset), collation, 0);
            case ColumnType.Enum:
                {
                    var chars = (column.EnumValues ?? []).Select(CharacterCount).DefaultIfEmpty(0).Max();
                    return (binarySort ? VitessType.Binary : VitessType.Enum, MySqlFlags.Enum | textFlags,
                        ClientLength(chars, 1, binaryCharset), collation, 0);
                }
            case ColumnType.Set:
                {
                    // The longest value is every member, comma separated.
                    var values = column.SetValues ?? [];
                    var chars = values.Sum(CharacterCount) + Math.Max(values.Count - 1, 0);
                    return (binarySort ? VitessType.Binary : VitessType.Set, MySqlFlags.Set | textFlags,
                        ClientLength(chars, 1, binaryCharset), collation, 0);
                }
            case ColumnType.TinyBlob:
            case ColumnType.Blob:
            case ColumnType.MediumBlob:
            case ColumnType.LongBlob:
                // A TEXT column's byte length counts characters of the character set's shortest width.
                return (binarySort ? VitessType.Blob : VitessType.Text, MySqlFlags.Blob | textFlags,
                    ClientLength(BlobLength(column.Metadata), CollationTraits.GetMinBytesPerCharacter(column.CollationId), binaryCharset),
                    collation, 0);
            case ColumnType.Json:
                return (VitessType.Json, MySqlFlags.Blob | MySqlFlags.Binary, uint.MaxValue, Binary, 0);
            case ColumnType.Geometry:
                return (VitessType.Geometry, MySqlFlags.Blob | MySqlFlags.Binary, uint.MaxValue, Binary, 0);
            case ColumnType.Vector:
                return (VitessType.Vector, MySqlFlags.Binary, (uint)(column.VectorDimensions ?? 0) * 4, Binary, 0);
            default:
                return (VitessType.NullType, MySqlFlags.Binary, 0, Binary, 0);
        }
    }

    /// <summary>The column type as information_schema would print it, from the binlog's description alone.</summary>
    public static string DeriveColumnType(ColumnInfo column, bool defaultDisplayWidths = false)
    {
        var unsigned = column.IsUnsigned ? " unsigned" : "";
        string Int(string name, int signedWidth, int unsignedWidth) => defaultDisplayWidths
            ? Invariant($"{name}({(column.IsUnsigned ? unsignedWidth : signedWidth)})") + unsigned
            : name + unsigned;
        var binary = column.CollationId is 0 or MySqlCharsets.BinaryCollationId;
        var mbMax = MySqlCharsets.GetMaxBytesPerCharacter(column.CollationId);
        return column.Type switch
        {
            ColumnType.Tiny => Int("tinyint", 4, 3),
            ColumnType.Short => Int("smallint", 6, 5),
            ColumnType.Int24 => Int("mediumint", 9, 8),
            ColumnType.Long => Int("int", 11, 10),
            ColumnType.LongLong => Int("bigint", 20, 20),
            ColumnType.Float => "float" + unsigned,
            ColumnType.Double => "double" + unsigned,
            ColumnType.NewDecimal or ColumnType.Decimal => Invariant($"decimal({DecimalPrecisionAndScale(column).Precision},{DecimalPrecisionAndScale(column).Scale})") + unsigned,
            ColumnType.Year => defaultDisplayWidths ? "year(4)" : "year",
            ColumnType.Date or ColumnType.NewDate => "date",
            ColumnType.Time or ColumnType.Time2 => WithFsp("time", column),
            ColumnType.DateTime or ColumnType.DateTime2 => WithFsp("datetime", column),
            ColumnType.Timestamp or ColumnType.Timestamp2 => WithFsp("timestamp", column),
            ColumnType.Bit => Invariant($"bit({BitCount(column)})"),
            ColumnType.VarChar or ColumnType.VarString => binary
                ? Invariant($"varbinary({column.Metadata})")
                : Invariant($"varchar({column.Metadata / mbMax})"),
            ColumnType.String => binary
                ? Invariant($"binary({ColumnValueDecoder.GetStringMaxLength(column)})")
                : Invariant($"char({ColumnValueDecoder.GetStringMaxLength(column) / mbMax})"),
            ColumnType.Enum => "enum(" + QuoteList(column.EnumValues) + ")",
            ColumnType.Set => "set(" + QuoteList(column.SetValues) + ")",
            ColumnType.TinyBlob or ColumnType.Blob or ColumnType.MediumBlob or ColumnType.LongBlob =>
                (column.Metadata switch { 1 => "tiny", 2 => "", 3 => "medium", _ => "long" }) + (binary ? "blob" : "text"),
            ColumnType.Json => "json",
            ColumnType.Geometry => column.GeometryType switch
            {
                1 => "point",
                2 => "linestring",
                3 => "polygon",
                4 => "multipoint",
                5 => "multilinestring",
                6 => "multipolygon",
                7 => "geometrycollection",
                _ => "geometry",
            },
            ColumnType.Vector => Invariant($"vector({column.VectorDimensions ?? 0})"),
            _ => column.Type.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>Reduces a column type to what the binlog can express: no integer display width, no zerofill, lower case.</summary>
    internal static string Normalize(string columnType)
    {
        var lower = columnType.Trim().ToLowerInvariant().Replace(" zerofill", "", StringComparison.Ordinal);
        lower = IntegerDisplayWidth().Replace(lower, "$1");
        return lower switch
        {
            "year(4)" => "year",
            _ => lower,
        };
    }

    /// <summary>
    /// The length the server reports to a client reading on a utf8mb4 connection, as Vitess's tablet does: a character
    /// column's length in characters times 4 (<c>Protocol::send_result_set_metadata</c> converts it to the connection's
    /// character set), capped at 2^32-1 (LONGTEXT); binary strings keep their byte length.
    /// </summary>
    /// <param name="length">The column's length in bytes, or in characters when <paramref name="bytesPerCharacter"/> is 1.</param>
    /// <param name="bytesPerCharacter">What <paramref name="length"/> is divided by to count characters.</param>
    /// <param name="binaryCharset">True for the binary character set (no conversion).</param>
    private static uint ClientLength(long length, int bytesPerCharacter, bool binaryCharset) =>
        binaryCharset ? (uint)Math.Min(length, uint.MaxValue) : (uint)Math.Min(length / bytesPerCharacter * ResultCharsetMaxBytes, uint.MaxValue);

    /// <summary>Characters as MySQL counts them (code points, not UTF-16 units).</summary>
    private static int CharacterCount(string value) => value.EnumerateRunes().Count();

    private static bool IsTimestamp(ColumnType type) => type is ColumnType.Timestamp or ColumnType.Timestamp2;

    private static bool IsInteger(ColumnType type) =>
        type is ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong;

    private static (int Precision, int Scale) DecimalPrecisionAndScale(ColumnInfo column) =>
        (column.Metadata & 0xFF, column.Metadata >> 8);

    private static uint Fsp(ColumnInfo column) =>
        column.Type is ColumnType.Time2 or ColumnType.DateTime2 or ColumnType.Timestamp2 ? (uint)(column.Metadata & 0xFF) : 0;

    private static uint FractionLength(ColumnInfo column) => Fsp(column) is var fsp and > 0 ? fsp + 1 : 0;

    private static string WithFsp(string name, ColumnInfo column) =>
        Fsp(column) is var fsp and > 0 ? Invariant($"{name}({fsp})") : name;

    private static int BitCount(ColumnInfo column) => ((column.Metadata >> 8) * 8) + (column.Metadata & 0xFF);

    private static uint BlobLength(ushort prefixBytes) => prefixBytes switch
    {
        1 => 255,
        2 => 65535,
        3 => 16777215,
        _ => uint.MaxValue,
    };

    private static string QuoteList(IReadOnlyList<string>? values)
    {
        if (values is null)
            return "";
        var builder = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
                builder.Append(',');
            builder.Append('\'').Append(values[i].Replace("'", "''", StringComparison.Ordinal)).Append('\'');
        }
        return builder.ToString();
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>An integer type with its display width: group 1 is the type name, group 2 the width.</summary>
    [GeneratedRegex(@"\b(tinyint|smallint|mediumint|int|bigint)\((\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerDisplayWidth();
}
