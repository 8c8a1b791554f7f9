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
        foreach (var values in rows)
        {
            var row = new Row();
            var bytes = new List<byte>();
            foreach (var value in values)
            {
                var encoded = Encoding.UTF8.GetBytes(value);
                row.Lengths.Add(encoded.Length);
                bytes.AddRange(encoded);
            }
            row.Values = ByteString.CopyFrom([.. bytes]);
            result.Rows.Add(row);
        }
        return result;
    }
}
