namespace VGate.MySql.Binlog;

/// <summary>
/// The few places where MySQL and MariaDB write the same binlog structure with different rules. Kept in one
/// place so that no parser branches on the flavor by itself.
/// </summary>
internal static class BinlogFlavorRules
{
    /// <summary>
    /// True when TABLE_MAP optional metadata SIGNEDNESS has a bit for a column of this (resolved) type.
    /// MySQL (<c>is_numeric_type</c> in <c>sql/log_event.cc</c>): TINY, SHORT, INT24, LONG, LONGLONG, NEWDECIMAL,
    /// FLOAT, DOUBLE. MariaDB derives the list from each field's signedness, which also covers YEAR (a Field_tiny);
    /// the MariaDB 10.5 vector in <c>table_map_optional_metadata.json</c> has 18 bits for 17 numeric columns + YEAR.
    /// </summary>
    public static bool IsNumericColumn(ColumnType type, bool isMariaDb) => type switch
    {
        ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong
            or ColumnType.NewDecimal or ColumnType.Float or ColumnType.Double => true,
        ColumnType.Year => isMariaDb,
        _ => false,
    };

    /// <summary>
    /// True when TABLE_MAP optional metadata DEFAULT_CHARSET / COLUMN_CHARSET count a column of this (resolved)
    /// type. Both: STRING, VAR_STRING, VARCHAR and the BLOB family (ENUM/SET are counted separately).
    /// MySQL 9 adds VECTOR (binary charset); MariaDB adds GEOMETRY (its Field_geom is a blob with a charset).
    /// </summary>
    public static bool IsCharacterColumn(ColumnType type, bool isMariaDb) => type switch
    {
        ColumnType.String or ColumnType.VarString or ColumnType.VarChar
            or ColumnType.Blob or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob => true,
        ColumnType.Vector => !isMariaDb,
        ColumnType.Geometry => isMariaDb,
        _ => false,
    };

    /// <summary>True for server versions that append a checksum-algorithm byte (and a checksum) to FORMAT_DESCRIPTION.</summary>
    public static bool FormatDescriptionHasChecksumAlgorithm(string serverVersion)
    {
        var isMariaDb = serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        var (major, minor, patch) = ParseVersion(serverVersion);
        var version = (major * 10000) + (minor * 100) + patch;

        // MySQL added binlog checksums in 5.6.1, MariaDB in 5.3.0.
        return version >= (isMariaDb ? 50300 : 50601);
    }

    /// <summary>Parses the leading "major.minor.patch" digits of a server version string; missing parts are 0.</summary>
    public static (int Major, int Minor, int Patch) ParseVersion(string serverVersion)
    {
        Span<int> parts = stackalloc int[3];
        var part = 0;
        foreach (var ch in serverVersion)
        {
            if (ch is >= '0' and <= '9')
            {
                parts[part] = Math.Min((parts[part] * 10) + (ch - '0'), 100_000);
            }
            else if (ch == '.' && part < 2)
            {
                part++;
            }
            else
            {
                break;
            }
        }

        return (parts[0], parts[1], parts[2]);
    }
}
