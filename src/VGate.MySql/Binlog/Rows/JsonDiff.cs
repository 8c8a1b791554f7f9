namespace VGate.MySql.Binlog.Rows;

/// <summary>One decoded partial JSON update.</summary>
/// <param name="Operation">What the diff does.</param>
/// <param name="Path">The JSON path, e.g. <c>$.a[2]</c>.</param>
/// <param name="Value">The new value as MySQL JSON text, or <c>null</c> for <see cref="JsonDiffOperation.Remove"/>.</param>
public sealed record JsonDiff(JsonDiffOperation Operation, string Path, string? Value);
