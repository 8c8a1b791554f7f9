using System.Text;
using Google.Protobuf;
using VGate.MySql.Binlog;
using VGate.MySql.Protocol;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// The copy's resume point of a table: the key values of the last row sent, as Vitess carries them in
/// <c>TableLastPK.lastpk</c> (a <c>query.QueryResult</c> with the key columns as <c>fields</c> and exactly one row), and
/// the SQL condition that selects the rows after it.
/// </summary>
internal static class LastPk
{
    /// <summary>Builds the lastpk result from the key values: <paramref name="keyCells"/> locate each key column's text in <paramref name="row"/>.</summary>
    public static Query.QueryResult Create(IReadOnlyList<Query.Field> keyFields, ReadOnlySpan<byte> row, ReadOnlySpan<(int Offset, int Length)> keyCells)
    {
        var result = new Query.QueryResult();
        foreach (var field in keyFields)
            result.Fields.Add(field.Clone());
        var total = 0;
        foreach (var (_, length) in keyCells)
            total += Math.Max(length, 0);
        var bytes = new byte[total];
        var pkRow = new Query.Row();
        var at = 0;
        foreach (var (offset, length) in keyCells)
        {
            pkRow.Lengths.Add(length);
            if (length <= 0)
                continue;
            row.Slice(offset, length).CopyTo(bytes.AsSpan(at));
            at += length;
        }
        pkRow.Values = UnsafeByteOperations.UnsafeWrap(bytes);
        result.Rows.Add(pkRow);
        return result;
    }

    /// <summary>
    /// The condition for the rows after <paramref name="lastpk"/> in key order, e.g. <c>(`a` &gt; 1) OR (`a` = 1 AND `b` &gt; 2)</c>.
    /// Throws INVALID_ARGUMENT when the lastpk has no fields, not exactly one row, a NULL for a NOT NULL column, or other
    /// columns than the key.
    /// </summary>
    /// <remarks>
    /// A table without key (<see cref="CopyTableSchema.IsKeyless"/>) is ordered by <see cref="OrderExpressions"/>, and
    /// its lastpk may hold NULLs: NULL sorts first, so "after NULL" is <c>IS NOT NULL</c> and "equal to NULL" is
    /// <c>IS NULL</c> (Vitess writes <c>c &gt; NULL</c>, which is never true, and loses the rows). Character columns
    /// compare as bytes, like they are ordered. Identical rows are never split between two batches (the copy closes a
    /// batch only between rows that differ in the ordering columns), so "after the last row" never skips an identical
    /// one (Vitess's strict condition would).
    /// </remarks>
    public static string BuildCondition(CopyTableSchema table, Query.QueryResult lastpk)
    {
        var keyNames = table.KeyColumns.Select(i => table.Columns[i].Name).ToList();
        if (lastpk.Fields.Count == 0 && keyNames.Count > 0)
            throw VStreamException.InvalidArgument($"lastpk for table {table.Name} has no fields defined");
        if (lastpk.Rows.Count != 1)
            throw VStreamException.InvalidArgument($"lastpk for table {table.Name} must have exactly one row, it has {lastpk.Rows.Count}");
        if (!lastpk.Fields.Select(f => f.Name).SequenceEqual(keyNames, StringComparer.OrdinalIgnoreCase))
        {
            throw VStreamException.InvalidArgument(
                $"lastpk for table {table.Name} names ({string.Join(",", lastpk.Fields.Select(f => f.Name))}) but the table is copied by ({string.Join(",", keyNames)})");
        }
        var row = lastpk.Rows[0];
        if (row.Lengths.Count != keyNames.Count)
            throw VStreamException.InvalidArgument($"lastpk for table {table.Name} has {row.Lengths.Count} values for {keyNames.Count} fields");
        if (keyNames.Count == 0)
        {
            // A keyless table none of whose columns orders exactly (only FLOAT/DOUBLE) goes out in one batch: a lastpk
            // without fields means every row was sent.
            return "FALSE";
        }

        var literals = new string?[keyNames.Count];
        var bytes = row.Values.Span;
        var offset = 0;
        for (var i = 0; i < literals.Length; i++)
        {
            var length = (int)row.Lengths[i];
            var column = table.Columns[table.KeyColumns[i]];
            if (length < 0)
            {
                if (!column.Info.IsNullable)
                    throw VStreamException.InvalidArgument($"lastpk for table {table.Name} has NULL for {keyNames[i]}");
                literals[i] = null;
                continue;
            }
            if (offset + length > bytes.Length)
                throw VStreamException.InvalidArgument($"lastpk for table {table.Name} has fewer value bytes than its lengths say");
            var value = bytes.Slice(offset, length);
            literals[i] = table.IsKeyless && IsComparedAsBytes(column)
                ? "X'" + Convert.ToHexString(value[..Math.Min(length, KeylessSortPrefixBytes)]) + "'"
                : Literal(column, value, table.Name);
            offset += length;
        }

        var expressions = OrderExpressions(table);
        var condition = new StringBuilder();
        for (var i = 0; i < literals.Length; i++)
        {
            if (i > 0)
                condition.Append(" OR ");
            condition.Append('(');
            for (var j = 0; j < i; j++)
            {
                condition.Append(expressions[j]).Append(literals[j] is { } equal ? " = " + equal : " IS NULL").Append(" AND ");
            }
            condition.Append(expressions[i]).Append(literals[i] is { } greater ? " > " + greater : " IS NOT NULL").Append(')');
        }
        return condition.ToString();
    }

