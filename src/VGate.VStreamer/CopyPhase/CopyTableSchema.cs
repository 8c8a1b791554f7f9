namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// What the copy phase needs to know about one table: its columns in ordinal order, and the key the rows are read in
/// order of (the primary key, or a unique key over NOT NULL columns).
/// </summary>
/// <param name="Name">Table name.</param>
/// <param name="Columns">The columns in ordinal order.</param>
/// <param name="KeyColumns">Indexes into <paramref name="Columns"/> of the key columns, in key order.</param>
/// <param name="KeyName">The index name (<c>PRIMARY</c> or the unique key's name), for <c>FORCE INDEX</c>.</param>
internal sealed record CopyTableSchema(string Name, IReadOnlyList<CopyColumn> Columns, int[] KeyColumns, string KeyName);
