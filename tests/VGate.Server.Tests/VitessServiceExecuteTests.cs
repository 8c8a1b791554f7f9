using Vtgate;
using VGate.Server.Tests.Infrastructure;

namespace VGate.Server.Tests;

public sealed class VitessServiceExecuteTests
{
    private static async Task<ExecuteResponse> ExecuteAsync(TestServerHost host, string sql, string target = "") =>
        await host.Client.ExecuteAsync(new ExecuteRequest
        {
            Query = new Query.BoundQuery { Sql = sql },
            Session = new Session { TargetString = target },
        });

    private static List<List<string>> Rows(Query.QueryResult result) =>
        result.Rows.Select(row =>
        {
            var values = new List<string>();
            var offset = 0;
            foreach (var length in row.Lengths)
            {
                values.Add(row.Values.Span.Slice(offset, (int)length).ToArray() is var bytes ? System.Text.Encoding.UTF8.GetString(bytes) : "");
                offset += (int)length;
            }
            return values;
        }).ToList();

    [Fact]
    public async Task Execute_ShowVitessShardsLikeWithDebeziumComment_OnlyThatKeyspace()
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, "/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'customer/%'");

        Assert.Null(response.Error);
        var field = Assert.Single(response.Result.Fields);
        Assert.Equal("Shards", field.Name);
        Assert.Equal(Query.Type.Varchar, field.Type);
        Assert.Equal([["customer/-80"], ["customer/80-"]], Rows(response.Result));
    }

    [Fact]
    public async Task Execute_ShowVitessShardsWithoutLike_AllKeyspaces()
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, "show vitess_shards;");

        Assert.Equal([["commerce/0"], ["customer/-80"], ["customer/80-"]], Rows(response.Result));
    }

    [Fact]
    public async Task Execute_ShowVitessTablets_OneRowPerSourceWithVitessColumns()
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, "SHOW VITESS_TABLETS");

        Assert.Equal(
            ["Cell", "Keyspace", "Shard", "TabletType", "State", "Alias", "Hostname", "PrimaryTermStartTime"],
            response.Result.Fields.Select(f => f.Name));
        var rows = Rows(response.Result);
        Assert.Equal(4, rows.Count);
        Assert.Equal(["vgate", "commerce", "0", "PRIMARY", "SERVING", "vgate-0000000100", "db1"], rows[0].Take(7));
        Assert.NotEmpty(rows[0][7]);
        Assert.Equal(["vgate", "customer", "-80", "REPLICA", "SERVING", "vgate-0000000102", "db2r", ""], rows[2]);
        Assert.DoesNotContain(rows, r => r.Any(v => v.Contains("secret", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Execute_ShowTablesFromKeyspace_ListsFromFirstShardPrimary()
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, "/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES FROM `customer`");

        Assert.Null(response.Error);
        Assert.Equal("Tables_in_customer", Assert.Single(response.Result.Fields).Name);
        Assert.Equal([["customer"], ["corder"]], Rows(response.Result));
        Assert.Equal(("mysql://vgate:secret@db2:3306", "vt_customer"), Assert.Single(host.Tables.Calls));
    }

    [Fact]
    public async Task Execute_TargetedShowTables_UsesTargetShardAndTabletType()
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, "SHOW TABLES", "customer:-80@replica");

        Assert.Null(response.Error);
        Assert.Equal(2, response.Result.Rows.Count);
        Assert.Equal(("mysql://vgate:secret@db2r:3306", "vt_customer"), Assert.Single(host.Tables.Calls));
        Assert.Equal("customer:-80@replica", response.Session.TargetString);
    }

    [Fact]
    public async Task Execute_ShowTablesWithoutKeyspace_ErrorInResponse()
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, "SHOW TABLES");

        Assert.Equal(Vtrpc.Code.FailedPrecondition, response.Error.Code);
        Assert.StartsWith("No database selected", response.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_UnknownKeyspace_NotFoundError()
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, "SHOW TABLES FROM nope");

        Assert.Equal(Vtrpc.Code.NotFound, response.Error.Code);
        Assert.Empty(host.Tables.Calls);
    }

    [Theory]
    [InlineData("SELECT * FROM customer", Vtrpc.Code.Unimplemented)]
    [InlineData("SHOW FULL TABLES", Vtrpc.Code.Unimplemented)]
    [InlineData("/* only a comment */", Vtrpc.Code.InvalidArgument)]
    public async Task Execute_UnsupportedSql_ErrorInResponseNotStatus(string sql, Vtrpc.Code code)
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, sql);

        Assert.Equal(code, response.Error.Code);
        Assert.Null(response.Result);
    }
}
