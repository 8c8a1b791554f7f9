using System.Diagnostics;
using MySqlConnector;
using VGate.Testing;

namespace VGate.IntegrationTests.Infrastructure;

/// <summary>
/// Smoke tests of the shared test infrastructure itself: every other integration test relies on these servers
/// being configured as VGate's sources must be. Read-only checks use the shared fixture; tests that kill,
/// restart, rotate or reconfigure start their own server (a copy of the template datadir starts in well under a
/// second).
/// </summary>
[Trait("Category", "Integration")]
public sealed class MariaDbServerTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [ServerFact]
    public async Task StartAsync_DefaultOptions_EnablesRowBinlogWithFullImageAndMetadata()
    {
        var server = fixture.Server;

        var row = Assert.Single(await server.QueryAsync(
            "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata, @@server_id, @@gtid_domain_id"));

        Assert.Equal(1L, Convert.ToInt64(row[0]));
        Assert.Equal("ROW", row[1]);
        Assert.Equal("FULL", row[2]);
        Assert.Equal("FULL", row[3]);
        Assert.Equal((long)server.ServerId, Convert.ToInt64(row[4]));
        Assert.Equal((long)server.GtidDomainId, Convert.ToInt64(row[5]));
        Assert.Contains("MariaDB", server.ServerVersion, StringComparison.Ordinal);
        Assert.Equal(server.ServerVersion, await server.ScalarAsync<string>("SELECT VERSION()"));
    }

    [ServerFact]
    public async Task StartAsync_NewServer_BinlogHasNoTransactionsFromSetup()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "fresh" });

        var (file, position) = await server.GetBinlogPositionAsync();

        Assert.Matches(@"^binlog\.\d{6}$", file);
        Assert.True(position > 0);
        Assert.True(File.Exists(Path.Combine(server.BinlogDirectory, file)));
        Assert.Equal("", await server.GetGtidBinlogPosAsync());
        Assert.Equal("", await server.GetGtidCurrentPosAsync());
    }

    [ServerFact]
    public async Task StartAsync_ExplicitIds_UsesRequestedServerIdAndGtidDomainId()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { ServerId = 4242, GtidDomainId = 42, Name = "ids" });

        Assert.Equal(4242L, await server.ScalarAsync<long>("SELECT @@server_id"));
        Assert.Equal(42L, await server.ScalarAsync<long>("SELECT @@gtid_domain_id"));

        await server.ExecuteAsync("CREATE DATABASE ids_db; CREATE TABLE ids_db.t (id INT PRIMARY KEY); INSERT INTO ids_db.t VALUES (1)");
        var gtid = await server.GetGtidCurrentPosAsync();
        Assert.Matches(@"^42-4242-\d+$", gtid);
    }

    [ServerFact]
    public async Task ReplicationUser_WithPassword_LogsInWithReplicationPrivileges()
    {
        var server = fixture.Server;

        await using (var connection = await server.OpenConnectionAsync(root: false))
        {
            using var whoAmI = new MySqlCommand("SELECT CURRENT_USER()", connection);
            Assert.Equal($"{MariaDbServer.ReplicationUserName}@%", await whoAmI.ExecuteScalarAsync());

            using var grants = new MySqlCommand("SHOW GRANTS", connection);
            var grant = (string)(await grants.ExecuteScalarAsync())!;
            Assert.Contains("REPLICATION SLAVE", grant, StringComparison.Ordinal);
            Assert.Contains("BINLOG MONITOR", grant, StringComparison.Ordinal);
            Assert.Contains("SELECT", grant, StringComparison.Ordinal);

            // BINLOG MONITOR is what SHOW MASTER STATUS needs.
            using var status = new MySqlCommand("SHOW MASTER STATUS", connection);
            await using var reader = await status.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
        }

        var uri = server.ReplicationUri;
        Assert.Equal("mysql", uri.Scheme);
        Assert.Equal($"{server.ReplicationUser}:{server.ReplicationPassword}", uri.UserInfo);
        Assert.Equal(server.Port, uri.Port);

        var wrongPassword = new MySqlConnectionStringBuilder(server.ConnectionString(root: false)) { Password = "not-the-password" };
        await using var rejected = new MySqlConnection(wrongPassword.ConnectionString);
        var error = await Assert.ThrowsAsync<MySqlException>(() => rejected.OpenAsync());
        Assert.Equal(MySqlErrorCode.AccessDenied, error.ErrorCode);
    }

    [ServerFact]
    public async Task StartAsync_TwoServersAtOnce_GetDistinctPortsDirectoriesAndIds()
    {
        var starting = new[] { MariaDbServer.StartAsync(), MariaDbServer.StartAsync() };
        await Task.WhenAll(starting);
        await using var first = await starting[0];
        await using var second = await starting[1];

        Assert.NotEqual(first.Port, second.Port);
        Assert.NotEqual(first.DataDirectory, second.DataDirectory);
        Assert.NotEqual(first.ServerId, second.ServerId);
        Assert.NotEqual(first.GtidDomainId, second.GtidDomainId);
        Assert.Equal((long)first.Port, await first.ScalarAsync<long>("SELECT @@port"));
        Assert.Equal((long)second.Port, await second.ScalarAsync<long>("SELECT @@port"));
    }

    [ServerFact]
    public async Task StartAsync_StatementFormat_ServerLogsStatements()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { BinlogFormat = BinlogFormat.Statement, Name = "stmt" });

        Assert.Equal("STATEMENT", await server.ScalarAsync<string>("SELECT @@GLOBAL.binlog_format"));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT @@log_bin"));
    }

    [ServerFact]
    public async Task StartAsync_LogBinOff_BinlogDisabled()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { LogBin = false, Name = "nobin" });

        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT @@log_bin"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.GetBinlogPositionAsync());
    }

    [ServerFact]
    public async Task KillAsync_RunningServer_ConnectionsFail()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "kill" });
        await using var open = await server.OpenConnectionAsync();
        var pid = server.ProcessId!.Value;

        await server.KillAsync();

        Assert.False(server.IsRunning);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        using var query = new MySqlCommand("SELECT 1", open);
        await Assert.ThrowsAnyAsync<Exception>(() => query.ExecuteScalarAsync());
        var error = await Assert.ThrowsAsync<MySqlException>(() => server.OpenConnectionAsync());
        Assert.Equal(MySqlErrorCode.UnableToConnectToHost, error.ErrorCode);
    }

    [ServerFact]
    public async Task RestartAsync_AfterKill_ComesBackOnSamePortWithSameData()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "restart" });
        var port = server.Port;
        await server.ExecuteAsync("CREATE DATABASE r; CREATE TABLE r.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO r.t VALUES (1, 'before kill')");
        var gtidBefore = await server.GetGtidCurrentPosAsync();

        await server.KillAsync();
        await server.RestartAsync();

        Assert.True(server.IsRunning);
        Assert.Equal(port, server.Port);
        Assert.Equal((long)port, await server.ScalarAsync<long>("SELECT @@port"));
        Assert.Equal("before kill", await server.ScalarAsync<string>("SELECT v FROM r.t WHERE id = 1"));
        Assert.Equal(gtidBefore, await server.GetGtidCurrentPosAsync());
    }

    [ServerFact]
    public async Task RestartAsync_WhileRunning_StopsCleanlyAndKeepsDataAndPasswords()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "graceful" });
        await server.ExecuteAsync("CREATE DATABASE g; CREATE TABLE g.t (id INT PRIMARY KEY); INSERT INTO g.t VALUES (7)");
        var pidBefore = server.ProcessId;

        await server.RestartAsync();

        Assert.NotEqual(pidBefore, server.ProcessId);
        Assert.Equal(7L, await server.ScalarAsync<long>("SELECT id FROM g.t"));
        await using var replication = await server.OpenConnectionAsync(root: false);
        Assert.Equal(System.Data.ConnectionState.Open, replication.State);
        var log = await File.ReadAllTextAsync(server.LogFile);
        Assert.Contains("Shutdown complete", log, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task MaxBinlogSize_Small_RotatesIntoSeveralFilesAndPurgeKeepsCurrent()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { MaxBinlogSize = 4096, Name = "rotate" });
        await server.ExecuteAsync("CREATE DATABASE rot; CREATE TABLE rot.t (id INT PRIMARY KEY, payload TEXT)");

        for (var i = 0; i < 12; i++)
        {
            await server.ExecuteAsync($"INSERT INTO rot.t VALUES ({i}, REPEAT('x', 1500))");
        }

        var logs = await server.GetBinaryLogsAsync();
        Assert.True(logs.Count >= 3, $"expected at least 3 binlog files, got {logs.Count}");
        Assert.All(logs, log => Assert.True(File.Exists(Path.Combine(server.BinlogDirectory, log.File)), log.File));

        var (current, _) = await server.GetBinlogPositionAsync();
        await server.PurgeAllButCurrentAsync();

        var remaining = Assert.Single(await server.GetBinaryLogsAsync());
        Assert.Equal(current, remaining.File);
        Assert.False(File.Exists(Path.Combine(server.BinlogDirectory, logs[0].File)));
    }

    [ServerFact]
    public async Task FlushLogsAsync_Rotates_ToNextFileAndPurgeToRemovesOlder()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "flush" });
        var (before, _) = await server.GetBinlogPositionAsync();

        await server.FlushLogsAsync();
        var (after, _) = await server.GetBinlogPositionAsync();
        await server.PurgeBinaryLogsToAsync(after);

        Assert.True(string.CompareOrdinal(after, before) > 0, $"{after} should follow {before}");
        Assert.Equal(after, Assert.Single(await server.GetBinaryLogsAsync()).File);
    }

    [ServerFact]
    public async Task CreateDatabaseAsync_CalledTwice_CreatesDistinctDatabases()
    {
        var first = await fixture.CreateDatabaseAsync();
        var second = await fixture.CreateDatabaseAsync();

        Assert.NotEqual(first, second);
        Assert.Matches("^t_[0-9a-f]{8}$", first);
        var databases = (await fixture.Server.QueryAsync("SHOW DATABASES")).Select(r => (string)r[0]!).ToList();
        Assert.Contains(first, databases);
        Assert.Contains(second, databases);
    }

    [ServerFact]
    public async Task DisposeAsync_RunningServer_KillsProcessAndDeletesDirectory()
    {
        var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "dispose" });
        var pid = server.ProcessId!.Value;
        var directory = server.RootDirectory;
        Assert.True(Directory.Exists(directory));

        await server.DisposeAsync();

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        if (Environment.GetEnvironmentVariable("VGATE_KEEP_TEST_SERVERS") != "1")
        {
            Assert.False(Directory.Exists(directory));
        }
    }

    [ServerFact]
    public async Task StartAsync_ReplicationUserUsesEd25519_UserAuthenticatesWithEd25519()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { ReplicationUserUsesEd25519 = true, Name = "ed25519" });

        Assert.Equal("ACTIVE", await server.ScalarAsync<string>("SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'"));
        Assert.Equal("ed25519", await server.ScalarAsync<string>($"SELECT plugin FROM mysql.user WHERE User = '{MariaDbServer.ReplicationUserName}'"));
    }

    [ServerFact]
    public async Task StartAsync_TlsFiles_AcceptsTlsConnections()
    {
        using var certificates = TempDirectory.Create("vgate-tls");
        var tls = TestCertificates.Create(certificates.Path);
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions
        {
            TlsCertificateFile = tls.ServerCertificateFile,
            TlsKeyFile = tls.ServerKeyFile,
            TlsCaFile = tls.CaCertificateFile,
            Name = "tls",
        });

        var builder = new MySqlConnectionStringBuilder(server.ConnectionString(root: false))
        {
            SslMode = MySqlSslMode.VerifyCA,
            SslCa = tls.CaCertificateFile,
        };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        using var cipher = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_cipher'", connection);
        await using var reader = await cipher.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.NotEqual("", reader.GetString(1));
    }

    [ServerFact]
    public async Task StartAsync_ServerRejectsOption_ThrowsWithServerLogTailAndCleansUp()
    {
        var before = Directory.GetDirectories(Path.GetDirectoryName(fixture.Server.RootDirectory)!, "*-badopt-*");

        var error = await Assert.ThrowsAsync<MariaDbServerException>(
            () => MariaDbServer.StartAsync(new MariaDbServerOptions { ExtraArguments = ["--no-such-option=1"], Name = "badopt" }));

        Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-option", error.Message, StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("VGATE_KEEP_TEST_SERVERS") != "1")
        {
            Assert.Equal(before, Directory.GetDirectories(Path.GetDirectoryName(fixture.Server.RootDirectory)!, "*-badopt-*"));
        }
    }

    [Fact]
    public void Validate_InconsistentOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MariaDbServerOptions { MaxBinlogSize = 100 }.Validate());
        Assert.Throws<ArgumentException>(() => new MariaDbServerOptions { TlsCertificateFile = "/nonexistent/cert.pem" }.Validate());
        Assert.Throws<ArgumentException>(() => new MariaDbServerOptions { ExtraArguments = ["max-connections=5"] }.Validate());
        Assert.Throws<ArgumentException>(() => new MariaDbServerOptions { Name = "has space" }.Validate());
        new MariaDbServerOptions { MaxBinlogSize = 4096, ExtraArguments = ["--max-connections=5"], Name = "ok-1" }.Validate();
    }

    [ServerFact]
    public async Task Eventually_ServerCatchesUp_ReturnsOnceConditionHolds()
    {
        var server = fixture.Server;
        var database = await fixture.CreateDatabaseAsync();
        await server.ExecuteAsync($"CREATE TABLE {database}.counter (n INT)");
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await server.ExecuteAsync($"INSERT INTO {database}.counter VALUES ({i})");
            }
        });

        var count = await Eventually.UntilAsync(
            () => server.ScalarAsync<long>($"SELECT COUNT(*) FROM {database}.counter"),
            n => n == 5,
            TestDeadline.Default);

        await writer;
        Assert.Equal(5L, count);
    }
}
