using VGate.Gateway.Topology;
using VGate.Server.Execute;

namespace VGate.Server.Tests.Infrastructure;

/// <summary>Returns fixed table names and records which source and database were asked.</summary>
internal sealed class FakeTableLister : ITableLister
{
    public List<(string Uri, string Database)> Calls { get; } = [];

    public IReadOnlyList<string> Tables { get; set; } = ["customer", "corder"];

    public Task<IReadOnlyList<string>> ListTablesAsync(SourceOptions source, string database, CancellationToken cancellationToken)
    {
        Calls.Add((source.Uri, database));
        return Task.FromResult(Tables);
    }
}
