namespace VGate.VStreamer.Filtering;

/// <summary>A table's primary vindex, from the keyspace VSchema.</summary>
/// <param name="Name">
/// The vindex as the VSchema names it (e.g. <c>hash</c>, <c>region_vdx</c>), resolved through <see cref="IVindexResolver"/>.
/// </param>
/// <param name="Columns">The table columns that feed it, in vindex order.</param>
public sealed record TableVindex(string Name, IReadOnlyList<string> Columns);
