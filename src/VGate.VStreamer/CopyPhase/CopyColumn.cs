using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Schema;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// One column of a table being copied: the binlog-style description rebuilt from information_schema (so FIELD events
/// of the copy go through the same <see cref="ColumnDescriber"/> as those of the streaming phase), the catalog row, and
/// the charset and collation names needed to write a lastpk literal that compares with the column's own collation.
/// </summary>
/// <param name="Info">The column as a TABLE_MAP would describe it.</param>
/// <param name="Catalog">The information_schema row.</param>
/// <param name="CharsetName">CHARACTER_SET_NAME, or null for non-character columns.</param>
/// <param name="CollationName">COLLATION_NAME, or null for non-character columns.</param>
internal sealed record CopyColumn(ColumnInfo Info, CatalogColumn Catalog, string? CharsetName, string? CollationName)
{
    /// <summary>The column name.</summary>
    public string Name => Catalog.Name;
}
