using System.Globalization;
using System.Text;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>Decodes Vitess <c>query.Row</c> values (lengths + concatenated values, −1 = NULL) into text cells.</summary>
internal static class Rows
{
    public static string?[] Decode(Query.Row row)
    {
        var values = row.Values.Span;
        var cells = new string?[row.Lengths.Count];
        var at = 0;
        for (var i = 0; i < cells.Length; i++)
        {
            var length = (int)row.Lengths[i];
            if (length < 0)
                continue;
            cells[i] = Encoding.UTF8.GetString(values.Slice(at, length));
            at += length;
        }
        return cells;
    }

    /// <summary>The bytes of column <paramref name="column"/> (null for NULL), without decoding the others.</summary>
    public static ReadOnlyMemory<byte>? Cell(Query.Row row, int column)
    {
        var at = 0;
        for (var i = 0; i < column; i++)
            at += (int)Math.Max(0, row.Lengths[i]);
        var length = (int)row.Lengths[column];
        return length < 0 ? null : row.Values.Memory.Slice(at, length);
    }

    /// <summary>A cell as MySQL's text protocol would show it (invariant culture), null for NULL.</summary>
    public static string? Text(object? value) => value switch
    {
        null or DBNull => null,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    public static string Show(string?[]? cells) => cells is null ? "-" : "(" + string.Join(", ", cells.Select(c => c ?? "NULL")) + ")";
}
