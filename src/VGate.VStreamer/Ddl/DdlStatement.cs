namespace VGate.VStreamer.Ddl;

/// <summary>What kind of schema change a statement is, as far as the streamer cares.</summary>
internal enum DdlKind
{
    /// <summary>Not a table-level schema change (database DDL, GRANT, FLUSH, SET, …): streamed as OTHER.</summary>
    None,
    CreateTable,
    AlterTable,
    DropTable,
    RenameTable,
    TruncateTable,
    CreateIndex,
    DropIndex,
}

/// <summary>A table-level DDL statement and the tables it names (for RENAME: the old and the new names).</summary>
/// <param name="Kind">The statement kind.</param>
/// <param name="Tables">The tables, each with its database when the statement qualifies it (else null).</param>
internal sealed record DdlStatement(DdlKind Kind, IReadOnlyList<(string? Database, string Table)> Tables)
{
    public static DdlStatement NotDdl { get; } = new(DdlKind.None, []);
}
