namespace VGate.VStreamer.Schema;

/// <summary>
/// The Vitess view of one column: everything a <c>query.Field</c> carries. Built from the binlog's TABLE_MAP (always
/// right for the rows that follow it) and, where they still agree, from information_schema.
/// </summary>
/// <param name="Name">Column name.</param>
/// <param name="VitessType">The <c>query.Type</c> value (ordinal with the ISINTEGRAL/ISUNSIGNED/… bits).</param>
/// <param name="Flags">MySQL column flags (<c>query.MySqlFlag</c> bits).</param>
/// <param name="ColumnLength">Display length as MySQL result metadata reports it (bytes for character columns).</param>
/// <param name="Charset">Collation id; 63 (binary) for numeric, temporal and binary columns.</param>
/// <param name="Decimals">Scale of DECIMAL, fractional digits of temporal types, 31 for FLOAT/DOUBLE, else 0.</param>
/// <param name="ColumnType">The SQL column type as information_schema prints it (<c>varchar(64)</c>, <c>enum('a','b')</c>).</param>
internal sealed record ColumnDescription(
    string Name,
    int VitessType,
    uint Flags,
    uint ColumnLength,
    uint Charset,
    uint Decimals,
    string ColumnType)
{
    /// <summary>The <c>query.Field</c> of this column in <paramref name="table"/> of <paramref name="database"/>.</summary>
    public Query.Field ToField(string table, string database) => new()
    {
        Name = Name,
        Type = (Query.Type)VitessType,
        Table = table,
        OrgTable = table,
        Database = database,
        OrgName = Name,
        ColumnLength = ColumnLength,
        Charset = Charset,
        Decimals = Decimals,
        Flags = Flags,
        ColumnType = ColumnType,
    };
}
