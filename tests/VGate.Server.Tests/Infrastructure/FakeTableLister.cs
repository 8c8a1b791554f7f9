using VGate.Gateway.Topology;
using VGate.Server.Execute;

namespace VGate.Server.Tests.Infrastructure;

/// <summary>Returns fixed table names (and no table status rows unless given) and records which source and database were asked.</summary>
internal sealed class FakeTableLister : ITableLister
{
    public List<(string Uri, string Database)> Calls { get; } = [];

    public IReadOnlyList<string> Tables { get; set; } = ["customer", "corder"];

    /// <summary>The <c>SHOW TABLE STATUS</c> rows each source (by URI) answers; a source not in here has no tables.</summary>
    public Dictionary<string, IReadOnlyList<string?[]>> Status { get; } = [];

    /// <summary>Sources (by URI) whose status read fails, as an unreachable server's would.</summary>
    public HashSet<string> Failing { get; } = [];

    public Task<IReadOnlyList<string>> ListTablesAsync(SourceOptions source, string database, CancellationToken cancellationToken)
    {
        lock (Calls)
            Calls.Add((source.Uri, database));
        return Task.FromResult(Tables);
    }

    public Task<IReadOnlyList<string?[]>> ReadTableStatusAsync(SourceOptions source, string database, CancellationToken cancellationToken)
    {
        lock (Calls)
            Calls.Add((source.Uri, database));
        if (Failing.Contains(source.Uri))
            throw new IOException($"Connection refused ({source.Uri})");
        return Task.FromResult(Status.TryGetValue(source.Uri, out var rows) ? rows : []);
    }
}
