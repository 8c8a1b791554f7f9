using System.Security.Authentication;
using VGate.MySql;
using VGate.MySql.Protocol;
using VGate.Testing;
using VGate.Testing.Network;

namespace VGate.IntegrationTests.Protocol;

/// <summary>
/// A MariaDB server with TLS and the <c>pam</c> plugin told to use <c>mysql_clear_password</c>
/// (<c>pam_use_cleartext_plugin</c>): the one server-side plugin here that asks a client for its password in clear text.
/// </summary>
public sealed class ClearPasswordServerFixture : MariaDbFixture, IDisposable
{
    private readonly TempDirectory _tlsDirectory;

    public ClearPasswordServerFixture()
        : this(TempDirectory.Create("vgate-source-tls"))
    {
    }

    private ClearPasswordServerFixture(TempDirectory tlsDirectory)
        : this(tlsDirectory, TestCertificates.Create(tlsDirectory.Path), TestCertificates.Create(Path.Combine(tlsDirectory.Path, "other")))
    {
    }

    private ClearPasswordServerFixture(TempDirectory tlsDirectory, TlsFiles tls, TlsFiles other)
        : base(new MariaDbServerOptions
        {
            Name = "source-tls",
            TlsCertificateFile = tls.ServerCertificateFile,
            TlsKeyFile = tls.ServerKeyFile,
            TlsCaFile = tls.CaCertificateFile,
            ExtraArguments = ["--plugin-load-add=auth_pam", "--pam-use-cleartext-plugin=ON"],
        })
    {
        _tlsDirectory = tlsDirectory;
        Tls = tls;
        OtherCa = other.CaCertificateFile;
    }

    /// <summary>The server's CA and certificate.</summary>
    public TlsFiles Tls { get; }

    /// <summary>A CA that did not issue the server's certificate (what a man in the middle's certificate would chain to).</summary>
    public string OtherCa { get; }

    public void Dispose() => _tlsDirectory.Dispose();
}

