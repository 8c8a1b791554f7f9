using System.Text;
using Google.Protobuf;
using Query;

namespace VGate.Server.Execute;

/// <summary>Builds the all-VARCHAR results vtgate returns for its own SHOW statements (<c>buildVarCharFields</c>/<c>buildVarCharRow</c>).</summary>
internal static class QueryResults
{
    /// <summary>utf8mb4_0900_ai_ci, vtgate's system collation.</summary>
    private const uint Utf8mb4Collation = 255;

    public static QueryResult VarChar(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var result = new QueryResult();
        foreach (var column in columns)
        {
            result.Fields.Add(new Field
            {
                Name = column,
                Type = Query.Type.Varchar,
                Charset = Utf8mb4Collation,
                Flags = (uint)MySqlFlag.NotNullFlag,
            });
        }
        AddRows(result, rows);
        return result;
    }

    /// <summary>
    /// A result with typed columns (values in MySQL's text form, as vttablet relays a MySQL result); a null value is
    /// NULL (length -1). The first column is NOT NULL, the others nullable.
    /// </summary>
    public static QueryResult Typed(IReadOnlyList<(string Name, Query.Type Type)> columns, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var result = new QueryResult();
        for (var i = 0; i < columns.Count; i++)
        {
            var (name, type) = columns[i];
            var text = type is Query.Type.Varchar;
            result.Fields.Add(new Field
            {
                Name = name,
                Type = type,
                // Text in the system collation; numbers and dates in binary, as MySQL marks them.
                Charset = text ? Utf8mb4Collation : 63,
                Flags = (i == 0 ? (uint)MySqlFlag.NotNullFlag : 0)
                    | (type is Query.Type.Uint64 ? (uint)(MySqlFlag.UnsignedFlag | MySqlFlag.NumFlag) : 0)
                    | (type is Query.Type.Int64 ? (uint)MySqlFlag.NumFlag : 0)
                    | (type is Query.Type.Datetime ? (uint)MySqlFlag.BinaryFlag : 0),
            });
        }
        AddRows(result, rows);
        return result;
    }

    /// <summary>Adds the rows as vttablet encodes them: the values' UTF-8 bytes one after another, a null as length -1.</summary>
    private static void AddRows(QueryResult result, IEnumerable<IReadOnlyList<string?>> rows)
    {
        foreach (var values in rows)
        {
            var row = new Row();
            var bytes = new List<byte>();
            foreach (var value in values)
            {
                if (value is null)
                {
                    row.Lengths.Add(-1);
                    continue;
                }
                var encoded = Encoding.UTF8.GetBytes(value);
                row.Lengths.Add(encoded.Length);
                bytes.AddRange(encoded);
            }
            row.Values = ByteString.CopyFrom([.. bytes]);
            result.Rows.Add(row);
        }
    }
}
