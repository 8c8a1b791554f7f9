using MySqlConnector;
using VGate.Testing.MySqlSource;

namespace VGate.IntegrationTests.Infrastructure;

/// <summary>The MySQL test source itself, through MySqlConnector (a client it was not written against).</summary>
public sealed class MySqlSourceServerTests
{
    [Fact]
    public async Task Query_NotAnswered_FailsLoudlyNamingTheQuery()
    {
        await using var source = Start();
        await using var connection = await OpenAsync(source);

        await using var command = new MySqlCommand("SELECT * FROM mysql.user", connection);
        var error = await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteReaderAsync());

        Assert.Equal(1235, error.Number);
        Assert.Contains("SELECT * FROM mysql.user", error.Message, StringComparison.Ordinal);
        Assert.Equal(["SELECT * FROM mysql.user"], source.UnexpectedQueries);
    }

    [Fact]
    public async Task Query_Variables_AnswersAsASourceConfiguredForVGate()
    {
        await using var source = Start();
        await using var connection = await OpenAsync(source);

        await using var command = new MySqlCommand("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('gtid_mode','binlog_checksum','binlog_row_metadata','no_such')", connection);
        var rows = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                rows[reader.GetString(0)] = reader.GetString(1);
        }
        await using var executed = new MySqlCommand("SELECT @@GLOBAL.gtid_executed", connection);

        Assert.Equal(new Dictionary<string, string> { ["gtid_mode"] = "ON", ["binlog_checksum"] = "CRC32", ["binlog_row_metadata"] = "FULL" }, rows);
        Assert.Equal("93e95066-a2f4-11ec-9b69-9657f0ae95e2:1-5", await executed.ExecuteScalarAsync());
        Assert.Equal(MySqlSourceAuthMethod.CachingSha2FullRsaRequestedKey, source.Logins.Single().Method);
    }

    [Fact]
    public async Task AppendTransaction_NextGtidOfTheSource_ExtendsGtidExecuted()
    {
        await using var source = Start();

        var appended = source.AppendTransaction(templateIndex: 2);

        Assert.Equal("93e95066-a2f4-11ec-9b69-9657f0ae95e2:6", appended.Gtid);
        Assert.Equal("93e95066-a2f4-11ec-9b69-9657f0ae95e2:1-6", source.GtidExecuted);
        Assert.Equal(source.Transactions[2].EventTypes, appended.EventTypes);
        Assert.False(appended.Recorded);
    }

    private static MySqlSourceServer Start() =>
        MySqlSourceServer.Start(new MySqlSourceOptions { BinlogFile = MySqlBinlogFixtures.PathOf(MySqlBinlogFixtures.EnumStringSet) });

    private static async Task<MySqlConnection> OpenAsync(MySqlSourceServer source)
    {
        var connection = new MySqlConnection(new MySqlConnectionStringBuilder
        {
            Server = source.Host,
            Port = (uint)source.Port,
            UserID = source.User.Name,
            Password = source.User.Password,
            SslMode = MySqlSslMode.None,
            AllowPublicKeyRetrieval = true,
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
