using System.Text;
using Binlogdata;

namespace VGate.VStreamer.Tests.Framework;

/// <summary>
/// Compact, stable text for VEvents, so stream tests can state expected output as a list of short strings
/// (the style of Vitess's own vstreamer tests). Timestamps, current_time and GTID values are left out; the
/// GTID event shows as <c>gtid</c>. Forms:
/// <list type="bullet">
/// <item><c>begin</c>, <c>commit</c>, <c>gtid</c>, <c>other</c>, <c>heartbeat</c>, <c>copy_completed</c></item>
/// <item><c>ddl:ALTER TABLE t ADD c INT</c></item>
/// <item><c>field:t[id:INT32:int:NOT_NULL|PRI_KEY,name:VARCHAR:varchar(20)]</c> — name, type, column_type, key/null flags</item>
/// <item><c>row:t insert(1,'a')</c>, <c>row:t update(1,'a'→1,'b')</c>, <c>row:t delete(1,'a')</c>; several changes are
/// separated by <c>; </c>; NULL is <c>NULL</c>; values are the Vitess text in single quotes except numbers</item>
/// <item><c>lastpk:t(5)</c>, <c>lastpk:t(1,'a')</c> — the copy's resume key; <c>lastpk:t completed</c> when the table is done; <c>lastpk:t</c> (no key) names the next table to copy</item>
/// </list>
/// </summary>
public static class VEventFormatter
{
    public static string ToTestString(VEvent vevent) => vevent.Type switch
    {
        VEventType.Begin => "begin",
        VEventType.Commit => "commit",
        VEventType.Gtid => "gtid",
        VEventType.Other => "other",
        VEventType.Heartbeat => "heartbeat",
        VEventType.CopyCompleted => "copy_completed",
        VEventType.Ddl => "ddl:" + vevent.Statement,
        VEventType.Insert or VEventType.Update or VEventType.Delete or VEventType.Replace => vevent.Type.ToString().ToLowerInvariant() + ":" + vevent.Dml,
        VEventType.Field => FormatField(vevent.FieldEvent),
        VEventType.Row => FormatRow(vevent.RowEvent),
        VEventType.Lastpk => FormatLastPk(vevent.LastPKEvent),
        _ => vevent.Type.ToString().ToLowerInvariant(),
    };

    private static string FormatField(FieldEvent field)
    {
        var columns = field.Fields.Select(f =>
        {
            var flags = new List<string>();
            if ((f.Flags & 1) != 0)
                flags.Add("NOT_NULL");
            if ((f.Flags & 2) != 0)
                flags.Add("PRI_KEY");
            if ((f.Flags & 4) != 0)
                flags.Add("UNIQUE_KEY");
            var text = $"{f.Name}:{f.Type.ToString().ToUpperInvariant()}:{f.ColumnType}";
            return flags.Count > 0 ? text + ":" + string.Join('|', flags) : text;
        });
        return $"field:{field.TableName}[{string.Join(',', columns)}]";
    }

    private static string FormatLastPk(LastPKEvent lastPk)
    {
        var table = lastPk.TableLastPK.TableName;
        if (lastPk.Completed)
            return $"lastpk:{table} completed";
        if (lastPk.TableLastPK.Lastpk is null)
            return $"lastpk:{table}";
        var rows = lastPk.TableLastPK.Lastpk.Rows;
        return rows is { Count: 1 } ? $"lastpk:{table}({Values(rows[0])})" : $"lastpk:{table}(?)";
    }

    private static string FormatRow(RowEvent row)
    {
        var changes = row.RowChanges.Select(change => (change.Before, change.After) switch
        {
            (null, { } after) => $"insert({Values(after)})",
            ({ } before, null) => $"delete({Values(before)})",
            ({ } before, { } after) => $"update({Values(before)}→{Values(after)})",
            _ => "empty()",
        });
        return $"row:{row.TableName} {string.Join("; ", changes)}";
    }

    /// <summary>Decodes a packed <c>query.Row</c>: zig-zag lengths, −1 for NULL, values concatenated.</summary>
    public static IReadOnlyList<string?> Decode(Query.Row row)
    {
        var values = new List<string?>();
        var offset = 0;
        var bytes = row.Values.Span;
        foreach (var length in row.Lengths)
        {
            if (length < 0)
            {
                values.Add(null);
                continue;
            }
            values.Add(Encoding.UTF8.GetString(bytes.Slice(offset, (int)length)));
            offset += (int)length;
        }
        return values;
    }

    private static string Values(Query.Row row) =>
        string.Join(',', Decode(row).Select(v => v switch
        {
            null => "NULL",
            _ when long.TryParse(v, out _) => v,
            _ => "'" + v + "'",
        }));
}