/// <summary>
/// Source TLS against a real server: a CA in the URI means the certificate is verified, a wrong CA fails clearly, and a
/// password the server wants in clear text goes only over verified TLS.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SourceTlsTests(ClearPasswordServerFixture fixture) : IClassFixture<ClearPasswordServerFixture>
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private string Uri(string query, string? user = null, string? password = null) =>
        $"mysql://{user ?? fixture.Server.ReplicationUser}:{System.Uri.EscapeDataString(password ?? fixture.Server.ReplicationPassword)}" +
        $"@{MariaDbServer.Host}:{fixture.Server.Port}{query}";

    [ServerFact]
    public async Task ConnectAsync_CaGivenWithoutMode_VerifiesTheCertificateAndConnects()
    {
        var options = MySqlConnectionOptions.Parse(Uri($"?ssl-ca={System.Uri.EscapeDataString(fixture.Tls.CaCertificateFile)}"));
        Assert.Equal(MySqlSslMode.VerifyCA, options.SslMode);

        await using var connection = await MySqlProtocolConnection.ConnectAsync(options, Timeout());

        Assert.Equal(MySqlTransportSecurity.VerifiedTls, connection.TransportSecurity);
        var row = Assert.Single(await connection.QueryAsync("SHOW SESSION STATUS LIKE 'Ssl_version'", Timeout()));
        Assert.StartsWith("TLS", row[1], StringComparison.Ordinal);
    }

    [ServerTheory]
    [InlineData("verify-ca")]
    [InlineData("verify-identity")]
    public async Task ConnectAsync_WrongCa_FailsNamingTheChainAndTheOption(string mode)
    {
        var options = MySqlConnectionOptions.Parse(Uri($"?ssl-mode={mode}&ssl-ca={System.Uri.EscapeDataString(fixture.OtherCa)}"));

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => MySqlProtocolConnection.ConnectAsync(options, Timeout()));

        Assert.Contains("RemoteCertificateChainErrors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ssl-ca", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{MariaDbServer.Host}:{fixture.Server.Port}", ex.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task ConnectAsync_Preferred_IsUnverifiedTls()
    {
        await using var connection = await MySqlProtocolConnection.ConnectAsync(MySqlConnectionOptions.Parse(Uri("")), Timeout());

        Assert.Equal(MySqlTransportSecurity.UnverifiedTls, connection.TransportSecurity);
        Assert.NotNull(MySqlConnectionOptions.Parse(Uri("")).DescribeTransportRisk());
    }

    [ServerTheory]
    [InlineData("?ssl-mode=disabled", "ssl-mode=verify-identity")]
    [InlineData("?ssl-mode=required", "ssl-mode Required")]
    [InlineData("", "ssl-mode Preferred")]
    public async Task ConnectAsync_ClearPasswordPluginOverPlaintextOrUnverifiedTls_RefusesToSendIt(string query, string expected)
    {
        var user = await CreatePamUserAsync();

        var ex = await Assert.ThrowsAsync<AuthenticationException>(
            () => MySqlProtocolConnection.ConnectAsync(MySqlConnectionOptions.Parse(Uri(query, user, "Pam/?@#%Secret")), Timeout()));

        Assert.Contains("mysql_clear_password", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Pam/", ex.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task ConnectAsync_ClearPasswordPluginOverVerifiedTls_SendsItAndTheServerDecides()
    {
        // No PAM service of that name exists, so the server refuses the login after receiving the password: the refusal
        // comes from the server (1045), not from VGate.
        var user = await CreatePamUserAsync();
        var options = MySqlConnectionOptions.Parse(Uri($"?ssl-ca={System.Uri.EscapeDataString(fixture.Tls.CaCertificateFile)}", user, "Pam/?@#%Secret"));

        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => MySqlProtocolConnection.ConnectAsync(options, Timeout()));

        Assert.Equal(1045, ex.ErrorCode);
    }

    // Every connection VGate opens to a source (binlog, schema, positions, health checks, copy phase, SHOW TABLES,
    // prepared XA) is a MySqlProtocolConnection. The tests above reach the server on loopback; these reach it through a
    // proxy on one of this machine's own non-loopback addresses, so the client sees a peer that could be a man in the
    // middle (some clients, MySqlConnector among them, trust loopback peers with a clear-text password), and traffic
    // stays on this machine.
    private static TcpFaultProxy StartRemoteLookingProxy(int port)
    {
        var address = LocalAddresses.FirstNonLoopbackIPv4()
            ?? throw new InvalidOperationException("This machine has no non-loopback IPv4 interface; the test needs one to look remote to the client.");
        return TcpFaultProxy.Start(MariaDbServer.Host, port, new ProxyOptions { ListenAddress = address });
    }

    private static string RemoteUri(TcpFaultProxy proxy, string query, string user, string password) =>
        $"mysql://{user}:{System.Uri.EscapeDataString(password)}@{proxy.Host}:{proxy.Port}{query}";

    [ServerTheory]
    [InlineData("?ssl-mode=required")]
    [InlineData("?ssl-mode=preferred")]
    public async Task ConnectAsync_ClearPasswordPluginOverUnverifiedTlsToARemotePeer_RefusesToSendIt(string query)
    {
        var user = await CreatePamUserAsync();
        await using var proxy = StartRemoteLookingProxy(fixture.Server.Port);
        var options = MySqlConnectionOptions.Parse(RemoteUri(proxy, query, user, "Pam/?@#%Secret"));

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => MySqlProtocolConnection.ConnectAsync(options, Timeout()));

        Assert.Contains("mysql_clear_password", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Pam/", ex.Message, StringComparison.Ordinal);
        Assert.True(proxy.AcceptedConnections > 0, "the connection went through the proxy");
    }

    [ServerFact]
    public async Task ConnectAsync_ClearPasswordPluginOverVerifiedTlsToARemotePeer_SendsItAndTheServerDecides()
    {
        var user = await CreatePamUserAsync();
        await using var proxy = StartRemoteLookingProxy(fixture.Server.Port);
        var options = MySqlConnectionOptions.Parse(
            RemoteUri(proxy, $"?ssl-ca={System.Uri.EscapeDataString(fixture.Tls.CaCertificateFile)}", user, "Pam/?@#%Secret"));

        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => MySqlProtocolConnection.ConnectAsync(options, Timeout()));

        Assert.Equal(1045, ex.ErrorCode);
    }

    private async Task<string> CreatePamUserAsync()
    {
        var user = "pam_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED VIA pam USING 'vgate-test-no-such-service'", Timeout());
        return user;
    }
}