    /// <summary>
    /// How many leading bytes of a keyless table's character and binary columns order it. The server sorts strings by
    /// their first <c>max_sort_length</c> bytes only (default and, for the copy connection, at least 1024), so the copy
    /// orders, compares and groups by exactly that prefix: rows whose values share it are never split between batches.
    /// </summary>
    public const int KeylessSortPrefixBytes = 1024;

    /// <summary>
    /// The ORDER BY expressions of the copy query, one per key column: the column itself, or for a keyless table's
    /// character and binary columns <c>LEFT(CAST(`c` AS BINARY), 1024)</c>, so that rows which differ in any of those bytes
    /// (case, accents, trailing spaces under a PAD SPACE collation) never compare equal and the order is a total order on
    /// the values read.
    /// </summary>
    public static string[] OrderExpressions(CopyTableSchema table) =>
        table.KeyColumns.Select(i =>
        {
            var column = table.Columns[i];
            var name = QuoteIdentifier(column.Name);
            return table.IsKeyless && IsComparedAsBytes(column)
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"LEFT(CAST({name} AS BINARY), {KeylessSortPrefixBytes})")
                : name;
        }).ToArray();

    /// <summary>
    /// Per key column, how many leading bytes of its text decide its place in the copy order: all of them, but
    /// <see cref="KeylessSortPrefixBytes"/> for a keyless table's character and binary columns.
    /// </summary>
    public static int[] ComparedBytes(CopyTableSchema table) =>
        table.KeyColumns.Select(i => table.IsKeyless && IsComparedAsBytes(table.Columns[i]) ? KeylessSortPrefixBytes : int.MaxValue).ToArray();

    /// <summary>
    /// Whether a column of a keyless table orders the copy: every column whose text value compares exactly like the
    /// column, i.e. all but FLOAT and DOUBLE (the server prints them rounded, so the text of a value is not the value
    /// and a condition built from it could skip rows equal to it). Rows that differ only in such columns are never split
    /// between two batches, so leaving them out of the order loses nothing.
    /// </summary>
    public static bool IsKeylessOrderable(CopyColumn column) => column.Info.Type is not (ColumnType.Float or ColumnType.Double);

    /// <summary>True for the columns whose lastpk literal is their bytes (character, binary, JSON, spatial).</summary>
    private static bool IsComparedAsBytes(CopyColumn column) => column.Info.Type is not (
        ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong
        or ColumnType.Float or ColumnType.Double or ColumnType.NewDecimal or ColumnType.Decimal or ColumnType.Year
        or ColumnType.Date or ColumnType.NewDate or ColumnType.Time or ColumnType.Time2 or ColumnType.DateTime
        or ColumnType.DateTime2 or ColumnType.Timestamp or ColumnType.Timestamp2
        or ColumnType.Enum or ColumnType.Set or ColumnType.Bit);

    /// <summary>
    /// A SQL literal for a key value that compares like the column: numbers as they are (checked to be numbers),
    /// temporal values quoted (checked), ENUM and SET as their index / bitmap number (the order MySQL sorts them in),
    /// character values as <c>CONVERT(X'…' USING cs) COLLATE coll</c> so the comparison uses the column's collation
    /// whatever the connection's character set, other strings as hex.
    /// </summary>
    internal static string Literal(CopyColumn column, ReadOnlySpan<byte> value, string table)
    {
        switch (column.Info.Type)
        {
            case ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong
                or ColumnType.Float or ColumnType.Double or ColumnType.NewDecimal or ColumnType.Decimal or ColumnType.Year:
                if (!IsNumber(value))
                    throw VStreamException.InvalidArgument($"lastpk for table {table}: '{Encoding.UTF8.GetString(value)}' is not a number for {column.Name}");
                return Encoding.ASCII.GetString(value);
            case ColumnType.Date or ColumnType.NewDate or ColumnType.Time or ColumnType.Time2 or ColumnType.DateTime
                or ColumnType.DateTime2 or ColumnType.Timestamp or ColumnType.Timestamp2:
                foreach (var b in value)
                {
                    if (b is not ((>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)':' or (byte)'.' or (byte)' '))
                        throw VStreamException.InvalidArgument($"lastpk for table {table}: '{Encoding.UTF8.GetString(value)}' is not a temporal value for {column.Name}");
                }
                return "'" + Encoding.ASCII.GetString(value) + "'";
            case ColumnType.Enum:
                // The copy reads in key order, and MySQL orders ENUM by member index, not by text: compare by index too.
                return EnumIndex(column, value, table).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case ColumnType.Set:
                // Likewise a SET orders by its bitmap value.
                return SetBits(column, value, table).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case ColumnType.Bit:
                {
                    ulong number = 0;
                    foreach (var b in value)
                        number = (number << 8) | b;
                    return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            default:
                var hex = "X'" + Convert.ToHexString(value) + "'";
                return column.Info.IsText && column.CharsetName is { } charset && column.CollationName is { } collation
                    ? $"CONVERT({hex} USING {charset}) COLLATE {collation}"
                    : hex;
        }
    }

    // The 1-based member index of an ENUM value (0 for the empty string MySQL stores for invalid values).
    private static int EnumIndex(CopyColumn column, ReadOnlySpan<byte> value, string table)
    {
        var text = MemberText(column, value);
        if (text.Length == 0)
            return 0;
        var members = column.Info.EnumValues ?? [];
        var index = FindMember(members, text);
        return index >= 0
            ? index + 1
            : throw VStreamException.InvalidArgument(
                $"lastpk for table {table}: '{text}' is not a member of {column.Name} {column.Catalog.ColumnType}");
    }

    // The bitmap of a SET value: bit i for the i-th member named in the comma-separated list.
    private static ulong SetBits(CopyColumn column, ReadOnlySpan<byte> value, string table)
    {
        var text = MemberText(column, value);
        var members = column.Info.SetValues ?? [];
        ulong bits = 0;
        if (text.Length == 0)
            return bits;
        foreach (var name in text.Split(','))
        {
            var index = FindMember(members, name);
            if (index < 0)
            {
                throw VStreamException.InvalidArgument(
                    $"lastpk for table {table}: '{name}' is not a member of {column.Name} {column.Catalog.ColumnType}");
            }
            bits |= 1UL << index;
        }
        return bits;
    }

    // The copy reads values in the column's own character set (character_set_results = binary).
    private static string MemberText(CopyColumn column, ReadOnlySpan<byte> value) =>
        string.Equals(column.CharsetName, "latin1", StringComparison.OrdinalIgnoreCase) ? Encoding.Latin1.GetString(value) : Encoding.UTF8.GetString(value);

    // Members are matched exactly, else case-insensitively (ENUM and SET compare with the column's collation, usually _ci).
    private static int FindMember(IReadOnlyList<string> members, string text)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (string.Equals(members[i], text, StringComparison.Ordinal))
                return i;
        }
        for (var i = 0; i < members.Count; i++)
        {
            if (string.Equals(members[i], text, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }

    private static bool IsNumber(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
            return false;
        var digits = 0;
        foreach (var b in value)
        {
            if (b is >= (byte)'0' and <= (byte)'9')
                digits++;
            else if (b is not ((byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E'))
                return false;
        }
        return digits > 0;
    }

    internal static string QuoteIdentifier(string name) => SqlSession.QuoteIdentifier(name);
}
