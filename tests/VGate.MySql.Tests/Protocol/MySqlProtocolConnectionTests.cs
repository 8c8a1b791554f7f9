using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using VGate.MySql.Protocol;

namespace VGate.MySql.Tests.Protocol;

public sealed class MySqlProtocolConnectionTests
{
    // Generous bound so a hang fails the test instead of blocking the run.
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private static MySqlConnectionOptions Options(FakeMySqlServer server, string? password = null, MySqlSslMode sslMode = MySqlSslMode.None) => new()
    {
        Host = "127.0.0.1",
        Port = server.Port,
        User = server.User,
        Password = password ?? server.Password,
        SslMode = sslMode,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    private static CancellationToken Timeout() => new CancellationTokenSource(TestTimeout).Token;

    [Fact]
    public async Task ConnectAsync_CachingSha2FastPath_LogsIn()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server), Timeout());

        Assert.Equal(FakeMySqlServer.ServerVersion, connection.ServerVersion);
        Assert.Equal(42u, connection.ConnectionId);
        Assert.False(connection.IsMariaDb);
        Assert.False(connection.IsSecure);
        Assert.Equal("caching_sha2_password", connection.AuthPluginName);
        Assert.Equal("VGate", server.LastAttributes["_client_name"]);
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task ConnectAsync_WrongPassword_ThrowsServerError1045()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath);
        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => MySqlProtocolConnection.ConnectAsync(Options(server, password: "wrong"), Timeout()));

        Assert.Equal(1045, ex.ErrorCode);
        Assert.Equal("28000", ex.SqlState);
        Assert.Contains("Access denied", ex.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_AuthSwitchToNativePassword_LogsInWithNewNonce()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.SwitchToNativePassword);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server), Timeout());

        Assert.Equal("mysql_native_password", connection.AuthPluginName);
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task ConnectAsync_AuthSwitchWithWrongPassword_ThrowsServerError1045()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.SwitchToNativePassword);
        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => MySqlProtocolConnection.ConnectAsync(Options(server, password: "nope"), Timeout()));
        Assert.Equal(1045, ex.ErrorCode);
    }

    [Fact]
    public async Task ConnectAsync_FullAuthWithPublicKeyRetrieval_SendsRsaEncryptedPassword()
    {
        using var rsa = RSA.Create(2048);
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FullAuth, rsaKey: rsa);
        var options = Options(server);
        options.AllowPublicKeyRetrieval = true;

        await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());

        Assert.True(server.LastFullAuthUsedRsa);
        Assert.Equal("caching_sha2_password", connection.AuthPluginName);
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task ConnectAsync_FullAuthWithRsaKeyFile_SendsRsaEncryptedPassword()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(keyFile, rsa.ExportSubjectPublicKeyInfoPem());
            await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FullAuth, rsaKey: rsa);
            var options = Options(server);
            options.ServerRsaPublicKeyFile = keyFile;

            await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());

            Assert.True(server.LastFullAuthUsedRsa);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task ConnectAsync_FullAuthWithRsaAndWrongPassword_ThrowsServerError1045()
    {
        using var rsa = RSA.Create(2048);
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FullAuth, rsaKey: rsa);
        var options = Options(server, password: "not-it");
        options.AllowPublicKeyRetrieval = true;

        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => MySqlProtocolConnection.ConnectAsync(options, Timeout()));
        Assert.Equal(1045, ex.ErrorCode);
    }

    [Fact]
    public async Task ConnectAsync_FullAuthWithoutTlsOrKey_ThrowsWithAdvice()
    {
        using var rsa = RSA.Create(2048);
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FullAuth, rsaKey: rsa);

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => MySqlProtocolConnection.ConnectAsync(Options(server), Timeout()));

        Assert.Contains("allow-public-key-retrieval", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ssl-mode=verify-identity", ex.Message, StringComparison.Ordinal);
        Assert.Contains("server-public-key-path", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_FullAuthOverVerifiedTls_SendsClearPassword()
    {
        using var certificate = FakeMySqlServer.CreateSelfSignedCertificate();
        var caFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
            await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FullAuth, certificate: certificate);
            var options = Options(server, sslMode: MySqlSslMode.VerifyCA);
            options.SslCaFile = caFile;

            await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());

            Assert.True(connection.IsSecure);
            Assert.Equal(MySqlTransportSecurity.VerifiedTls, connection.TransportSecurity);
            Assert.False(server.LastFullAuthUsedRsa);
            Assert.Empty(server.Errors);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Theory]
    [InlineData(MySqlSslMode.Required)]
    [InlineData(MySqlSslMode.Preferred)]
    public async Task ConnectAsync_FullAuthOverUnverifiedTls_RefusesToSendThePassword(MySqlSslMode mode)
    {
        // A man in the middle with its own certificate would be "the server" here: the clear-text password must not go out.
        using var certificate = FakeMySqlServer.CreateSelfSignedCertificate();
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FullAuth, certificate: certificate);

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => MySqlProtocolConnection.ConnectAsync(Options(server, sslMode: mode), Timeout()));

        Assert.Contains("verify-identity", ex.Message, StringComparison.Ordinal);
        Assert.Contains("caching_sha2_password", ex.Message, StringComparison.Ordinal);
        Assert.Null(server.LastFullAuthUsedRsa);
    }

    [Fact]
    public async Task ConnectAsync_PreferredWithTlsOffered_UsesTls()
    {
        using var certificate = FakeMySqlServer.CreateSelfSignedCertificate();
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath, certificate: certificate);

        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server, sslMode: MySqlSslMode.Preferred), Timeout());

        Assert.True(connection.IsSecure);
    }

    [Fact]
    public async Task ConnectAsync_PreferredWithoutTlsOffered_ConnectsInClear()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server, sslMode: MySqlSslMode.Preferred), Timeout());
        Assert.False(connection.IsSecure);
    }

    [Fact]
    public async Task ConnectAsync_NoneWithTlsOffered_ConnectsInClear()
    {
        using var certificate = FakeMySqlServer.CreateSelfSignedCertificate();
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath, certificate: certificate);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server, sslMode: MySqlSslMode.None), Timeout());
        Assert.False(connection.IsSecure);
    }

    [Theory]
    [InlineData(MySqlSslMode.Required)]
    [InlineData(MySqlSslMode.VerifyCA)]
    [InlineData(MySqlSslMode.VerifyFull)]
    public async Task ConnectAsync_TlsRequiredButNotOffered_Throws(MySqlSslMode mode)
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath);
        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => MySqlProtocolConnection.ConnectAsync(Options(server, sslMode: mode), Timeout()));
        Assert.Contains("does not offer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_VerifyCAWithUntrustedSelfSignedCertificate_Throws()
    {
        using var certificate = FakeMySqlServer.CreateSelfSignedCertificate();
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath, certificate: certificate);

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => MySqlProtocolConnection.ConnectAsync(Options(server, sslMode: MySqlSslMode.VerifyCA), Timeout()));
        Assert.Contains("ssl-ca", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_VerifyCAWithCaFile_AcceptsCertificateDespiteHostName()
    {
        // The certificate names "localhost"; connecting to 127.0.0.1 is a name mismatch, which VerifyCA ignores.
        using var certificate = FakeMySqlServer.CreateSelfSignedCertificate();
        var caFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
            await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath, certificate: certificate);
            var options = Options(server, sslMode: MySqlSslMode.VerifyCA);
            options.SslCaFile = caFile;

            await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());
            Assert.True(connection.IsSecure);

            options.SslMode = MySqlSslMode.VerifyFull;
            var ex = await Assert.ThrowsAsync<AuthenticationException>(() => MySqlProtocolConnection.ConnectAsync(options, Timeout()));
            Assert.Contains("RemoteCertificateNameMismatch", ex.Message, StringComparison.Ordinal);

            options.Host = "localhost";
            await using var verified = await MySqlProtocolConnection.ConnectAsync(options, Timeout());
            Assert.True(verified.IsSecure);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task ConnectAsync_ServerClosesMidHandshake_ThrowsEndOfStream()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CloseMidHandshake);
        var ex = await Assert.ThrowsAsync<EndOfStreamException>(() => MySqlProtocolConnection.ConnectAsync(Options(server), Timeout()));
        Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_ServerNeverSpeaks_TimesOut()
    {
        // A listener that accepts (via the backlog) but never sends a handshake.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var options = new MySqlConnectionOptions
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)listener.LocalEndpoint).Port,
            User = "x",
            SslMode = MySqlSslMode.None,
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
        };

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => MySqlProtocolConnection.ConnectAsync(options, Timeout()));
        Assert.Contains("127.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task QueryAsync_TextResultSet_ReturnsRowsWithNulls(bool deprecateEof)
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath, deprecateEof: deprecateEof);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server), Timeout());

        Assert.Equal(deprecateEof, connection.DeprecateEof);
        var rows = await connection.QueryAsync("SELECT rows", Timeout());

        Assert.Equal(2, rows.Count);
        Assert.Equal<IEnumerable<string?>>(["1", "one", null], rows[0]);
        Assert.Equal<IEnumerable<string?>>(["2", null, "zwei"], rows[1]);

        // The connection is usable afterwards: the result set was read to its end.
        await connection.ExecuteAsync("SET @x = 1", Timeout());
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task ExecuteAsync_ResultSet_IsDiscarded()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server), Timeout());

        await connection.ExecuteAsync("SELECT rows", Timeout());
        var rows = await connection.QueryAsync("SELECT rows", Timeout());

        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task ExecuteAsync_ServerError_ThrowsAndConnectionStaysUsable()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server), Timeout());

        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => connection.ExecuteAsync("FAIL", Timeout()));
        Assert.Equal(1064, ex.ErrorCode);
        Assert.Equal("42000", ex.SqlState);

        Assert.Empty(await connection.QueryAsync("DO 1", Timeout()));
    }

    [Theory]
    [InlineData(PacketChannel.MaxPacketPayload - 1)]
    [InlineData(PacketChannel.MaxPacketPayload)]
    [InlineData((PacketChannel.MaxPacketPayload * 2) + 1000)]
    public async Task WriteCommandAsync_LargePayload_RoundTripsThroughSplitPackets(int size)
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath);
        await using var connection = await MySqlProtocolConnection.ConnectAsync(Options(server), Timeout());
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        payload[0] = FakeMySqlServer.EchoCommand;

        await connection.WriteCommandAsync(payload, Timeout());
        var echoed = await connection.ReadPacketAsync(Timeout());

        Assert.Equal(size, echoed.Length);
        Assert.True(echoed.Span.SequenceEqual(payload));
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task DisposeAsync_WhileReadPending_FailsTheRead()
    {
        await using var server = new FakeMySqlServer(FakeAuthMode.CachingSha2FastPath);
        var connection = await MySqlProtocolConnection.ConnectAsync(Options(server), Timeout());

        // Nothing will arrive: the server waits for a command.
        var read = connection.ReadPacketAsync(Timeout()).AsTask();
        await connection.DisposeAsync();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => read);
        Assert.True(ex is ObjectDisposedException or IOException, ex.ToString());
    }
}
