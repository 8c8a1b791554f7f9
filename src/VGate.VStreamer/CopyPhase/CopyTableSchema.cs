namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// What the copy phase needs to know about one table: its columns in ordinal order, and the columns the rows are read
/// in order of: the primary key, or a unique key over NOT NULL columns, or (a table with neither, <see cref="IsKeyless"/>)
/// the table's own columns, as Vitess's row streamer does.
/// </summary>
/// <param name="Name">Table name.</param>
/// <param name="Columns">The columns in ordinal order.</param>
/// <param name="KeyColumns">Indexes into <paramref name="Columns"/> of the ordering columns, in order.</param>
/// <param name="KeyName">
/// The index name (<c>PRIMARY</c> or the unique key's name), for <c>FORCE INDEX</c>; null for a table without such a key,
/// whose rows are ordered by <paramref name="KeyColumns"/> with a sort.
/// </param>
internal sealed record CopyTableSchema(string Name, IReadOnlyList<CopyColumn> Columns, int[] KeyColumns, string? KeyName)
{
    /// <summary>
    /// True for a table with neither a primary key nor a unique key over NOT NULL columns: rows are ordered by their
    /// columns (<see cref="LastPk.IsKeylessOrderable"/>), may contain NULLs and may be identical; see
    /// <see cref="LastPk"/> for how such a table is resumed.
    /// </summary>
    public bool IsKeyless => KeyName is null;
}
