using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Binlogdata;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Vtgate;
using VGate.Server.Auth;
using VGate.Server.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.Server.Tests;

/// <summary>
/// Access control of the front end (issue 14 §2) on the in-memory host: start-up refusals, per-user keyspace/table
/// permissions on VStream (checked and narrowed before the gateway sees the request) and Execute, users-file reload,
/// and <c>/metrics</c> behind the same credentials. Client certificates over real TLS: <see cref="ClientCertificateTests"/>.
/// </summary>
public sealed class AccessControlTests : IDisposable
{
    // Topology (TestServerHost): commerce/0, customer/-80, customer/80-.
    private const string Users = """
        [
          {"Username": "admin", "Password": "admin-pw"},
          {"Username": "orders", "Password": "orders-pw", "Allow": ["customer.corder", "customer.item"]},
          {"Username": "shop", "Password": "shop-pw", "Allow": ["commerce.*"]},
          {"Username": "mixed", "Password": "mixed-pw", "Allow": ["commerce.*", "customer.corder"]},
          {"Username": "nobody", "Password": "nobody-pw", "Allow": []}
        ]
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"vgate-acl-{Guid.NewGuid():N}");

    public AccessControlTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Replaces a file in one step (write aside, rename over), as an operator or a secret mount renews it.</summary>
    private static void Replace(string path, string text)
    {
        File.WriteAllText(path + ".new", text);
        File.Move(path + ".new", path, overwrite: true);
    }

    private Task<TestServerHost> StartAsync(Dictionary<string, string?>? extra = null, LogSink? logs = null)
    {
        var settings = new Dictionary<string, string?> { ["VGate:Server:UsersFile"] = Write("users.json", Users) };
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        return TestServerHost.StartAsync(settings, logs: logs);
    }

    private static Metadata As(string user) => new() { { "username", user }, { "password", user + "-pw" } };

    private static VStreamRequest Request(string keyspace, params string[] rules)
    {
        var request = new VStreamRequest { Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Gtid = "current" } } } };
        if (rules.Length > 0)
        {
            request.Filter = new Filter();
            foreach (var rule in rules)
                request.Filter.Rules.Add(new Rule { Match = rule });
        }
        return request;
    }

    private static async Task<RpcException> VStreamFailsAsync(TestServerHost host, VStreamRequest request, string user)
    {
        using var call = host.Client.VStream(request, As(user));
        return await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
    }

    private static async Task DrainAsync(TestServerHost host, VStreamRequest request, string user)
    {
        using var call = host.Client.VStream(request, As(user));
        while (await call.ResponseStream.MoveNext())
        {
        }
    }

    private static LogSink ExpectingErrors() => new() { ExpectedErrors = _ => true };

    // --- start-up refusals -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("0.0.0.0:15991")]
    [InlineData("*:15991")]
    [InlineData("[::]:15991")]
    [InlineData(":15991")]
    [InlineData("10.1.2.3:15991")]
    public async Task Start_BeyondLoopbackWithoutAuthentication_RefusesNamingTheSetting(string listen)
    {
        var builder = TestServerHost.CreateBuilder(new Dictionary<string, string?> { ["VGate:Server:Listen"] = listen }, withTopology: true, ExpectingErrors());
        await using var app = VGateServer.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains($"VGate:Server:Listen '{listen}' listens beyond loopback without authentication", error.Message, StringComparison.Ordinal);
        Assert.Contains("VGate:Server:AllowUnauthenticated=true (--allow-unauthenticated)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MetricsListenBeyondLoopbackWithoutAuthentication_Refuses()
    {
        var builder = TestServerHost.CreateBuilder(new Dictionary<string, string?> { ["VGate:Server:MetricsListen"] = "0.0.0.0:15992" }, withTopology: true, ExpectingErrors());
        await using var app = VGateServer.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("VGate:Server:MetricsListen '0.0.0.0:15992' listens beyond loopback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KestrelEndpointOnAllInterfacesWithoutAuthentication_Refuses()
    {
        var builder = TestServerHost.CreateBuilder(new Dictionary<string, string?> { ["Kestrel:Endpoints:Grpc:Url"] = "http://*:15991" }, withTopology: true, ExpectingErrors());
        await using var app = VGateServer.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Kestrel:Endpoints:Grpc:Url 'http://*:15991' listens beyond loopback", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:15991", null)]
    [InlineData("127.0.0.1:15991", null)]
    [InlineData("[::1]:15991", null)]
    [InlineData("0.0.0.0:15991", "true")]
    public async Task Start_LoopbackOrExplicitlyOpen_ServesWithoutCredentials(string listen, string? allowUnauthenticated)
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["VGate:Server:Listen"] = listen,
            ["VGate:Server:AllowUnauthenticated"] = allowUnauthenticated,
        });

        var response = await host.Client.ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW VITESS_SHARDS" } });

        Assert.Equal(3, response.Result.Rows.Count);
        Assert.Equal(allowUnauthenticated is not null, host.Logs.Records.Any(r => r.EventId.Name == "OpenServer"));
    }

    [Fact]
    public async Task Start_BeyondLoopbackWithUsersFile_Starts()
    {
        await using var host = await StartAsync(new() { ["VGate:Server:Listen"] = "0.0.0.0:15991" });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW DATABASES" } }));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [InlineData("""[{"Username": "a", "Password": "x"}""", "is not valid JSON")]
    [InlineData("""[{"Username": "a", "Password": "x", "Pasword": "y"}]""", "entry 0 (user 'a'): unknown property 'Pasword'")]
    [InlineData("""[{"Username": "a", "SHA256HashedPassword": ""}]""", "SHA256HashedPassword must be 64 hex digits, not empty")]
    [InlineData("""[{"Username": "a", "Password": ""}]""", "Password is empty")]
    [InlineData("""[{"Username": "a"}]""", "no Password, SHA256HashedPassword or MysqlNativePassword")]
    [InlineData("""[{"Username": "a", "Password": "x"}, {"Username": "a", "Password": "y"}]""", "user 'a' is listed more than once (entry 1)")]
    [InlineData("""[{"Username": "a", "Password": "$2y$10$abcdefghijklmnopqrstuv"}]""", "looks like a crypt '$2y$' hash")]
    [InlineData("""[{"Username": "a", "Password": "{SSHA}abcdefghijklmnopqrstuv"}]""", "looks like a '{SSHA}' hash")]
    [InlineData("""[{"Username": "a", "MysqlNativePassword": "*12"}]""", "MysqlNativePassword must be '*' and 40 hex digits")]
    [InlineData("""[{"Username": "a", "Password": "x", "Allow": ["commerce"]}]""", "Allow pattern 'commerce' must be")]
    [InlineData("""[{"Username": "a", "Password": "x", "Allow": ["commerce.cust*"]}]""", "'*' stands only for a whole keyspace or table name")]
    [InlineData("""{"a": [{"Password": "x", "Role": "admin"}]}""", "user 'a': unknown property 'Role'")]
    [InlineData("""{"a": []}""", "expected a non-empty array")]
    [InlineData("42", "expected a JSON array")]
    public async Task Start_MalformedUsersFile_RefusesWithClearLine(string text, string expected)
    {
        var file = Write("bad-users.json", text);
        var builder = TestServerHost.CreateBuilder(new Dictionary<string, string?> { ["VGate:Server:UsersFile"] = file }, withTopology: true, ExpectingErrors());
        await using var app = VGateServer.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains($"VGate:Server:UsersFile: The users file '{file}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ClientCertificateModeWithoutTlsOrCa_Refuses()
    {
        var builder = TestServerHost.CreateBuilder(new Dictionary<string, string?> { ["VGate:Server:ClientCertificateMode"] = "RequireCertificate" }, withTopology: true, ExpectingErrors());
        await using var app = VGateServer.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("ClientCertificateMode RequireCertificate needs TLS", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClientCertificateMode RequireCertificate needs ClientCaFile", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Required")]
    [InlineData("DelayCertificate")]
    [InlineData("2")]
    public async Task Start_UnknownClientCertificateMode_RefusedNamingTheSetting(string mode)
    {
        var builder = TestServerHost.CreateBuilder(new Dictionary<string, string?> { ["VGate:Server:ClientCertificateMode"] = mode }, withTopology: true, ExpectingErrors());
        await using var app = VGateServer.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains($"VGate:Server:ClientCertificateMode must be NoCertificate, AllowCertificate or RequireCertificate, not '{mode}'.", error.Message, StringComparison.Ordinal);
    }

    // --- VStream authorization ---------------------------------------------------------------------------------------

    [Fact]
    public async Task VStream_KeyspaceNotAllowed_PermissionDeniedNamingIt()
    {
        await using var host = await StartAsync(logs: new LogSink());

        var error = await VStreamFailsAsync(host, Request("commerce"), "orders");

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("user orders may not read keyspace commerce", error.Status.Detail);
        Assert.Null(host.Gateway.LastRequest);
    }

    [Fact]
    public async Task VStream_ShardOfKeyspaceNotAllowed_PermissionDenied()
    {
        await using var host = await StartAsync();
        var request = new VStreamRequest { Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "customer", Shard = "-80", Gtid = "current" } } } };

        var error = await VStreamFailsAsync(host, request, "shop");

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("user shop may not read keyspace customer", error.Status.Detail);
    }

    [Fact]
    public async Task VStream_NamedTableNotAllowed_PermissionDeniedNamingIt()
    {
        await using var host = await StartAsync();

        var error = await VStreamFailsAsync(host, Request("customer", "corder", "customer"), "orders");

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("user orders may not read table customer.customer", error.Status.Detail);
    }

    [Fact]
    public async Task VStream_CopyPositionOfTableNotAllowed_PermissionDenied()
    {
        await using var host = await StartAsync();
        var request = Request("customer", "corder");
        request.Vgtid.ShardGtids[0].Shard = "-80";
        request.Vgtid.ShardGtids[0].Gtid = "";
        request.Vgtid.ShardGtids[0].TablePKs.Add(new TableLastPK { TableName = "customer" });

        var error = await VStreamFailsAsync(host, request, "orders");

        Assert.Equal("user orders may not read table customer.customer", error.Status.Detail);
    }

    [Fact]
    public async Task VStream_AllTablesRegexForUserWithSomeTables_NarrowedToThem()
    {
        await using var host = await StartAsync();
        var request = Request("customer", "/.*");
        request.Filter.Rules[0].Filter = "-80";

        await DrainAsync(host, request, "orders");

        var forwarded = host.Gateway.LastRequest!;
        var rule = Assert.Single(forwarded.Filter.Rules);
        Assert.Equal("/^(?:corder|item)$/", rule.Match);
        Assert.Equal("-80", rule.Filter);
        // What the streamer makes of the narrowed rule: the allowed tables match, nothing else does.
        var rules = new VGate.VStreamer.Filtering.FilterRules([new(rule.Match, rule.Filter)]);
        Assert.NotNull(rules.FindRule("corder"));
        Assert.NotNull(rules.FindRule("item"));
        Assert.Null(rules.FindRule("customer"));
        Assert.Null(rules.FindRule("corder_archive"));
        Assert.Null(rules.FindRule("xcorder"));
    }

    [Fact]
    public async Task VStream_NoFilterForUserWithSomeTables_NarrowedLikeAllTables()
    {
        await using var host = await StartAsync();

        await DrainAsync(host, Request("customer"), "orders");

        Assert.Equal("/^(?:corder|item)$/", Assert.Single(host.Gateway.LastRequest!.Filter.Rules).Match);
    }

    [Fact]
    public async Task VStream_RegexMatchingNoAllowedTable_PermissionDenied()
    {
        await using var host = await StartAsync();

        var error = await VStreamFailsAsync(host, Request("customer", "/^cust"), "orders");

        Assert.Equal("user orders may not read any table matching the filter in keyspace customer", error.Status.Detail);
    }

    [Fact]
    public async Task VStream_RegexOverKeyspacesWithDifferentPermissions_PermissionDenied()
    {
        await using var host = await StartAsync();
        var request = new VStreamRequest
        {
            Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "commerce", Gtid = "current" }, new ShardGtid { Keyspace = "customer", Gtid = "current" } } },
            Filter = new Filter { Rules = { new Rule { Match = "/.*" } } },
        };

        var error = await VStreamFailsAsync(host, request, "mixed");

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.StartsWith("user mixed may not read all tables matching filter rule '/.*' in keyspaces commerce, customer", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/.*/")]
    public async Task VStream_KeyspaceWildcardReachingHiddenKeyspace_PermissionDeniedWithoutNamingIt(string keyspace)
    {
        await using var host = await StartAsync();

        var error = await VStreamFailsAsync(host, Request(keyspace), "shop");

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal($"user shop may not read every keyspace the vgtid keyspace '{keyspace}' selects: name the keyspaces to stream", error.Status.Detail);
        Assert.DoesNotContain("customer", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shop", "commerce")]
    [InlineData("admin", "")]
    [InlineData("mixed", "commerce")]
    public async Task VStream_WholeKeyspaceAllowed_ForwardedUnchanged(string user, string keyspace)
    {
        await using var host = await StartAsync();
        var request = Request(keyspace, "/.*");

        await DrainAsync(host, request, user);

        Assert.Equal(request, host.Gateway.LastRequest);
    }

    [Fact]
    public async Task VStream_UserWithEmptyAllowList_PermissionDenied()
    {
        await using var host = await StartAsync();

        var error = await VStreamFailsAsync(host, Request("commerce"), "nobody");

        Assert.Equal("user nobody may not read keyspace commerce", error.Status.Detail);
    }

    // --- Execute listings --------------------------------------------------------------------------------------------

    private static async Task<List<string>> ShowAsync(TestServerHost host, string sql, string user)
    {
        var response = await host.Client.ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = sql } }, As(user));
        Assert.Null(response.Error);
        return [.. response.Result.Rows.Select(r => Encoding.UTF8.GetString(r.Values.ToByteArray()))];
    }

    [Fact]
    public async Task Execute_Listings_OnlyWhatTheUserMaySee()
    {
        await using var host = await StartAsync();
        host.Tables.Tables = ["corder", "customer", "item"];

        Assert.Equal(["customer/-80", "customer/80-"], await ShowAsync(host, "SHOW VITESS_SHARDS", "orders"));
        Assert.Equal(["commerce/0"], await ShowAsync(host, "SHOW VITESS_SHARDS", "shop"));
        Assert.Equal(["commerce/0", "customer/-80", "customer/80-"], await ShowAsync(host, "SHOW VITESS_SHARDS", "admin"));
        Assert.Equal(["commerce"], await ShowAsync(host, "SHOW DATABASES", "shop"));
        Assert.Equal(["corder", "item"], await ShowAsync(host, "SHOW TABLES FROM customer", "orders"));
        Assert.Equal(["corder"], await ShowAsync(host, "SHOW TABLES FROM customer", "mixed"));
        Assert.Equal(["corder", "customer", "item"], await ShowAsync(host, "SHOW TABLES FROM customer", "admin"));
        Assert.Empty(await ShowAsync(host, "SHOW VITESS_SHARDS", "nobody"));
        Assert.All(await ShowAsync(host, "SHOW VITESS_TABLETS", "shop"), row => Assert.Contains("commerce", row, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Execute_ShowTablesOfHiddenKeyspace_UnknownDatabase()
    {
        await using var host = await StartAsync();

        var response = await host.Client.ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW TABLES FROM customer" } }, As("shop"));

        Assert.Equal(Vtrpc.Code.NotFound, response.Error.Code);
        Assert.Empty(host.Tables.Calls);
    }

    // --- reload ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task UsersFile_Changed_NewUsersApplyWithoutRestart_BrokenFileKeepsTheOld()
    {
        var logs = new LogSink { ExpectedErrors = r => r.EventId.Name == "SecurityReloadFailed" };
        await using var host = await StartAsync(new() { ["VGate:Server:ReloadInterval"] = "00:00:00.050" }, logs);
        var file = Path.Combine(_directory, "users.json");
        var show = new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW DATABASES" } };
        using var deadline = TestDeadline.CreateTokenSource();

        Replace(file, """[{"Username": "admin", "Password": "new-pw", "Allow": ["customer.*"]}]""");
        await Eventually.AssertAsync(async () =>
        {
            var response = await host.Client.ExecuteAsync(show, new Metadata { { "username", "admin" }, { "password", "new-pw" } });
            Assert.Equal("customer", Encoding.UTF8.GetString(Assert.Single(response.Result.Rows).Values.ToByteArray()));
        }, TestDeadline.Default, deadline.Token);
        var oldPassword = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ExecuteAsync(show, As("admin")));
        Assert.Equal(StatusCode.PermissionDenied, oldPassword.StatusCode);
        var removedUser = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ExecuteAsync(show, As("shop")));
        Assert.Equal(StatusCode.PermissionDenied, removedUser.StatusCode);

        Replace(file, """[{"Username": "admin", "Password": "new-pw"}, {"Username": "admin", "Password": "other"}]""");
        await Eventually.AssertAsync(
            () => Assert.Contains(logs.Records, r => r.EventId.Name == "SecurityReloadFailed" && r.Message.Contains("user 'admin' is listed more than once", StringComparison.Ordinal)),
            TestDeadline.Default, deadline.Token);
        var stillOld = await host.Client.ExecuteAsync(show, new Metadata { { "username", "admin" }, { "password", "new-pw" } });
        Assert.Single(stillOld.Result.Rows);
        Assert.Single(logs.Records, r => r.EventId.Name == "SecurityReloadFailed"); // once per change, not every period
    }

    // --- /metrics ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Metrics_WithAuthentication_NeedsCredentials()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        using var anonymous = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = Basic("admin", "nope") } };
        using var wrongResponse = await http.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = Basic("orders", "orders-pw") } };
        using var rightResponse = await http.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("vgate_", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightResponse.StatusCode);
        Assert.Contains("# TYPE", await rightResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_MetricsAllowUnauthenticated_ServedOpen()
    {
        await using var host = await StartAsync(new() { ["VGate:Server:MetricsAllowUnauthenticated"] = "true" });
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public void AccessRules_Patterns_MatchKeyspacesAndTables()
    {
        var rules = AccessRules.Parse(["commerce.*", "customer.corder", "*.audit"]);

        Assert.True(rules.CanReadTable("commerce", "anything"));
        Assert.True(rules.CanReadTable("customer", "corder"));
        Assert.False(rules.CanReadTable("customer", "customer"));
        Assert.True(rules.CanReadTable("other", "audit"));
        Assert.True(rules.CanSeeKeyspace("other"));
        Assert.False(rules.CanReadWholeKeyspace("customer"));
        Assert.True(rules.CanReadWholeKeyspace("commerce"));
        Assert.Equal(["audit", "corder"], rules.NamedTables("customer"));
        Assert.False(rules.AllowsEverything);
        Assert.True(AccessRules.Parse(["*"]).AllowsEverything);
    }
}
