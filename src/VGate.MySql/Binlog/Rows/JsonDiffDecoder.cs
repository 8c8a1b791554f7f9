using System.Buffers;
using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// Decodes the after-image of a JSON column in a PARTIAL_UPDATE_ROWS event written with
/// <c>binlog_row_value_options=PARTIAL_JSON</c> when the column's partial bit is set: a sequence of diffs, each
/// <c>operation (1 byte) · path (length-encoded string) · [value (length-encoded binary JSON), absent for REMOVE]</c>
/// (sql/json_diff.cc <c>Json_diff_vector::write_binary</c>, libbinlogevents rows_event.h).
/// The input is the payload after the column's 4-byte length prefix.
/// </summary>
public static class JsonDiffDecoder
{
    /// <summary>The placeholder Vitess puts where the column's previous value goes.</summary>
    public const string ColumnPlaceholder = "%s";

    /// <summary>
    /// Writes the diffs as one nested SQL expression in Vitess's form, e.g.
    /// <c>JSON_INSERT(JSON_REPLACE(%s, _utf8mb4'$.a', CAST(1 as JSON)), _utf8mb4'$.b', CAST(JSON_QUOTE(_utf8mb4'x') as JSON))</c>:
    /// the first diff is applied innermost to <paramref name="column"/> and no two diffs are merged; values are rendered
    /// by <see cref="JsonBinaryDecoder.WriteSqlExpression"/>. An empty diff list writes nothing (mysqlbinlog shows
    /// <c>@N=@N</c>: the column is unchanged).
    /// </summary>
    public static void WriteVitessExpression(ReadOnlySpan<byte> diffs, IBufferWriter<byte> output, string column = ColumnPlaceholder)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(column);
        // Count first, so the function names can be opened outermost-first in one pass over the bytes.
        var count = 0;
        var reader = new PacketReader(diffs);
        while (reader.Remaining > 0)
        {
            ReadDiff(ref reader, out _, out _, out _);
            count++;
        }
        if (count == 0)
            return;

        var operations = count <= 64 ? stackalloc JsonDiffOperation[count] : new JsonDiffOperation[count];
        reader = new PacketReader(diffs);
        for (var i = 0; i < count; i++)
            ReadDiff(ref reader, out operations[i], out _, out _);
        for (var i = count - 1; i >= 0; i--)
        {
            output.Write(operations[i] switch
            {
                JsonDiffOperation.Replace => "JSON_REPLACE("u8,
                JsonDiffOperation.Insert => "JSON_INSERT("u8,
                _ => "JSON_REMOVE("u8,
            });
        }
        output.Write(Encoding.UTF8.GetBytes(column));

        reader = new PacketReader(diffs);
        for (var i = 0; i < count; i++)
        {
            ReadDiff(ref reader, out var operation, out var path, out var value);
            output.Write(", "u8);
            JsonBinaryDecoder.WriteSqlString(path, output);
            if (operation != JsonDiffOperation.Remove)
            {
                output.Write(", "u8);
                JsonBinaryDecoder.WriteSqlExpression(value, output);
            }
            output.Write(")"u8);
        }
    }

    /// <summary>Returns the Vitess expression for the diffs (see <see cref="WriteVitessExpression"/>).</summary>
    public static string ToVitessExpression(ReadOnlySpan<byte> diffs, string column = ColumnPlaceholder)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, diffs.Length * 3));
        WriteVitessExpression(diffs, buffer, column);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Decodes the diffs into owned objects (path as text, value as JSON text; null for REMOVE).</summary>
    public static IReadOnlyList<JsonDiff> Decode(ReadOnlySpan<byte> diffs)
    {
        var result = new List<JsonDiff>();
        var reader = new PacketReader(diffs);
        while (reader.Remaining > 0)
        {
            ReadDiff(ref reader, out var operation, out var path, out var value);
            result.Add(new JsonDiff(operation, Encoding.UTF8.GetString(path),
                operation == JsonDiffOperation.Remove ? null : JsonBinaryDecoder.ToJson(value)));
        }
        return result;
    }

    private static void ReadDiff(ref PacketReader reader, out JsonDiffOperation operation, out ReadOnlySpan<byte> path, out ReadOnlySpan<byte> value)
    {
        var start = reader.Offset;
        var op = reader.ReadByte();
        if (op > (byte)JsonDiffOperation.Remove)
            throw BinlogFormatException.Create($"Unknown JSON diff operation {op}", start);
        operation = (JsonDiffOperation)op;
        path = reader.ReadLengthEncodedBytes();
        if (path.IsEmpty)
            throw BinlogFormatException.Create("JSON diff has an empty path", start);
        value = operation == JsonDiffOperation.Remove ? default : reader.ReadLengthEncodedBytes();
    }
}
