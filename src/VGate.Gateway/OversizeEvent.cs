using System.Globalization;
using System.Text;
using Binlogdata;

namespace VGate.Gateway;

/// <summary>
/// Describes an event over <see cref="Topology.LimitsOptions.MaxEventBytes"/> for the error or log line: keyspace, shard,
/// table, primary key (from the table's FIELD: the columns flagged PRI_KEY) and size, so the operator can find the row.
/// </summary>
internal static class OversizeEvent
{
    /// <summary>MySQL's PRI_KEY_FLAG in <c>query.Field.flags</c>.</summary>
    private const uint PrimaryKeyFlag = 2;

    /// <summary>Longest value shown per key column (a key is rarely longer; a longer one is cut with "…").</summary>
    private const int MaxShownValueChars = 64;

    /// <summary>The table the event changes ("" when it is not a ROW event).</summary>
    public static string TableOf(VEvent vevent) => vevent.RowEvent?.TableName ?? "";

    /// <summary>
    /// "table t, primary key (id=42), 5000123 bytes": the key from the row's after image (before image for a delete), or
    /// "primary key unknown" when no FIELD of the table was seen or it flags no key column.
    /// </summary>
    public static string Describe(VEvent vevent, FieldEvent? field, int size)
    {
        var row = vevent.Materialize().RowEvent;
        var table = row?.TableName ?? "";
        var builder = new StringBuilder();
        builder.Append("table ").Append(table).Append(", ");
        var change = row is { RowChanges.Count: > 0 } ? row.RowChanges[0] : null;
        var image = change?.After ?? change?.Before;
        var key = field is null || image is null ? null : PrimaryKey(field, image);
        builder.Append(key is null ? "primary key unknown" : "primary key (" + key + ")");
        if (row is { RowChanges.Count: > 1 })
            builder.Append(CultureInfo.InvariantCulture, $" (first of {row.RowChanges.Count} row changes)");
        builder.Append(CultureInfo.InvariantCulture, $", {size} bytes");
        return builder.ToString();
    }

    private static string? PrimaryKey(FieldEvent field, Query.Row image)
    {
        var parts = new List<string>();
        long offset = 0;
        var values = image.Values.Span;
        for (var i = 0; i < image.Lengths.Count && i < field.Fields.Count; i++)
        {
            var length = image.Lengths[i];
            var isKey = (field.Fields[i].Flags & PrimaryKeyFlag) != 0;
            if (isKey)
            {
                string shown;
                if (length < 0)
                {
                    shown = "NULL";
                }
                else
                {
                    var text = Encoding.UTF8.GetString(values.Slice((int)offset, (int)length));
                    shown = text.Length > MaxShownValueChars ? text[..MaxShownValueChars] + "…" : text;
                }
                parts.Add(field.Fields[i].Name + "=" + shown);
            }
            if (length > 0)
                offset += length;
        }
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }
}
