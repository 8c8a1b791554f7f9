using System.Text.Json;
using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Static username/password authentication from a users file and TLS with a test CA, over the wire (vstream-spec §1.1;
/// docs/server.md): the generated client, and <c>vgate stream --ca</c> as a process.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class AuthTlsTests(ITestOutputHelper output) : IDisposable
{
    private const string User = "cdc";
    private const string Password = "s3cret-pw";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vgate-e2e-tls-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [ServerFact]
    public Task VStream_UsersFile_MissingCredentialsUnauthenticatedWrongPermissionDeniedRightStreams() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(3), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var settings = cluster.GatewaySettings();
            settings["VGate:Server:UsersFile"] = WriteUsersFile();
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;

            var missing = await Assert.ThrowsAsync<RpcException>(() => FirstUnitsAsync(gateway.Client, cluster, null, token));
            Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
            var wrongPassword = await Assert.ThrowsAsync<RpcException>(() => FirstUnitsAsync(gateway.Client, cluster, GatewayHost.Credentials(User, "nope"), token));
            Assert.Equal(StatusCode.PermissionDenied, wrongPassword.StatusCode);
            var wrongUser = await Assert.ThrowsAsync<RpcException>(() => FirstUnitsAsync(gateway.Client, cluster, GatewayHost.Credentials("intruder", Password), token));
            Assert.Equal(StatusCode.PermissionDenied, wrongUser.StatusCode);
            scenario.Log($"missing: {missing.Status}; wrong password: {wrongPassword.Status}; wrong user: {wrongUser.Status}");

            var units = await FirstUnitsAsync(gateway.Client, cluster, GatewayHost.Credentials(User, Password), token);
            Assert.Equal(cluster.Shards.Count, units.Count);
            Assert.DoesNotContain(Password, gateway.Logs.Dump(Microsoft.Extensions.Logging.LogLevel.Trace), StringComparison.Ordinal);
        });

    [ServerFact]
    public Task VStream_TlsWithTestCa_TrustingClientStreamsOthersAreRefused() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(3), async scenario =>
        {
            var token = scenario.Deadline;
            var tls = TestCertificates.Create(_directory);
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var settings = cluster.GatewaySettings();
            settings["VGate:Server:TlsCertificateFile"] = tls.ServerCertificateFile;
            settings["VGate:Server:TlsKeyFile"] = tls.ServerKeyFile;
            settings["VGate:Server:UsersFile"] = WriteUsersFile();
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            Assert.StartsWith("https://", gateway.Address, StringComparison.Ordinal);
            var credentials = GatewayHost.Credentials(User, Password);

            var trusting = new Vtgateservice.Vitess.VitessClient(gateway.CreateChannel(trustedCa: tls.CaCertificateFile));
            var units = await FirstUnitsAsync(trusting, cluster, credentials, token);
            Assert.Equal(cluster.Shards.Count, units.Count);

            // A client that does not trust the test CA cannot connect, and neither can one speaking cleartext.
            var untrusting = await Assert.ThrowsAsync<RpcException>(() => FirstUnitsAsync(gateway.Client, cluster, credentials, token));
            // Grpc.Net.Client reports a failed TLS handshake as INTERNAL or UNAVAILABLE depending on where it fails.
            Assert.Contains(untrusting.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
            Assert.Contains("SSL", untrusting.Status.Detail, StringComparison.Ordinal);
            using var cleartextChannel = Grpc.Net.Client.GrpcChannel.ForAddress(gateway.Address.Replace("https://", "http://", StringComparison.Ordinal));
            var cleartext = await Assert.ThrowsAsync<RpcException>(() => FirstUnitsAsync(new Vtgateservice.Vitess.VitessClient(cleartextChannel), cluster, credentials, token));
            scenario.Log($"untrusting client: {untrusting.Status}; cleartext client: {cleartext.Status}");
        });

    [ServerFact]
    public Task VgateStreamCli_CaAndCredentials_PrintsEventsOverTls() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(3), async scenario =>
        {
            var token = scenario.Deadline;
            var tls = TestCertificates.Create(_directory);
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var settings = cluster.GatewaySettings();
            settings["VGate:Server:TlsCertificateFile"] = tls.ServerCertificateFile;
            settings["VGate:Server:TlsKeyFile"] = tls.ServerKeyFile;
            settings["VGate:Server:UsersFile"] = WriteUsersFile();
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            var hostPort = gateway.Address["https://".Length..];
            var position = "MariaDB/" + await cluster.Shards[0].Server.GetGtidBinlogPosAsync(token);

            string[] common = ["stream", "--gateway", hostPort, "--keyspace", ShardCluster.Keyspace, "--shard", cluster.Shards[0].Name, "--max-events", "2"];
            var ok = await CliProcess.RunAsync([.. common, "--ca", tls.CaCertificateFile, "--username", User, "--password", Password], token);
            Assert.True(ok.Exit == 0, $"vgate stream exited {ok.Exit}: {ok.Error}");
            var lines = ok.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(["VGTID", "OTHER"], lines.Select(l => l.GetProperty("type").GetString()));
            Assert.Equal(position, lines[0].GetProperty("vgtid").GetProperty("shardGtids")[0].GetProperty("gtid").GetString());

            var noCa = await CliProcess.RunAsync([.. common, "--username", User, "--password", Password], token);
            Assert.Equal(1, noCa.Exit);
            Assert.Contains("stream failed", noCa.Error, StringComparison.Ordinal);
            var badPassword = await CliProcess.RunAsync([.. common, "--ca", tls.CaCertificateFile, "--username", User, "--password", "nope"], token);
            Assert.Equal(1, badPassword.Exit);
            Assert.Contains("PermissionDenied (7)", badPassword.Error, StringComparison.Ordinal);
            var notPem = await CliProcess.RunAsync([.. common, "--ca", WriteUsersFile(), "--username", User, "--password", Password], token);
            Assert.Equal(2, notPem.Exit);
            Assert.Contains("Option --ca: cannot read a PEM certificate", notPem.Error, StringComparison.Ordinal);
            scenario.Log($"vgate stream --ca: {ok.Output.Trim()}\nwithout --ca: {noCa.Error.Trim()}\nwrong password: {badPassword.Error.Trim()}\n--ca not a certificate: {notPem.Error.Split('\n')[0]}");
        });

    private string WriteUsersFile()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "users.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new[] { new { Username = User, Password } }));
        return path;
    }

    /// <summary>Streams the keyspace from <c>current</c> until every shard has reported its position (VGTID, OTHER).</summary>
    private static async Task<List<StreamedTransaction>> FirstUnitsAsync(Vtgateservice.Vitess.VitessClient client, ShardCluster cluster, Metadata? headers, CancellationToken cancellationToken)
    {
        var request = new VStreamRequest { Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Gtid = "current" } } } };
        var checker = StreamChecker.ForAllShards(cluster, "current");
        using var reader = new VStreamReader(client, request, checker, headers, cancellationToken);
        await reader.ReadUntilAsync((c, _) => cluster.Shards.All(s => c.Of(s.Name).Any()), cancellationToken);
        return checker.Transactions;
    }
}
