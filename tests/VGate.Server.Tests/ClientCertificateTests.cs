using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vtgate;
using VGate.Gateway;
using VGate.Server.Execute;
using VGate.Server.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.Server.Tests;

/// <summary>
/// TLS and client certificates on real Kestrel with Grpc.Net.Client, certificates made in the test: a certificate whose
/// CN names a <c>ClientCertificate</c> user is that user (its Allow list applies), unknown or foreign certificates are
/// refused, and a renewed server certificate or users file is used without a restart. Also the start-up checks of the
/// TLS files.
/// </summary>
public sealed class ClientCertificateTests : IDisposable
{
    private const string Users = """
        [
          {"Username": "reporter", "ClientCertificate": true, "Allow": ["commerce.*"]},
          {"Username": "cdc", "Password": "cdc-pw"}
        ]
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"vgate-mtls-{Guid.NewGuid():N}");
    private readonly TestPki _pki = new("VGate Test CA");
    private readonly TestPki _foreignPki = new("Other CA");

    public ClientCertificateTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        _pki.Dispose();
        _foreignPki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private Dictionary<string, string?> TlsSettings(string mode, bool usersFile = true)
    {
        var (certificate, key, issued) = _pki.Server();
        issued.Dispose();
        var settings = new Dictionary<string, string?>
        {
            ["VGate:Server:TlsCertificateFile"] = Write("server.pem", certificate),
            ["VGate:Server:TlsKeyFile"] = Write("server-key.pem", key),
            ["VGate:Server:ClientCertificateMode"] = mode,
            ["VGate:Server:ClientCaFile"] = Write("client-ca.pem", _pki.CaPem),
            ["VGate:Server:ReloadInterval"] = "00:00:00.050",
        };
        if (usersFile)
            settings["VGate:Server:UsersFile"] = Write("users.json", Users);
        return settings;
    }

    /// <summary>Replaces a file in one step (write aside, rename over), as an operator or a secret mount renews it.</summary>
    private static void Replace(string path, string text)
    {
        File.WriteAllText(path + ".new", text);
        File.Move(path + ".new", path, overwrite: true);
    }

    private static ExecuteRequest Show(string sql) => new() { Query = new Query.BoundQuery { Sql = sql } };

    private static List<string> Rows(ExecuteResponse response) =>
        [.. response.Result.Rows.Select(r => Encoding.UTF8.GetString(r.Values.ToByteArray()))];

    [Fact]
    public async Task RequireCertificate_CertificateOfUser_ItsAllowListApplies()
    {
        await using var host = await KestrelHost.StartAsync(TlsSettings("RequireCertificate"));
        using var certificate = _pki.Client("reporter");
        using var channel = host.Channel(_pki.Ca, certificate);
        var client = new Vtgateservice.Vitess.VitessClient(channel);

        var shards = await client.ExecuteAsync(Show("SHOW VITESS_SHARDS"));
        using var call = client.VStream(new VStreamRequest { Vgtid = new Binlogdata.VGtid { ShardGtids = { new Binlogdata.ShardGtid { Keyspace = "customer", Gtid = "current" } } } });
        var denied = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(["commerce/0"], Rows(shards));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("user reporter may not read keyspace customer", denied.Status.Detail);
    }

    [Fact]
    public async Task RequireCertificate_CertificateNamingNoCertificateUser_PermissionDenied()
    {
        await using var host = await KestrelHost.StartAsync(TlsSettings("RequireCertificate"));
        // "cdc" is a password user: a certificate with its name does not log it in.
        using var certificate = _pki.Client("cdc");
        using var channel = host.Channel(_pki.Ca, certificate);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Vtgateservice.Vitess.VitessClient(channel).ExecuteAsync(Show("SHOW DATABASES")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("client certificate CN=cdc is not a ClientCertificate user", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireCertificate_NoOrForeignCertificate_HandshakeRefused()
    {
        await using var host = await KestrelHost.StartAsync(TlsSettings("RequireCertificate"), new LogSink { ExpectedErrors = _ => true });
        using var foreign = _foreignPki.Client("reporter");
        using var without = host.Channel(_pki.Ca, null);
        using var withForeign = host.Channel(_pki.Ca, foreign);

        var noCertificate = await Assert.ThrowsAsync<RpcException>(async () => await new Vtgateservice.Vitess.VitessClient(without).ExecuteAsync(Show("SHOW DATABASES"), new Metadata { { "username", "cdc" }, { "password", "cdc-pw" } }));
        var foreignCertificate = await Assert.ThrowsAsync<RpcException>(async () => await new Vtgateservice.Vitess.VitessClient(withForeign).ExecuteAsync(Show("SHOW DATABASES")));

        // The TLS handshake fails, so no call reaches the service (the client reports the failed connection as
        // UNAVAILABLE or INTERNAL depending on where the handshake broke).
        Assert.Contains(noCertificate.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.Contains(foreignCertificate.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        // A transport failure on the client's side, not an answer of the service: with TLS 1.2 the handshake itself fails
        // ("The SSL connection could not be established"); with TLS 1.3 the server checks the certificate after the
        // client's handshake completed and resets the connection, so the client sees a reset on its first request.
        Assert.IsType<HttpRequestException>(noCertificate.Status.DebugException, exactMatch: false);
        // The server logs the rejection on its side of the handshake, which may finish after the client has given up.
        await Eventually.AssertAsync(
            () => Assert.Contains(host.Logs.Records, r => r.EventId.Name == "ClientCertificateRejected" && r.Message.Contains("CN=reporter", StringComparison.Ordinal)),
            TestDeadline.Default);
    }

    [Fact]
    public async Task AllowCertificate_PasswordUsersStillLogIn()
    {
        await using var host = await KestrelHost.StartAsync(TlsSettings("AllowCertificate"));
        using var channel = host.Channel(_pki.Ca, null);
        var client = new Vtgateservice.Vitess.VitessClient(channel);

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.ExecuteAsync(Show("SHOW DATABASES")));
        var answered = await client.ExecuteAsync(Show("SHOW DATABASES"), new Metadata { { "username", "cdc" }, { "password", "cdc-pw" } });

        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Equal(["commerce", "customer"], Rows(answered));
    }

    [Fact]
    public async Task RequireCertificateWithoutUsersFile_AnyCertificateOfTheCaReadsEverything()
    {
        await using var host = await KestrelHost.StartAsync(TlsSettings("RequireCertificate", usersFile: false));
        using var certificate = _pki.Client("anyone");
        using var channel = host.Channel(_pki.Ca, certificate);

        var answered = await new Vtgateservice.Vitess.VitessClient(channel).ExecuteAsync(Show("SHOW DATABASES"));

        Assert.Equal(["commerce", "customer"], Rows(answered));
    }

    [Fact]
    public async Task ServerCertificateAndUsersFile_Renewed_UsedWithoutRestart()
    {
        var settings = TlsSettings("AllowCertificate");
        await using var host = await KestrelHost.StartAsync(settings);
        using var reporter = _pki.Client("reporter");
        var first = await host.ServerCertificateAsync(_pki.Ca);

        var (certificate, key, renewed) = _pki.Server("127.0.0.1 renewed");
        using (renewed)
        {
            Replace(settings["VGate:Server:TlsKeyFile"]!, key);
            Replace(settings["VGate:Server:TlsCertificateFile"]!, certificate);
            Replace(settings["VGate:Server:UsersFile"]!, Users.Replace("commerce.*", "customer.*", StringComparison.Ordinal));
            using var deadline = TestDeadline.CreateTokenSource();
            await Eventually.AssertAsync(async () => Assert.Equal(renewed.Thumbprint, (await host.ServerCertificateAsync(_pki.Ca)).Thumbprint), TestDeadline.Default, deadline.Token);
            await Eventually.AssertAsync(async () =>
            {
                using var channel = host.Channel(_pki.Ca, reporter);
                Assert.Equal(["customer/-80", "customer/80-"], Rows(await new Vtgateservice.Vitess.VitessClient(channel).ExecuteAsync(Show("SHOW VITESS_SHARDS"))));
            }, TestDeadline.Default, deadline.Token);
            Assert.NotEqual(first.Thumbprint, renewed.Thumbprint);
        }
    }

    [Fact]
    public async Task ServerCertificate_RenewedWithMismatchedKey_OldOneStaysAndErrorIsLogged()
    {
        var settings = TlsSettings("NoCertificate");
        var logs = new LogSink { ExpectedErrors = r => r.EventId.Name == "SecurityReloadFailed" };
        await using var host = await KestrelHost.StartAsync(settings, logs);
        var first = await host.ServerCertificateAsync(_pki.Ca);

        var (certificate, _, other) = _pki.Server();
        other.Dispose();
        Replace(settings["VGate:Server:TlsCertificateFile"]!, certificate); // the old key does not match it
        using var deadline = TestDeadline.CreateTokenSource();
        await Eventually.AssertAsync(() => Assert.Contains(logs.Records, r => r.EventId.Name == "SecurityReloadFailed"), TestDeadline.Default, deadline.Token);

        Assert.Equal(first.Thumbprint, (await host.ServerCertificateAsync(_pki.Ca)).Thumbprint);
    }

    [Fact]
    public async Task Start_KeyOfAnotherCertificate_RefusedNamingBothFiles()
    {
        var settings = TlsSettings("NoCertificate");
        var (_, otherKey, other) = _pki.Server();
        other.Dispose();
        File.WriteAllText(settings["VGate:Server:TlsKeyFile"]!, otherKey);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelHost.StartAsync(settings, new LogSink { ExpectedErrors = _ => true }));

        Assert.Contains($"VGate:Server:TlsCertificateFile '{settings["VGate:Server:TlsCertificateFile"]}' / TlsKeyFile '{settings["VGate:Server:TlsKeyFile"]}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TlsCertificateFile", "cannot be read")]
    [InlineData("ClientCaFile", "cannot be read")]
    public async Task Start_MissingSecurityFile_RefusedNamingTheSetting(string setting, string expected)
    {
        var settings = TlsSettings("RequireCertificate");
        settings[$"VGate:Server:{setting}"] = Path.Combine(_directory, "missing.pem");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelHost.StartAsync(settings, new LogSink { ExpectedErrors = _ => true }));

        Assert.Contains($"VGate:Server:{setting} '{Path.Combine(_directory, "missing.pem")}' {expected}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ClientCaFileWithoutCertificates_Refused()
    {
        var settings = TlsSettings("RequireCertificate");
        settings["VGate:Server:ClientCaFile"] = Write("empty-ca.pem", "not a certificate\n");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelHost.StartAsync(settings, new LogSink { ExpectedErrors = _ => true }));

        Assert.Contains("holds no PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsListen_WithUsersFile_AsksForCredentialsOverHttp1()
    {
        var metricsPort = FreePort.GetAvailableTcpPort();
        var settings = new Dictionary<string, string?>
        {
            ["VGate:Server:UsersFile"] = Write("users.json", Users),
            ["VGate:Server:MetricsListen"] = $"127.0.0.1:{metricsPort}",
        };
        await using var host = await KestrelHost.StartAsync(settings);
        using var http = new HttpClient();
        var uri = new Uri($"http://127.0.0.1:{metricsPort}/metrics");

        using var anonymous = await http.GetAsync(uri);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("cdc:cdc-pw")));
        using var authorized = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, authorized.StatusCode);
        Assert.Contains("# TYPE", await authorized.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CN=reporter, O=VGate tests", "reporter")]
    [InlineData("O=reporter, OU=ops", null)]
    [InlineData("E=reporter@example.com", null)]
    [InlineData("CN=a, CN=b", null)]
    public void CommonName_OnlyASingleCnNamesAUser(string subject, string? expected)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest(subject, key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));

        Assert.Equal(expected, VGate.Server.Auth.Caller.CommonName(certificate));
    }

    /// <summary>The real server on Kestrel at 127.0.0.1 (port chosen by the OS) with the scripted gateway and table lister.</summary>
    private sealed class KestrelHost : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private KestrelHost(WebApplication app, LogSink logs, string address)
        {
            _app = app;
            Logs = logs;
            Address = address;
        }

        public LogSink Logs { get; }

        public string Address { get; }

        public static async Task<KestrelHost> StartAsync(Dictionary<string, string?> settings, LogSink? logs = null)
        {
            logs ??= new LogSink();
            var builder = VGateServer.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(TestServerHost.Topology);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["VGate:Server:Listen"] = "127.0.0.1:0" });
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<IVStreamGateway>(new FakeVStreamGateway());
            builder.Services.AddSingleton<ITableLister>(new FakeTableLister());
            var app = VGateServer.Build(builder);
            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
            var metricsPort = settings.TryGetValue("VGate:Server:MetricsListen", out var metrics) && metrics is not null ? ":" + metrics.Split(':')[^1] : null;
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Single(a => metricsPort is null || !a.EndsWith(metricsPort, StringComparison.Ordinal));
            return new KestrelHost(app, logs, address);
        }

        /// <summary>A channel that trusts only <paramref name="ca"/> and presents <paramref name="clientCertificate"/> when given.</summary>
        public GrpcChannel Channel(X509Certificate2 ca, X509Certificate2? clientCertificate)
        {
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = TrustOnly(ca);
            if (clientCertificate is not null)
                handler.SslOptions.ClientCertificates = [clientCertificate];
            return GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        }

        /// <summary>The certificate the server presents to a new connection.</summary>
        public async Task<X509Certificate2> ServerCertificateAsync(X509Certificate2 ca)
        {
            var uri = new Uri(Address);
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(uri.Host, uri.Port);
            await using var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", RemoteCertificateValidationCallback = TrustOnly(ca) });
            return new X509Certificate2(ssl.RemoteCertificate!);
        }

        private static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 ca) => (_, certificate, _, _) =>
        {
            if (certificate is null)
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = new X509Certificate2(certificate);
            return chain.Build(presented);
        };

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Logs.VerifyNoErrors();
        }
    }
}
