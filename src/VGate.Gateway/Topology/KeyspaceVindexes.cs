using VGate.VStreamer.Filtering;

namespace VGate.Gateway.Topology;

/// <summary>
/// What the gateway knows of one keyspace's vindexes: the vindexes its VSchema declares, by name, and each table's
/// primary vindex (the first of its <c>column_vindexes</c>, or <see cref="KeyspaceOptions.Vindexes"/>).
/// </summary>
/// <param name="Vindexes">Declared vindexes by name; filters look names up here before vindex types.</param>
/// <param name="Tables">Each table's primary vindex, naming an entry of <paramref name="Vindexes"/> or a vindex type.</param>
public sealed record KeyspaceVindexes(
    IReadOnlyDictionary<string, IKeyspaceIdFunction> Vindexes,
    IReadOnlyDictionary<string, TableVindex> Tables)
{
    /// <summary>No vindexes.</summary>
    public static KeyspaceVindexes Empty { get; } = new(
        new Dictionary<string, IKeyspaceIdFunction>(StringComparer.Ordinal),
        new Dictionary<string, TableVindex>(StringComparer.Ordinal));
}
