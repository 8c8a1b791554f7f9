using System.Globalization;
using VGate.MySql.Protocol;
using VGate.VStreamer.Schema;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// Reads from information_schema what the copy phase needs: the database's base tables, their columns with type
/// details and collations, and their primary and unique keys.
/// </summary>
internal sealed class CopySchemaLoader
{
    private readonly Dictionary<string, List<InformationSchemaColumn>> _columns;
    private readonly Dictionary<string, List<IndexColumn>> _indexes;

    private CopySchemaLoader(Dictionary<string, List<InformationSchemaColumn>> columns, Dictionary<string, List<IndexColumn>> indexes)
    {
        _columns = columns;
        _indexes = indexes;
    }

    /// <summary>The base tables of the database, in ordinal (case-sensitive) name order.</summary>
    public IReadOnlyList<string> TableNames => _columns.Keys.Order(StringComparer.Ordinal).ToList();

    public static async Task<CopySchemaLoader> LoadAsync(MySqlProtocolConnection connection, string database, CancellationToken cancellationToken)
    {
        const string ColumnsSql = """
            SELECT c.TABLE_NAME, c.COLUMN_NAME, LOWER(c.DATA_TYPE), c.COLUMN_TYPE, c.IS_NULLABLE = 'YES',
                   c.CHARACTER_OCTET_LENGTH, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION,
                   c.CHARACTER_SET_NAME, c.COLLATION_NAME, 0, c.COLUMN_KEY, LOWER(c.EXTRA),
                   (c.COLUMN_DEFAULT IS NOT NULL OR c.IS_NULLABLE = 'YES'),
                   COALESCE(LOWER(c.COLUMN_DEFAULT) LIKE 'current_timestamp%', 0)
            FROM information_schema.COLUMNS c
            JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
            WHERE c.TABLE_SCHEMA = {0} AND t.TABLE_TYPE = 'BASE TABLE'
            ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
            """;
        const string IndexesSql = """
            SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME
            FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = {0} AND NON_UNIQUE = 0
            ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
            """;
        // Ids by name, not joined in SQL: MariaDB's UCA 14.0 collations are not in COLLATIONS under a column's name (CollationIds).
        var collationIds = await CollationIds.LoadAsync(connection, cancellationToken).ConfigureAwait(false);
        var schemaLiteral = SqlSession.QuoteString(database);
        var columns = new Dictionary<string, List<InformationSchemaColumn>>(StringComparer.Ordinal);
        foreach (var row in await connection.QueryAsync(string.Format(CultureInfo.InvariantCulture, ColumnsSql, schemaLiteral), cancellationToken).ConfigureAwait(false))
        {
            var table = row[0]!;
            if (!columns.TryGetValue(table, out var list))
                columns[table] = list = [];
            list.Add(new InformationSchemaColumn
            {
                Name = row[1]!,
                DataType = row[2]!,
                ColumnType = row[3]!,
                IsNullable = Flag(row[4]),
                OctetLength = NullableInt64(row[5]),
                NumericPrecision = NullableInt64(row[6]),
                NumericScale = NullableInt64(row[7]),
                DatetimePrecision = NullableInt64(row[8]),
                CharsetName = row[9],
                CollationName = row[10],
                CollationId = row[10] is { } collation ? collationIds.GetValueOrDefault(collation) : 0,
                ColumnKey = row[12] ?? "",
                Extra = row[13] ?? "",
                HasDefault = Flag(row[14]),
                DefaultIsNow = Flag(row[15]),
            });
        }
        if (columns.Count == 0)
            await CheckDatabaseVisibleAsync(connection, database, schemaLiteral, cancellationToken).ConfigureAwait(false);
        var indexes = new Dictionary<string, List<IndexColumn>>(StringComparer.Ordinal);
        foreach (var row in await connection.QueryAsync(string.Format(CultureInfo.InvariantCulture, IndexesSql, schemaLiteral), cancellationToken).ConfigureAwait(false))
        {
            var table = row[0]!;
            if (!indexes.TryGetValue(table, out var list))
                indexes[table] = list = [];
            list.Add(new IndexColumn(row[1]!, row[2]!));
        }
        return new CopySchemaLoader(columns, indexes);
    }

    /// <summary>
    /// No table found: an empty database copies nothing, but a database the user may not see at all (it does not exist,
    /// or the user has no privilege in it, e.g. no SELECT) would make the copy silently empty, so it is an error.
    /// information_schema lists a schema only to users with some privilege in it.
    /// </summary>
    private static async Task CheckDatabaseVisibleAsync(MySqlProtocolConnection connection, string database, string schemaLiteral, CancellationToken cancellationToken)
    {
        var visible = await connection.QueryScalarAsync(
            $"SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {schemaLiteral}", cancellationToken).ConfigureAwait(false);
        if (visible == "0")
        {
            throw VStreamException.FailedPrecondition(
                $"database {database} is not visible to the source user: it does not exist, or the user has no privilege on it; " +
                $"the copy phase reads tables with SELECT (GRANT SELECT ON `{database}`.* TO the user)");
        }
    }

    /// <summary>
    /// The copy description of <paramref name="table"/>. Rows are read in the order of its primary key, or else of a
    /// unique key whose columns are all NOT NULL (the first by name). A table with neither is copied like Vitess copies
    /// it, ordered by its columns: every column that orders exactly by its text value
    /// (<see cref="LastPk.IsKeylessOrderable"/>), character columns by their bytes; see <see cref="LastPk"/> for NULLs
    /// and identical rows.
    /// </summary>
    public CopyTableSchema Describe(string table)
    {
        var columns = _columns[table];
        var keys = (_indexes.GetValueOrDefault(table) ?? [])
            .GroupBy(c => c.IndexName, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Columns: g.Select(c => c.ColumnName).ToList()))
            .ToList();
        var primary = keys.FirstOrDefault(k => k.Name == "PRIMARY");
        var key = primary.Name is not null
            ? primary
            : keys.Where(k => k.Columns.All(name => columns.Any(c => c.Name == name && !c.IsNullable)))
                .OrderBy(k => k.Name, StringComparer.Ordinal)
                .FirstOrDefault();

        var primaryColumns = primary.Columns ?? [];
        var copyColumns = columns
            .Select((c, i) => CopyColumnFactory.Create(i, c, primaryColumns.Contains(c.Name, StringComparer.Ordinal)))
            .ToList();
        if (key.Name is null)
        {
            var orderable = Enumerable.Range(0, copyColumns.Count).Where(i => LastPk.IsKeylessOrderable(copyColumns[i])).ToArray();
            return new CopyTableSchema(table, copyColumns, orderable, null);
        }
        var keyIndexes = key.Columns.Select(name => copyColumns.FindIndex(c => c.Name == name)).ToArray();
        return new CopyTableSchema(table, copyColumns, keyIndexes, key.Name);
    }

    private static long? NullableInt64(string? text) => text is null ? null : long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    // A boolean expression's value as the server prints it: 0 or 1 (NULL counts as false).
    private static bool Flag(string? text) => text is not null && long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) != 0;

    private sealed record IndexColumn(string IndexName, string ColumnName);
}
