using VGate.Gateway.Topology;

namespace VGate.Server.Execute;

/// <summary>Reads a shard's tables from its source: names for <c>SHOW TABLES</c>, statistics for <c>SHOW TABLE STATUS</c>.</summary>
public interface ITableLister
{
    /// <summary>The base tables and views of <paramref name="database"/> on <paramref name="source"/>, sorted by name.</summary>
    Task<IReadOnlyList<string>> ListTablesAsync(SourceOptions source, string database, CancellationToken cancellationToken);

    /// <summary>
    /// One row per table and view of <paramref name="database"/> on <paramref name="source"/>, sorted by name: the values of
    /// the <c>SHOW TABLE STATUS</c> columns (Name, Engine, Version, Row_format, Rows, …; null for SQL NULL) in MySQL's text form.
    /// </summary>
    Task<IReadOnlyList<string?[]>> ReadTableStatusAsync(SourceOptions source, string database, CancellationToken cancellationToken);
}
