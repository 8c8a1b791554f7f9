using System.Globalization;
using VGate.MySql.Protocol;

namespace VGate.VStreamer.Schema;

/// <summary>
/// The current information_schema description of one database's tables, loaded over VGate's own protocol connection and reloaded
/// after DDL. Immutable: a reload builds a new catalog.
/// </summary>
internal sealed class SchemaCatalog
{
    private readonly Dictionary<string, IReadOnlyList<CatalogColumn>> _tables;

    private SchemaCatalog(string database, Dictionary<string, IReadOnlyList<CatalogColumn>> tables)
    {
        Database = database;
        _tables = tables;
    }

    /// <summary>The database (schema) described.</summary>
    public string Database { get; }

    /// <summary>Names of the base tables, in ordinal (case-sensitive) order.</summary>
    public IEnumerable<string> TableNames => _tables.Keys.Order(StringComparer.Ordinal);

    /// <summary>An empty catalog (used when information_schema cannot be read; the binlog alone then describes tables).</summary>
    public static SchemaCatalog Empty(string database) => new(database, new Dictionary<string, IReadOnlyList<CatalogColumn>>(StringComparer.Ordinal));

    /// <summary>The columns of <paramref name="table"/> in ordinal order, or null when the table is unknown.</summary>
    public IReadOnlyList<CatalogColumn>? GetColumns(string table) => _tables.GetValueOrDefault(table);

    /// <summary>Reads every base table's columns of <paramref name="database"/>.</summary>
    public static async Task<SchemaCatalog> LoadAsync(MySqlProtocolConnection connection, string database, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT c.TABLE_NAME, c.COLUMN_NAME, LOWER(c.DATA_TYPE), c.COLUMN_TYPE, c.COLUMN_KEY, LOWER(c.EXTRA),
                   (c.COLUMN_DEFAULT IS NOT NULL OR c.IS_NULLABLE = 'YES'),
                   COALESCE(LOWER(c.COLUMN_DEFAULT) LIKE 'current_timestamp%', 0)
            FROM information_schema.COLUMNS c
            JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
            WHERE c.TABLE_SCHEMA = {0} AND t.TABLE_TYPE = 'BASE TABLE'
            ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
            """;
        var tables = new Dictionary<string, List<CatalogColumn>>(StringComparer.Ordinal);
        var sql = string.Format(CultureInfo.InvariantCulture, Sql, SqlSession.QuoteString(database));
        foreach (var row in await connection.QueryAsync(sql, cancellationToken).ConfigureAwait(false))
        {
            var table = row[0]!;
            if (!tables.TryGetValue(table, out var columns))
                tables[table] = columns = [];
            columns.Add(new CatalogColumn(row[1]!, row[2]!, row[3]!, row[4] ?? "", row[5] ?? "", Flag(row[6]), Flag(row[7])));
        }
        return new SchemaCatalog(database, tables.ToDictionary(p => p.Key, p => (IReadOnlyList<CatalogColumn>)p.Value, StringComparer.Ordinal));
    }

    // A boolean expression's value as the server prints it: 0 or 1 (NULL counts as false).
    private static bool Flag(string? text) => text is not null && long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) != 0;
}
