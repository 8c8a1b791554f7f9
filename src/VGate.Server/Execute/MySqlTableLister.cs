using VGate.Gateway.Topology;
using VGate.MySql.Protocol;

namespace VGate.Server.Execute;

/// <summary>Reads table names and statistics from <c>information_schema.TABLES</c> on the source over VGate's own protocol connection.</summary>
internal sealed class MySqlTableLister : ITableLister
{
    public async Task<IReadOnlyList<string>> ListTablesAsync(SourceOptions source, string database, CancellationToken cancellationToken)
    {
        var options = TopologyValidator.ResolveConnection(source);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(options, cancellationToken);
        var rows = await connection.QueryAsync(
            $"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = {SqlSession.QuoteString(database)} ORDER BY TABLE_NAME",
            cancellationToken);
        return rows.Select(row => row[0]!).ToList();
    }

    public async Task<IReadOnlyList<string?[]>> ReadTableStatusAsync(SourceOptions source, string database, CancellationToken cancellationToken)
    {
        var options = TopologyValidator.ResolveConnection(source);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(options, cancellationToken);
        return await connection.QueryAsync(TableStatus.SelectSql(database), cancellationToken);
    }
}
