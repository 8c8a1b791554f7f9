using System.Security.Authentication;
using VGate.MySql;
using VGate.MySql.Protocol;
using VGate.Testing;

namespace VGate.IntegrationTests.Protocol;

/// <summary>A MariaDB server with TLS (certificates from <see cref="TestCertificates"/>) and the ed25519 plugin loaded.</summary>
public sealed class ProtocolServerFixture : MariaDbFixture, IDisposable
{
    private readonly TempDirectory _tlsDirectory;

    public ProtocolServerFixture()
        : this(TempDirectory.Create("vgate-protocol-tls"))
    {
    }

    private ProtocolServerFixture(TempDirectory tlsDirectory)
        : this(tlsDirectory, TestCertificates.Create(tlsDirectory.Path))
    {
    }

    private ProtocolServerFixture(TempDirectory tlsDirectory, TlsFiles tls)
        : base(new MariaDbServerOptions
        {
            Name = "protocol",
            TlsCertificateFile = tls.ServerCertificateFile,
            TlsKeyFile = tls.ServerKeyFile,
            TlsCaFile = tls.CaCertificateFile,
            LoadEd25519Plugin = true,
            ExtraArguments = ["--max-allowed-packet=64M"],
        })
    {
        _tlsDirectory = tlsDirectory;
        Tls = tls;
    }

    public TlsFiles Tls { get; }

    public void Dispose() => _tlsDirectory.Dispose();
}

