namespace VGate.MySql.Protocol;

/// <summary>
/// One text-protocol result set as <see cref="MySqlProtocolConnection.QueryResultAsync"/> read it: the column names
/// the query labels them with, and every row's values as the server's text (NULL as <c>null</c>).
/// </summary>
public sealed class SqlResult
{
    /// <summary>A result with no columns and no rows (a statement that returned none).</summary>
    public static readonly SqlResult Empty = new([], []);

    internal SqlResult(string[] columnNames, List<string?[]> rows)
    {
        ColumnNames = columnNames;
        RowList = rows;
    }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns => ColumnNames;

    /// <summary>The rows, each with one value per column.</summary>
    public IReadOnlyList<string?[]> Rows => RowList;

    internal string[] ColumnNames { get; }

    internal List<string?[]> RowList { get; }

    /// <summary>The position of the column named <paramref name="name"/> (case-insensitive, as MySQL compares them), or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < ColumnNames.Length; i++)
        {
            if (string.Equals(ColumnNames[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }

    /// <summary>Each row as a map from column name (case-insensitive) to value.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> ToDictionaries()
    {
        var list = new List<IReadOnlyDictionary<string, string?>>(RowList.Count);
        foreach (var row in RowList)
        {
            var map = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < ColumnNames.Length; i++)
                map[ColumnNames[i]] = row[i];
            list.Add(map);
        }
        return list;
    }
}
