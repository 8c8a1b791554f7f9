using VGate.Gateway.Topology;

namespace VGate.Server.Execute;

/// <summary>Lists the tables of a shard's database, for <c>SHOW TABLES</c>.</summary>
public interface ITableLister
{
    /// <summary>The base tables and views of <paramref name="database"/> on <paramref name="source"/>, sorted by name.</summary>
    Task<IReadOnlyList<string>> ListTablesAsync(SourceOptions source, string database, CancellationToken cancellationToken);
}
