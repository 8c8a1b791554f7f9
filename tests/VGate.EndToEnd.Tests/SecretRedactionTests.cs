using System.Globalization;
using System.Text;
using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// A password with every URI-reserved character (<c>/ ? @ # %</c>) goes through the gateway (<c>vgate serve</c>) and the
/// Kafka sink (<c>vgate kafka-sink</c>) as processes, through every error they have for it: wrong source password,
/// unreachable source, wrong gateway password, unreachable gateway, unreachable broker, and unparsable URIs. Every log
/// line, error message and the <c>/metrics</c> text is collected, and neither the password nor any encoding of it may
/// appear. The same runs show the secret references (<c>{env:…}</c>, <c>{file:…}</c>) working end to end.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class SecretRedactionTests(ITestOutputHelper output) : IDisposable
{
    private const string SinkUser = "cdc";

    // Distinctive: a random core no message could contain by chance, wrapped in every reserved character.
    private readonly string _core = "Zq" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vgate-e2e-secrets-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly StringBuilder _collected = new();

    private string Password => $"Pw/?@#%{_core}:x";

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [ServerFact]
    public async Task ServeAndSink_ThroughErrors_NeverShowThePassword()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var token = deadline.Token;
        Directory.CreateDirectory(_directory);
        await using var server = await MariaDbServer.StartAsync(token);
        await server.ExecuteAsync($"CREATE USER 'leaky'@'%' IDENTIFIED BY '{Password.Replace("'", "''", StringComparison.Ordinal)}'", token);
        await server.ExecuteAsync("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'leaky'@'%'", token);
        await server.ExecuteAsync("CREATE DATABASE good", token);
        await server.ExecuteAsync("CREATE TABLE good.t (id INT PRIMARY KEY)", token);
        var deadPort = FreePort.GetAvailableTcpPort();
        var encoded = Uri.EscapeDataString(Password);
        var wrongEncoded = Uri.EscapeDataString(Password + "wrong");
        var usersFile = Path.Combine(_directory, "users.json");
        await File.WriteAllTextAsync(usersFile, $$"""[{"Username": "{{SinkUser}}", "Password": {{System.Text.Json.JsonSerializer.Serialize(Password)}}}]""", token);
        var passwordFile = Path.Combine(_directory, "source-password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n", token);
        var host = $"{MariaDbServer.Host}:{server.Port}";

        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["VGate:Server:UsersFile"] = usersFile,
            ["VGate:Server:MetricsListen"] = $"127.0.0.1:{FreePort.GetAvailableTcpPort()}",
            ["VGate:MaxConsecutiveShardFailures"] = "2",
            ["VGate:RetryDelay"] = "00:00:00.100",
            ["VGate:Health:Interval"] = "00:00:00.500",
            // Wrong password, percent-encoded as it must be.
            ["VGate:Keyspaces:0:Name"] = "wrongpw",
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = $"mysql://leaky:{wrongEncoded}@{host}?ssl-mode=disabled",
            // Nobody listens there.
            ["VGate:Keyspaces:1:Name"] = "unreachable",
            ["VGate:Keyspaces:1:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:1:Shards:0:Sources:0:Uri"] = $"mysql://leaky:{encoded}@127.0.0.1:{deadPort}",
            // The right password from an environment variable and from a file.
            ["VGate:Keyspaces:2:Name"] = "good",
            ["VGate:Keyspaces:2:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:2:Shards:0:Sources:0:Uri"] = $"mysql://leaky:{{env:VGATE_E2E_SOURCE_PASSWORD}}@{host}?ssl-mode=disabled",
            ["VGate:Keyspaces:3:Name"] = "goodfile",
            ["VGate:Keyspaces:3:Database"] = "good",
            ["VGate:Keyspaces:3:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:3:Shards:0:Sources:0:Uri"] = $"mysql://leaky:{{file:{passwordFile}}}@{host}?ssl-mode=disabled",
        };
        var environment = new Dictionary<string, string> { ["VGATE_E2E_SOURCE_PASSWORD"] = Password };
        await using (var gateway = await GatewayProcess.StartAsync(settings, token, environment))
        {
            var client = new Vtgateservice.Vitess.VitessClient(gateway.CreateChannel());
            var credentials = GatewayHost.Credentials(SinkUser, Password);

            // The sources with the referenced password stream.
            foreach (var keyspace in new[] { "good", "goodfile" })
            {
                using var call = client.VStream(Request(keyspace), credentials, cancellationToken: token);
                Assert.True(await call.ResponseStream.MoveNext(token), $"{keyspace}: no first response");
            }

            // The broken sources fail; what the client is told is collected too.
            foreach (var keyspace in new[] { "wrongpw", "unreachable" })
            {
                var failure = await Assert.ThrowsAsync<RpcException>(async () =>
                {
                    using var call = client.VStream(Request(keyspace), credentials, cancellationToken: token);
                    while (await call.ResponseStream.MoveNext(token))
                    {
                    }
                });
                Collect($"VStream {keyspace}", failure.Status.ToString());
            }

            var wrongCredentials = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = client.VStream(Request("good"), GatewayHost.Credentials(SinkUser, Password + "wrong"), cancellationToken: token);
                await call.ResponseStream.MoveNext(token);
            });
            Collect("VStream wrong credentials", wrongCredentials.Status.ToString());

            // The health checks of every source have run (and failed for two) before /metrics is read.
            var metricsAddress = "http://" + settings["VGate:Server:MetricsListen"] + "/metrics";
            using var http = new HttpClient();
            // With a users file, /metrics asks for the same credentials as gRPC (docs/security/auth.md).
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(SinkUser + ":" + Password)));
            var metrics = "";
            await Eventually.AssertAsync(
                async () =>
                {
                    metrics = await http.GetStringAsync(metricsAddress, token);
                    Assert.Contains("vgate_gateway_source_up{", metrics, StringComparison.Ordinal);
                    Assert.Equal(4, metrics.Split('\n').Count(l => l.StartsWith("vgate_gateway_source_up{", StringComparison.Ordinal)));
                },
                TestDeadline.Default,
                token);
            Collect("/metrics", metrics);
            // Plaintext and unverified sources are reported: one warning per source (all four here), and the metric.
            Assert.Contains("vgate_gateway_source_transport_verified{", metrics, StringComparison.Ordinal);

            // The sink, through its errors: wrong gateway password, unreachable gateway, unreachable broker with a
            // SASL password; the same password on its command line each time.
            using var kafka = MockKafkaCluster.Start(1);
            var sinkWrongPassword = await RunAsync(
                ["kafka-sink", "--gateway", gateway.Address.Replace("http://", "", StringComparison.Ordinal), "--username", SinkUser,
                    "--password", Password + "wrong", "--keyspace", "good", "--bootstrap-servers", kafka.BootstrapServers,
                    "--topic-prefix", "leak", "--reconnect-max-attempts", "2", "--reconnect-initial-delay-ms", "50",
                    "--offsets-topic-replication-factor", "1", "--log-level", "trace"],
                null, token);
            Assert.NotEqual(0, sinkWrongPassword);
            var sinkNoGateway = await RunAsync(
                ["kafka-sink", "--gateway", $"127.0.0.1:{deadPort}", "--username", SinkUser, "--password", Password, "--keyspace", "good",
                    "--bootstrap-servers", kafka.BootstrapServers, "--topic-prefix", "leak2", "--reconnect-max-attempts", "1",
                    "--reconnect-initial-delay-ms", "50", "--offsets-topic-replication-factor", "1", "--log-level", "trace"],
                null, token);
            Assert.NotEqual(0, sinkNoGateway);

            // vgate stream takes its password from a file and streams.
            Assert.Equal(0, await RunAsync(["stream", "--gateway", gateway.Address.Replace("http://", "", StringComparison.Ordinal),
                "--keyspace", "good", "--username", SinkUser, "--password", $"{{file:{passwordFile}}}", "--heartbeat", "1", "--max-events", "1"],
                null, token));

            var log = ReadShared(gateway.OutputFile);
            Collect("vgate serve log", log);
            Assert.Contains("is connected over plaintext", log, StringComparison.Ordinal);
            Assert.Equal(4, log.Split('\n').Count(l => l.Contains("is connected over", StringComparison.Ordinal)));
        }

        var sinkNoBroker = await RunAsync(
            ["kafka-sink", "--gateway", $"127.0.0.1:{deadPort}", "--username", SinkUser, "--password", "{env:VGATE_E2E_SINK_PASSWORD}",
                "--keyspace", "good", "--bootstrap-servers", $"127.0.0.1:{FreePort.GetAvailableTcpPort()}", "--topic-prefix", "leak",
                "--kafka", "security.protocol=SASL_PLAINTEXT", "--kafka", "sasl.mechanism=PLAIN", "--kafka", "sasl.username=leaky",
                "--kafka", "sasl.password=" + Password, "--kafka-timeout-ms", "3000", "--log-level", "trace"],
            new Dictionary<string, string> { ["VGATE_E2E_SINK_PASSWORD"] = Password }, token);
        Assert.NotEqual(0, sinkNoBroker);

        // The other commands, and URIs that do not parse because the password is not encoded.
        Assert.Equal(1, await RunAsync(["binlog", "--source", $"mysql://leaky:{wrongEncoded}@{host}?ssl-mode=disabled", "--max-events", "1"], null, token));
        Assert.Equal(2, await RunAsync(["binlog", "--source", $"mysql://leaky:{Password}@{host}", "--max-events", "1"], null, token));
        Assert.Equal(2, await RunAsync(["serve", "--shard", $"ks/0=mysql://leaky:{Password}@{host}"], null, token));
        Assert.Equal(1, await RunAsync(["stream", "--gateway", $"127.0.0.1:{deadPort}", "--keyspace", "good", "--username", SinkUser,
            "--password", Password, "--until-idle", "5"], null, token));
        // The raw password without '#' (which is refused before anything else): split as a URI, its '/' or '?' would make
        // part of it the port, the path or an option, quoted back in the error.
        foreach (var raw in new[] { $"mysql://leaky:{_core}/x@{host}", $"mysql://leaky:x?{_core}@{host}", $"mysql://leaky:x?a={_core}@{host}/db" })
        {
            Assert.Equal(2, await RunAsync(["binlog", "--source", raw, "--max-events", "1"], null, token));
            Assert.Equal(2, await RunAsync(["serve", "--shard", "ks/0=" + raw], null, token));
            var config = Path.Combine(_directory, "bad.json");
            await File.WriteAllTextAsync(config, System.Text.Json.JsonSerializer.Serialize(new
            {
                VGate = new { Keyspaces = new[] { new { Name = "ks", Shards = new[] { new { Name = "0", Sources = new[] { new { Uri = raw } } } } } } },
            }), token);
            Assert.Equal(1, await RunAsync(["serve", "--config", config, "--listen", $"127.0.0.1:{FreePort.GetAvailableTcpPort()}"], null, token));
        }

        // A referenced password is read: the binlog of the server streams with it.
        Assert.Equal(0, await RunAsync(["binlog", "--source", $"mysql://leaky:{{file:{passwordFile}}}@{host}?ssl-mode=disabled",
            "--from", await server.GetGtidCurrentPosAsync(token), "--stop-at-end"], null, token));

        var everything = _collected.ToString();
        output.WriteLine($"collected {everything.Length} characters of logs, errors and metrics");
        foreach (var form in new[] { Password, _core, encoded, encoded.ToLowerInvariant(), Uri.EscapeDataString(_core + ":x"), wrongEncoded })
            Assert.DoesNotContain(form, everything, StringComparison.OrdinalIgnoreCase);
    }

    private static VStreamRequest Request(string keyspace) => new()
    {
        TabletType = Topodata.TabletType.Primary,
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Shard = "0", Gtid = "current" } } },
        Flags = new VStreamFlags { HeartbeatInterval = 1 },
    };

    private void Collect(string what, string text)
    {
        lock (_collected)
            _collected.Append("==== ").Append(what).Append('\n').Append(text).Append('\n');
        output.WriteLine($"==== {what}: {text.Length} characters");
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Runs the <c>vgate</c> CLI as a process; collects its output and error; returns the exit code.</summary>
    private async Task<int> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(arguments, environment, cancellationToken);
        var name = arguments[0];
        Collect($"vgate {name} exit {exit.ToString(CultureInfo.InvariantCulture)} (stdout)", stdout);
        Collect($"vgate {name} (stderr)", stderr);
        output.WriteLine(stderr.Length > 2000 ? stderr[..2000] : stderr);
        return exit;
    }
}
