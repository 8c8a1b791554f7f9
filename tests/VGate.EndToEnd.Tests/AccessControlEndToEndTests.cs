using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Access control on real processes and real shards (issue 14 §2): per-user table permissions through the copy phase
/// and the live stream of a real mariadbd, and the start-up refusals of <c>vgate serve</c> as a process (open listen,
/// malformed users file).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class AccessControlEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vgate-e2e-acl-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private string Write(string name, string text)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [ServerFact]
    [Trait("Category", "Integration")]
    public Task VStream_UserAllowedOneTable_CopyAndLiveStreamCarryOnlyThatTable() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(3), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token, null, "CREATE TABLE secret (id BIGINT NOT NULL PRIMARY KEY, hash VARCHAR(100) NOT NULL)");
            var server = cluster.Shards[0].Server;
            await server.ExecuteAsync($"USE {ShardCluster.Database}; INSERT INTO t VALUES (1, 0, 'copied', 1); INSERT INTO secret VALUES (1, 'copied-secret')", token);
            var settings = cluster.GatewaySettings();
            settings["VGate:Server:UsersFile"] = Write("users.json", """
                [{"Username": "cdc", "Password": "cdc-pw", "Allow": ["ks.t"]}, {"Username": "admin", "Password": "admin-pw"}]
                """);
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;

            // Debezium's default: every table (/.*), from the copy phase (empty gtid).
            var request = new VStreamRequest
            {
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "0", Gtid = "" } } },
                Filter = new Filter { Rules = { new Rule { Match = "/.*" } } },
            };
            using var call = gateway.Client.VStream(request, GatewayHost.Credentials("cdc", "cdc-pw"), cancellationToken: token);
            var tables = new List<string>();
            var values = new List<string>();
            var copyCompleted = false;
            var sawLive = false;
            while (!sawLive && await call.ResponseStream.MoveNext(token))
            {
                foreach (var e in call.ResponseStream.Current.Events)
                {
                    if (e.Type == VEventType.Field)
                        tables.Add(e.FieldEvent.TableName);
                    if (e.Type == VEventType.Row)
                    {
                        tables.Add(e.RowEvent.TableName);
                        foreach (var change in e.RowEvent.RowChanges)
                            values.Add(change.After.Values.ToStringUtf8());
                        sawLive |= copyCompleted && values[^1].Contains("live", StringComparison.Ordinal);
                    }
                    if (e.Type == VEventType.CopyCompleted && !copyCompleted)
                    {
                        copyCompleted = true;
                        // The live phase: a transaction of the hidden table first, then one of the allowed table; once
                        // the second arrives the stream has passed the first.
                        await server.ExecuteAsync($"USE {ShardCluster.Database}; INSERT INTO secret VALUES (2, 'live-secret')", token);
                        await server.ExecuteAsync($"USE {ShardCluster.Database}; INSERT INTO t VALUES (2, 0, 'live', 2)", token);
                    }
                }
            }
            scenario.Log($"tables seen: {string.Join(", ", tables.Distinct())}; rows: {string.Join(" | ", values)}");

            Assert.True(copyCompleted);
            Assert.All(tables, t => Assert.Equal("ks.t", t));
            Assert.Contains(values, v => v.Contains("copied", StringComparison.Ordinal));
            Assert.DoesNotContain(values, v => v.Contains("secret", StringComparison.Ordinal));

            // The same user naming the hidden table is refused; the unrestricted user may stream it.
            var named = new VStreamRequest { Vgtid = request.Vgtid, Filter = new Filter { Rules = { new Rule { Match = "secret", Filter = "select * from secret" } } } };
            using var denied = gateway.Client.VStream(named, GatewayHost.Credentials("cdc", "cdc-pw"), cancellationToken: token);
            var error = await Assert.ThrowsAsync<RpcException>(() => denied.ResponseStream.MoveNext(token));
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
            Assert.Equal("user cdc may not read table ks.secret", error.Status.Detail);
            using var admin = gateway.Client.VStream(named, GatewayHost.Credentials("admin", "admin-pw"), cancellationToken: token);
            var adminSawSecret = false;
            while (!adminSawSecret && await admin.ResponseStream.MoveNext(token))
                adminSawSecret = admin.ResponseStream.Current.Events.Any(e => e.Type == VEventType.Row && e.RowEvent.TableName == "ks.secret");
            Assert.True(adminSawSecret);
        });

    [Fact]
    public async Task Serve_AllInterfacesWithoutAuthentication_RefusesToStartWithOneLine()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        var port = FreePort.GetAvailableTcpPort();

        var (exit, _, error) = await CliProcess.RunAsync(["serve", "--listen", $"0.0.0.0:{port}", "--shard", "ks/0=mysql://vgate:pw@127.0.0.1:1"], deadline.Token);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"vgate: invalid configuration: VGate:Server:Listen '0.0.0.0:{port}' listens beyond loopback without authentication", line, StringComparison.Ordinal);
        Assert.Contains("--allow-unauthenticated", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MalformedUsersFile_RefusesToStartWithOneLine()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        var users = Write("users.json", """[{"Username": "cdc", "Password": "x"}, {"Username": "cdc", "SHA256HashedPassword": ""}]""");

        var (exit, _, error) = await CliProcess.RunAsync(["serve", "--listen", $"127.0.0.1:{FreePort.GetAvailableTcpPort()}", "--shard", "ks/0=mysql://vgate:pw@127.0.0.1:1", "--users-file", users], deadline.Token);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"vgate: invalid configuration: VGate:Server:UsersFile: The users file '{users}' is invalid: user 'cdc' is listed more than once (entry 1).", line);
    }

    [Fact]
    public async Task Serve_SecuritySettingNotOfItsType_RefusesToStartWithOneLine()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        var config = Write("vgate.json", """{"VGate": {"Server": {"ReloadInterval": "every five seconds"}}}""");

        var (exit, _, error) = await CliProcess.RunAsync(["serve", "--config", config, "--listen", $"127.0.0.1:{FreePort.GetAvailableTcpPort()}", "--shard", "ks/0=mysql://vgate:pw@127.0.0.1:1"], deadline.Token);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vgate: invalid configuration: Failed to convert configuration value 'every five seconds' at 'VGate:Server:ReloadInterval'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AllInterfacesWithAllowUnauthenticated_StartsAndServes()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        var port = FreePort.GetAvailableTcpPort();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var run = CliProcess.RunAsync(["serve", "--listen", $"0.0.0.0:{port}", "--allow-unauthenticated", "--shard", "ks/0=mysql://vgate:pw@127.0.0.1:1"], stop.Token);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Vtgateservice.Vitess.VitessClient(channel);

        await Eventually.AssertAsync(async () =>
        {
            var response = await client.ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW VITESS_SHARDS" } }, cancellationToken: deadline.Token);
            Assert.Equal("ks/0", response.Result.Rows.Single().Values.ToStringUtf8());
        }, TestDeadline.ServerStart, deadline.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
