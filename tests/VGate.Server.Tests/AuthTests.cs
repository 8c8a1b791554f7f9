using Grpc.Core;
using Grpc.Health.V1;
using Vtgate;
using VGate.Server.Auth;
using VGate.Server.Tests.Infrastructure;

namespace VGate.Server.Tests;

public sealed class AuthTests : IDisposable
{
    private readonly string _usersFile = Path.Combine(Path.GetTempPath(), $"vgate-users-{Guid.NewGuid():N}.json");

    public AuthTests() =>
        File.WriteAllText(_usersFile, """[{"Username": "cdc", "Password": "s3cret"}, {"username": "ops", "SHA256HashedPassword": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"}]""");

    public void Dispose() => File.Delete(_usersFile);

    private Task<TestServerHost> StartAsync() =>
        TestServerHost.StartAsync(new Dictionary<string, string?> { ["VGate:Server:UsersFile"] = _usersFile });

    private static ExecuteRequest ShowShards() => new() { Query = new Query.BoundQuery { Sql = "SHOW VITESS_SHARDS" } };

    [Fact]
    public async Task Execute_NoCredentials_Unauthenticated()
    {
        await using var host = await StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ExecuteAsync(ShowShards()));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task VStream_WrongPassword_PermissionDenied()
    {
        await using var host = await StartAsync();

        using var call = host.Client.VStream(new VStreamRequest(), new Metadata { { "username", "cdc" }, { "password", "wrong" } });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.DoesNotContain(host.Logs.Records, r => r.Message.Contains("wrong", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cdc", "s3cret")]
    [InlineData("ops", "password")]
    public async Task Execute_RightCredentials_Answered(string user, string password)
    {
        await using var host = await StartAsync();

        var response = await host.Client.ExecuteAsync(ShowShards(), new Metadata { { "username", user }, { "password", password } });

        Assert.Equal(3, response.Result.Rows.Count);
    }

    [Fact]
    public async Task HealthCheck_NoCredentials_StillAnswered()
    {
        await using var host = await StartAsync();

        var reply = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());

        // Answered (no Unauthenticated error); NOT_SERVING because the test topology's sources do not exist (readiness).
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, reply.Status);
    }

    [Fact]
    public void Parse_MySqlStaticAuthLayout_PlainAndNativeHash()
    {
        // *2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19 is mysql_native_password("password").
        var users = StaticUsers.Parse("""{"app": [{"Password": "pw1", "UserData": "app"}], "dba": [{"Password": "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"}]}""");

        Assert.True(users.Verify("app", "pw1"));
        Assert.False(users.Verify("app", "pw2"));
        Assert.True(users.Verify("dba", "password"));
        Assert.False(users.Verify("nobody", "pw1"));
    }
}
