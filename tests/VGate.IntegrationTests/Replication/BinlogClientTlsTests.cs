using VGate.IntegrationTests.Protocol;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.IntegrationTests.Replication;

/// <summary>The binlog stream over TLS, with the server certificate verified against the test CA.</summary>
[Trait("Category", "Integration")]
public sealed class BinlogClientTlsTests(ProtocolServerFixture fixture) : IClassFixture<ProtocolServerFixture>
{
    [ServerFact]
    public async Task ReadEvents_VerifyFullTls_StreamsRowsOverAnEncryptedConnection()
    {
        var db = await fixture.CreateDatabaseAsync();
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.secure (id INT PRIMARY KEY, secret VARCHAR(20))");
        var start = BinlogStartPosition.Parse("MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync());
        await fixture.Server.ExecuteAsync($"INSERT INTO {db}.secure VALUES (1, 'over tls')");
        var connection = MySqlConnectionOptions.Parse(
            $"mysql://{fixture.Server.ReplicationUser}:{Uri.EscapeDataString(fixture.Server.ReplicationPassword)}@localhost:{fixture.Server.Port}" +
            $"?ssl-mode=verify-full&ssl-ca={Uri.EscapeDataString(fixture.Tls.CaCertificateFile)}");
        using var deadline = TestDeadline.CreateTokenSource();
        await using var client = new BinlogClient(new BinlogClientOptions { Connection = connection, Start = start, StopAtEnd = true });

        string? secret = null;
        await foreach (var binlogEvent in client.ReadEventsAsync(deadline.Token))
        {
            if (binlogEvent is RowsEvent rows && rows.TableMap.Table == "secure")
                secret = BinlogCapture.Capture(rows, client).Rows[0].After!["secret"];
        }

        Assert.True(client.IsEncrypted);
        Assert.Equal("over tls", secret);
    }
}
