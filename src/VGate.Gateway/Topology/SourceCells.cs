namespace VGate.Gateway.Topology;

/// <summary>The cells of a request (<c>VStreamFlags.cells</c>) and which sources they allow.</summary>
public static class SourceCells
{
    /// <summary>The cells of a comma-separated list, trimmed, empty names dropped (Vitess's form: <c>zone1,zone2</c>).</summary>
    public static IReadOnlySet<string> Parse(string? cells) =>
        new HashSet<string>(
            (cells ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            StringComparer.Ordinal);

    /// <summary>True when <paramref name="source"/> may serve a request with <paramref name="cells"/>: any source when there are none, else one whose cell is listed.</summary>
    public static bool Allows(IReadOnlySet<string> cells, SourceOptions source) =>
        cells.Count == 0 || (source.Cell is { } cell && cells.Contains(cell));

    /// <summary>The cells as the request's text would list them, sorted, for keys and messages.</summary>
    public static string Format(IReadOnlySet<string> cells) => string.Join(",", cells.Order(StringComparer.Ordinal));
}
