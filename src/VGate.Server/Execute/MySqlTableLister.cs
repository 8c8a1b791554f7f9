using MySqlConnector;
using VGate.Gateway.Topology;
using VGate.MySql.Protocol;

namespace VGate.Server.Execute;

/// <summary>Reads table names from <c>information_schema.TABLES</c> on the source through MySqlConnector.</summary>
internal sealed class MySqlTableLister : ITableLister
{
    public async Task<IReadOnlyList<string>> ListTablesAsync(SourceOptions source, string database, CancellationToken cancellationToken)
    {
        var options = TopologyValidator.ResolveConnection(source);
        await using var connection = new MySqlConnection(options.ToMySqlConnectorConnectionString());
        await SqlSession.OpenAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db ORDER BY TABLE_NAME";
        command.Parameters.AddWithValue("@db", database);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            tables.Add(reader.GetString(0));
        return tables;
    }
}
