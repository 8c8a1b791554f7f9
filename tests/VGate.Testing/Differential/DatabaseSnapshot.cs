using System.Globalization;
using MySqlConnector;

namespace VGate.Testing.Differential;

/// <summary>How a column's values are put into <see cref="CanonicalValue"/> form.</summary>
public enum CanonicalKind
{
    /// <summary>SELECT's text form: integers, DECIMAL, temporal types, ENUM, SET.</summary>
    Text,

    /// <summary>YEAR: the number.</summary>
    Year,

    /// <summary>FLOAT: the exact single-precision value.</summary>
    Float,

    /// <summary>DOUBLE: the exact value.</summary>
    Double,

    /// <summary>BIT: the unsigned number.</summary>
    Bit,

    /// <summary>Everything stored as bytes: strings, binary strings, JSON, GEOMETRY, INET6, UUID.</summary>
    Bytes,
}

/// <summary>A column of a table in a <see cref="DatabaseSnapshot"/>, from <c>information_schema.COLUMNS</c>.</summary>
/// <param name="Name">COLUMN_NAME.</param>
/// <param name="DataType">DATA_TYPE, lower case (<c>int</c>, <c>varchar</c>, <c>longtext</c> for MariaDB's JSON…).</param>
/// <param name="ColumnType">COLUMN_TYPE (<c>int(11) unsigned</c>, <c>enum('a','b')</c>, <c>bit(10)</c>…).</param>
/// <param name="Nullable">IS_NULLABLE.</param>
/// <param name="Charset">CHARACTER_SET_NAME, null for non-character columns.</param>
public sealed record SnapshotColumn(string Name, string DataType, string ColumnType, bool Nullable, string? Charset)
{
    public CanonicalKind Kind => DataType switch
    {
        "tinyint" or "smallint" or "mediumint" or "int" or "bigint" or "decimal" or "date" or "time" or "datetime" or "timestamp" or "enum" or "set" => CanonicalKind.Text,
        "year" => CanonicalKind.Year,
        "float" => CanonicalKind.Float,
        "double" => CanonicalKind.Double,
        "bit" => CanonicalKind.Bit,
        _ => CanonicalKind.Bytes,
    };

    /// <summary>The SQL expression whose text result is the canonical form (before <see cref="Canonical"/>).</summary>
    internal string SelectExpression => Kind switch
    {
        CanonicalKind.Bit => $"CAST(CAST(`{Name}` AS UNSIGNED) AS CHAR)",
        // The exact value of the float, not SELECT's 6 significant digits.
        CanonicalKind.Float => $"CAST(CAST(`{Name}` AS DOUBLE) AS CHAR)",
        CanonicalKind.Bytes => $"HEX(`{Name}`)",
        _ => $"CAST(`{Name}` AS CHAR)",
    };

    internal string? Canonical(object? value)
    {
        if (value is null or DBNull)
            return null;
        var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
        return Kind switch
        {
            CanonicalKind.Year => CanonicalValue.Year(text),
            CanonicalKind.Float => CanonicalValue.Float(text),
            CanonicalKind.Double => CanonicalValue.Double(text),
            CanonicalKind.Bytes => "x'" + text + "'",
            _ => text,
        };
    }
}

/// <summary>One table of a <see cref="DatabaseSnapshot"/>: its columns, primary key (empty: none) and rows.</summary>
public sealed record SnapshotTable(string Name, IReadOnlyList<SnapshotColumn> Columns, IReadOnlyList<string> Key, IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows)
{
    public SnapshotColumn Column(string name) => Columns.Single(c => c.Name == name);
}

/// <summary>
/// Every table of one database as <c>SELECT</c> sees it, each value in <see cref="CanonicalValue"/> form: the ground
/// truth that a replay of delivered row changes (<see cref="Replica"/>) must reproduce exactly.
/// </summary>
public sealed class DatabaseSnapshot
{
    private DatabaseSnapshot(string database, IReadOnlyDictionary<string, SnapshotTable> tables)
    {
        Database = database;
        Tables = tables;
    }

    public string Database { get; }

    public IReadOnlyDictionary<string, SnapshotTable> Tables { get; }

    /// <summary>Reads every base table of <paramref name="database"/> (session time zone UTC, as TIMESTAMPs are delivered).</summary>
    public static async Task<DatabaseSnapshot> ReadAsync(MariaDbServer server, string database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        await using var connection = await server.OpenConnectionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (var session = new MySqlCommand("SET time_zone = '+00:00'", connection))
            await session.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        var columns = new Dictionary<string, List<SnapshotColumn>>(StringComparer.Ordinal);
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = new MySqlCommand(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, c.CHARACTER_SET_NAME, c.COLUMN_KEY " +
            "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME " +
            "WHERE c.TABLE_SCHEMA = @db AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION", connection))
        {
            command.Parameters.AddWithValue("@db", database);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var table = reader.GetString(0);
                var column = new SnapshotColumn(reader.GetString(1), reader.GetString(2).ToLowerInvariant(), reader.GetString(3), reader.GetString(4) == "YES", reader.IsDBNull(5) ? null : reader.GetString(5));
                (columns.TryGetValue(table, out var list) ? list : columns[table] = []).Add(column);
                if (!keys.ContainsKey(table))
                    keys[table] = [];
                if (reader.GetString(6) == "PRI")
                    keys[table].Add(column.Name);
            }
        }

        var tables = new Dictionary<string, SnapshotTable>(StringComparer.Ordinal);
        foreach (var (table, tableColumns) in columns)
        {
            var rows = new List<IReadOnlyDictionary<string, string?>>();
            await using var command = new MySqlCommand(
                $"SELECT {string.Join(", ", tableColumns.Select(c => c.SelectExpression))} FROM `{database}`.`{table}`", connection) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new Dictionary<string, string?>(tableColumns.Count, StringComparer.Ordinal);
                for (var i = 0; i < tableColumns.Count; i++)
                    row[tableColumns[i].Name] = tableColumns[i].Canonical(reader.GetValue(i));
                rows.Add(row);
            }

            tables[table] = new SnapshotTable(table, tableColumns, keys[table], rows);
        }

        return new DatabaseSnapshot(database, tables);
    }

    /// <summary>The snapshot without <paramref name="tables"/> (for a delivery path that leaves them out by design).</summary>
    public DatabaseSnapshot Without(params string[] tables) =>
        new(Database, Tables.Where(p => !tables.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    /// <summary>
    /// The snapshot with every value passed through <paramref name="map"/> (column, canonical value → expected value),
    /// for a delivery format that documents a lossy mapping (Debezium's zero dates, say).
    /// </summary>
    public DatabaseSnapshot Map(Func<SnapshotColumn, string?, string?> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new(Database, Tables.ToDictionary(
            p => p.Key,
            p => p.Value with
            {
                Rows = [.. p.Value.Rows.Select(row => (IReadOnlyDictionary<string, string?>)p.Value.Columns.ToDictionary(c => c.Name, c => map(c, row[c.Name]), StringComparer.Ordinal))],
            },
            StringComparer.Ordinal));
    }

    /// <summary>Row counts per table, for the test output: <c>ints=120, strs=98</c>.</summary>
    public override string ToString() => string.Join(", ", Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name}={t.Rows.Count}")));
}
