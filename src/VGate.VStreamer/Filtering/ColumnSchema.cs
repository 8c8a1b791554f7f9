namespace VGate.VStreamer.Filtering;

/// <summary>One column of a <see cref="TableSchema"/>.</summary>
/// <param name="Name">The column name (matched case-insensitively, as MySQL does).</param>
/// <param name="Kind">How its values compare.</param>
public sealed record ColumnSchema(string Name, ColumnKind Kind);