[Trait("Category", "Integration")]
public sealed class MySqlProtocolConnectionTests(ProtocolServerFixture fixture) : IClassFixture<ProtocolServerFixture>
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private MySqlConnectionOptions ReplicationUser(MySqlSslMode sslMode = MySqlSslMode.None, string? password = null) => new()
    {
        Host = MariaDbServer.Host,
        Port = fixture.Server.Port,
        User = fixture.Server.ReplicationUser,
        Password = password ?? fixture.Server.ReplicationPassword,
        SslMode = sslMode,
    };

    [ServerFact]
    public async Task ConnectAsync_NativePassword_LogsInAndQueries()
    {
        await using var connection = await MySqlProtocolConnection.ConnectAsync(ReplicationUser(), Timeout());

        Assert.True(connection.IsMariaDb);
        Assert.False(connection.IsSecure);
        Assert.Equal("mysql_native_password", connection.AuthPluginName);
        Assert.StartsWith(fixture.Server.ServerVersion.Split('-')[0], connection.ServerVersion, StringComparison.Ordinal);
        Assert.NotEqual(MariaDbCapabilities.None, connection.MariaDbCapabilities);

        var rows = await connection.QueryAsync("SELECT CURRENT_USER(), CONNECTION_ID(), NULL, 'h\u00e9llo'", Timeout());
        var row = Assert.Single(rows);
        Assert.Equal($"{fixture.Server.ReplicationUser}@%", row[0]);
        Assert.Equal(connection.ConnectionId.ToString(System.Globalization.CultureInfo.InvariantCulture), row[1]);
        Assert.Null(row[2]);
        Assert.Equal("h\u00e9llo", row[3]);
    }

    [ServerFact]
    public async Task ConnectAsync_WrongPassword_ThrowsServerError1045()
    {
        var ex = await Assert.ThrowsAsync<MySqlServerException>(
            () => MySqlProtocolConnection.ConnectAsync(ReplicationUser(password: "definitely-wrong"), Timeout()));

        Assert.Equal(1045, ex.ErrorCode);
        Assert.Equal("28000", ex.SqlState);
    }

    [ServerFact]
    public async Task ConnectAsync_Ed25519User_LogsInAfterAuthSwitch()
    {
        var user = "ed_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('ed pässword')", Timeout());
        try
        {
            var options = new MySqlConnectionOptions
            {
                Host = MariaDbServer.Host,
                Port = fixture.Server.Port,
                User = user,
                Password = "ed pässword",
                SslMode = MySqlSslMode.None,
            };

            await using (var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout()))
            {
                Assert.Equal("client_ed25519", connection.AuthPluginName);
                Assert.Equal($"{user}@%", Assert.Single(await connection.QueryAsync("SELECT CURRENT_USER()", Timeout()))[0]);
            }

            options.Password = "ed password";
            var ex = await Assert.ThrowsAsync<MySqlServerException>(() => MySqlProtocolConnection.ConnectAsync(options, Timeout()));
            Assert.Equal(1045, ex.ErrorCode);
        }
        finally
        {
            await fixture.Server.ExecuteAsync($"DROP USER '{user}'@'%'", Timeout());
        }
    }

    [ServerFact]
    public async Task ConnectAsync_TlsRequired_EncryptsTheConnection()
    {
        await using var connection = await MySqlProtocolConnection.ConnectAsync(ReplicationUser(MySqlSslMode.Required), Timeout());

        Assert.True(connection.IsSecure);
        var row = Assert.Single(await connection.QueryAsync("SHOW SESSION STATUS LIKE 'Ssl_version'", Timeout()));
        Assert.StartsWith("TLS", row[1], StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task ConnectAsync_VerifyFullWithCa_ValidatesTheServerCertificate()
    {
        var options = ReplicationUser(MySqlSslMode.VerifyFull);
        options.SslCaFile = fixture.Tls.CaCertificateFile;

        await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());
        Assert.True(connection.IsSecure);
    }

    [ServerFact]
    public async Task ConnectAsync_VerifyCAWithoutCa_RejectsUntrustedCertificate()
    {
        var ex = await Assert.ThrowsAsync<AuthenticationException>(
            () => MySqlProtocolConnection.ConnectAsync(ReplicationUser(MySqlSslMode.VerifyCA), Timeout()));
        Assert.Contains("ssl-ca", ex.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task ConnectAsync_UnixSocket_LogsIn()
    {
        var options = new MySqlConnectionOptions
        {
            UnixSocket = fixture.Server.SocketPath,
            User = "root",
            Password = fixture.Server.RootPassword,
        };

        await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());

        Assert.False(connection.IsSecure);
        Assert.Equal("1", Assert.Single(await connection.QueryAsync("SELECT 1", Timeout()))[0]);
    }

    [ServerFact]
    public async Task ExecuteAsync_ServerError_ConnectionStaysUsable()
    {
        await using var connection = await MySqlProtocolConnection.ConnectAsync(ReplicationUser(), Timeout());

        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => connection.ExecuteAsync("SELECT * FROM no_such_db.missing", Timeout()));
        Assert.True(ex.ErrorCode is 1142 or 1146 or 1049, $"Unexpected error {ex.ErrorCode}: {ex.ServerMessage}");

        Assert.Equal("2", Assert.Single(await connection.QueryAsync("SELECT 2", Timeout()))[0]);
    }

    [ServerFact]
    public async Task QueryAsync_ProcedureWithSeveralResultSets_ReturnsFirstAndDrainsTheRest()
    {
        var database = await fixture.CreateDatabaseAsync(Timeout());
        var options = new MySqlConnectionOptions
        {
            Host = MariaDbServer.Host,
            Port = fixture.Server.Port,
            User = "root",
            Password = fixture.Server.RootPassword,
            Database = database,
            SslMode = MySqlSslMode.None,
        };
        await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());
        await connection.ExecuteAsync("CREATE PROCEDURE two_results() BEGIN SELECT 'first'; SELECT 'second'; END", Timeout());

        var rows = await connection.QueryAsync("CALL two_results()", Timeout());
        Assert.Equal("first", Assert.Single(rows)[0]);

        // The second result set and the final OK were consumed: the next command lines up.
        await connection.ExecuteAsync("CALL two_results()", Timeout());
        Assert.Equal(database, Assert.Single(await connection.QueryAsync("SELECT DATABASE()", Timeout()))[0]);
    }

    [ServerFact]
    public async Task QueryAsync_ManyRows_ReadsThemAll()
    {
        // The sequence engine's virtual tables need a current database.
        var options = ReplicationUser(MySqlSslMode.Required);
        options.Database = await fixture.CreateDatabaseAsync(Timeout());
        await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());

        var rows = await connection.QueryAsync("SELECT seq, REPEAT('x', seq % 300) FROM seq_1_to_20000", Timeout());

        Assert.Equal(20_000, rows.Count);
        Assert.Equal("20000", rows[^1][0]);
        Assert.Equal(20_000 % 300, rows[^1][1]!.Length);
    }

    [ServerFact]
    public async Task QueryAsync_LargeValue_RoundTripsThroughSplitPackets()
    {
        await using var connection = await MySqlProtocolConnection.ConnectAsync(ReplicationUser(), Timeout());
        // 17 MiB in one value: the row packet and the reply are split into 0xFFFFFF-byte packets.
        var rows = await connection.QueryAsync("SELECT LENGTH(REPEAT('ab', 9000000)), REPEAT('ab', 9000000)", Timeout());

        var row = Assert.Single(rows);
        Assert.Equal("18000000", row[0]);
        Assert.Equal(18_000_000, row[1]!.Length);
    }
}
