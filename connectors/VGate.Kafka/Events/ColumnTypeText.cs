using System.Globalization;

namespace VGate.Kafka.Events;

/// <summary>
/// Reads what Debezium needs from a FIELD's <c>column_type</c> (<c>information_schema.columns.column_type</c>): the
/// values of <c>enum('a','b')</c>/<c>set(…)</c> (quotes doubled inside a value, as MySQL writes them) and the
/// precision of <c>decimal(10,2)</c> or the length of <c>bit(5)</c>.
/// </summary>
internal static class ColumnTypeText
{
    /// <summary>The quoted values of an ENUM or SET column type, or null when the text has none.</summary>
    public static List<string>? Values(string columnType)
    {
        var open = columnType.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
            return null;
        var values = new List<string>();
        var current = new System.Text.StringBuilder();
        var inside = false;
        for (var i = open + 1; i < columnType.Length; i++)
        {
            var c = columnType[i];
            if (!inside)
            {
                if (c == '\'')
                    inside = true;
                else if (c == ')')
                    break;
                continue;
            }
            if (c == '\'')
            {
                if (i + 1 < columnType.Length && columnType[i + 1] == '\'')
                {
                    current.Append('\'');
                    i++;
                    continue;
                }
                values.Add(current.ToString());
                current.Clear();
                inside = false;
                continue;
            }
            current.Append(c);
        }
        return inside ? null : values;
    }

    /// <summary>
    /// True when <paramref name="columnType"/> is the type <paramref name="name"/>, bare or with parameters
    /// (<c>char</c>, <c>char(4)</c>), ignoring case: Debezium's <c>matches(upperCaseTypeName, upperCaseMatch)</c>.
    /// </summary>
    public static bool Is(string columnType, string name) =>
        columnType.StartsWith(name, StringComparison.OrdinalIgnoreCase)
        && (columnType.Length == name.Length || columnType[name.Length] == '(');

    /// <summary>The first number in parentheses (<c>decimal(10,2)</c> → 10, <c>bit(5)</c> → 5), or null.</summary>
    public static int? FirstNumber(string columnType)
    {
        var open = columnType.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
            return null;
        var end = open + 1;
        while (end < columnType.Length && char.IsAsciiDigit(columnType[end]))
            end++;
        return end > open + 1 && int.TryParse(columnType.AsSpan(open + 1, end - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
