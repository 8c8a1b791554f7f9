using System.Globalization;
using VGate.MySql.Protocol;

namespace VGate.Server.Execute;

/// <summary>
/// <c>SHOW TABLE STATUS</c>: the columns MySQL gives (the 18 MySQL 8.0 and MariaDB share; MariaDB adds
/// <c>Max_index_length</c> and <c>Temporary</c>), read from <c>information_schema.TABLES</c> (MySQL 8.0 implements the
/// statement as a view over it), and the rows of several shards merged into one per table.
/// </summary>
internal static class TableStatus
{
    /// <summary>The result's columns, in MySQL's order, with the types MySQL reports them as.</summary>
    public static readonly IReadOnlyList<(string Name, Query.Type Type)> Columns =
    [
        ("Name", Query.Type.Varchar),
        ("Engine", Query.Type.Varchar),
        ("Version", Query.Type.Uint64),
        ("Row_format", Query.Type.Varchar),
        ("Rows", Query.Type.Uint64),
        ("Avg_row_length", Query.Type.Uint64),
        ("Data_length", Query.Type.Uint64),
        ("Max_data_length", Query.Type.Uint64),
        ("Index_length", Query.Type.Uint64),
        ("Data_free", Query.Type.Uint64),
        ("Auto_increment", Query.Type.Uint64),
        ("Create_time", Query.Type.Datetime),
        ("Update_time", Query.Type.Datetime),
        ("Check_time", Query.Type.Datetime),
        ("Collation", Query.Type.Varchar),
        ("Checksum", Query.Type.Int64),
        ("Create_options", Query.Type.Varchar),
        ("Comment", Query.Type.Varchar),
    ];

    private const int Name = 0;
    private const int Rows = 4;
    private const int AvgRowLength = 5;
    private const int DataLength = 6;
    private const int MaxDataLength = 7;
    private const int IndexLength = 8;
    private const int DataFree = 9;
    private const int AutoIncrement = 10;
    private const int CreateTime = 11;
    private const int UpdateTime = 12;
    private const int CheckTime = 13;
    private const int Checksum = 15;

    /// <summary>The query reading <see cref="Columns"/> for every table and view of <paramref name="database"/>, sorted by name.</summary>
    public static string SelectSql(string database) =>
        "SELECT TABLE_NAME, ENGINE, VERSION, ROW_FORMAT, TABLE_ROWS, AVG_ROW_LENGTH, DATA_LENGTH, MAX_DATA_LENGTH, INDEX_LENGTH, " +
        "DATA_FREE, AUTO_INCREMENT, CREATE_TIME, UPDATE_TIME, CHECK_TIME, TABLE_COLLATION, CHECKSUM, CREATE_OPTIONS, TABLE_COMMENT " +
        "FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + SqlSession.QuoteString(database) + " ORDER BY TABLE_NAME";

    /// <summary>
    /// One row per table name found on any shard, sorted by name (ordinal). A table on several shards is one row: the
    /// additive figures (<c>Rows</c>, <c>Data_length</c>, <c>Index_length</c>, <c>Data_free</c>) summed, so <c>Rows</c> is
    /// the keyspace's estimate; <c>Avg_row_length</c> recomputed from the sums; the largest <c>Max_data_length</c>,
    /// <c>Auto_increment</c>, <c>Update_time</c> and <c>Check_time</c>, the earliest <c>Create_time</c>; no
    /// <c>Checksum</c> (one shard's says nothing of the others'); the other columns from the first shard. NULL (a view's
    /// figures) stays NULL unless a shard has a value.
    /// </summary>
    public static List<string?[]> Merge(IReadOnlyList<IReadOnlyList<string?[]>> shards)
    {
        var merged = new SortedDictionary<string, (string?[] Row, int Shards)>(StringComparer.Ordinal);
        foreach (var rows in shards)
        {
            foreach (var row in rows)
            {
                var name = row[Name] ?? "";
                if (!merged.TryGetValue(name, out var entry))
                {
                    merged[name] = ((string?[])row.Clone(), 1);
                    continue;
                }
                var into = entry.Row;
                foreach (var column in (int[])[Rows, DataLength, IndexLength, DataFree])
                    into[column] = Combine(into[column], row[column], (a, b) => a + b);
                foreach (var column in (int[])[MaxDataLength, AutoIncrement])
                    into[column] = Combine(into[column], row[column], Math.Max);
                foreach (var column in (int[])[UpdateTime, CheckTime])
                    into[column] = Later(into[column], row[column]);
                into[CreateTime] = Earlier(into[CreateTime], row[CreateTime]);
                merged[name] = (into, entry.Shards + 1);
            }
        }
        var result = new List<string?[]>(merged.Count);
        foreach (var (row, count) in merged.Values)
        {
            if (count > 1)
            {
                row[Checksum] = null;
                if (ParseUnsigned(row[Rows]) is { } rows && ParseUnsigned(row[DataLength]) is { } data)
                    row[AvgRowLength] = (rows == 0 ? 0 : data / rows).ToString(CultureInfo.InvariantCulture);
            }
            result.Add(row);
        }
        return result;
    }

    private static string? Combine(string? a, string? b, Func<ulong, ulong, ulong> combine) => (ParseUnsigned(a), ParseUnsigned(b)) switch
    {
        ({ } x, { } y) => combine(x, y).ToString(CultureInfo.InvariantCulture),
        (null, _) => b,
        _ => a,
    };

    private static ulong? ParseUnsigned(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    // The server prints DATETIME as 'YYYY-MM-DD HH:MM:SS': ordinal order is time order.
    private static string? Later(string? a, string? b) => a is null || (b is not null && string.CompareOrdinal(b, a) > 0) ? b : a;

    private static string? Earlier(string? a, string? b) => a is null || (b is not null && string.CompareOrdinal(b, a) < 0) ? b : a;
}
