namespace VGate.VStreamer.Filtering;

/// <summary>What the plan builder needs to know about a table.</summary>
/// <param name="Name">The table name (rules match it case-sensitively).</param>
/// <param name="Columns">The columns in table (binlog row) order.</param>
/// <param name="PrimaryKey">
/// The primary-key columns in key order (or a PK-equivalent unique key); empty if none, in which case the copy
/// query orders by every column.
/// </param>
/// <param name="PrimaryVindex">The table's primary vindex in a sharded keyspace; null when it has none.</param>
public sealed record TableSchema(
    string Name,
    IReadOnlyList<ColumnSchema> Columns,
    IReadOnlyList<string> PrimaryKey,
    TableVindex? PrimaryVindex = null)
{
    /// <summary>The index of the column named <paramref name="name"/> (ASCII case-insensitive), or -1.</summary>
    public int FindColumn(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
