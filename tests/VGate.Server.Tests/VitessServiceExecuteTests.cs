using Microsoft.Extensions.DependencyInjection;
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
        // The test host's sources do not exist; before the monitor's first check their state is unknown, after it they are down.
        Assert.Equal(["vgate", "commerce", "0", "PRIMARY"], rows[0].Take(4));
        Assert.Contains(rows[0][4], (string[])["UNKNOWN", "NOT_SERVING"]);
        Assert.Equal(["vgate-0000000100", "db1", ""], rows[0].Skip(5));
        Assert.Equal(["vgate", "customer", "-80", "REPLICA"], rows[2].Take(4));
        Assert.Equal(["vgate-0000000102", "db2r", ""], rows[2].Skip(5));
        Assert.DoesNotContain(rows, r => r.Any(v => v.Contains("secret", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Execute_ShowVitessTablets_SourceWithACell_ReportedInItsCell()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:1:Shards:0:Sources:1:Cell"] = "zone2",
        });

        var rows = Rows((await ExecuteAsync(host, "SHOW VITESS_TABLETS")).Result);

        Assert.Equal(["zone2", "customer", "-80", "REPLICA"], rows[2].Take(4));
        Assert.Equal(["zone2-0000000102", "db2r"], rows[2].Skip(5).Take(2));
        Assert.Equal(["vgate", "commerce", "0", "PRIMARY"], rows[0].Take(4));
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
    [InlineData("SHOW VITESS_SHARDS LIKE 'customer/%' ESCAPE '|'", Vtrpc.Code.Unimplemented)]
    [InlineData("SHOW VITESS_SHARDS LIKE 'customer/%' 'x' junk", Vtrpc.Code.Unimplemented)]
    [InlineData("SHOW VITESS_SHARDS LIKE customer", Vtrpc.Code.InvalidArgument)]
    [InlineData("SHOW VITESS_SHARDS WHERE Shards = 'customer/-80'", Vtrpc.Code.Unimplemented)]
    public async Task Execute_UnsupportedSql_ErrorInResponseNotStatus(string sql, Vtrpc.Code code)
    {
        await using var host = await TestServerHost.StartAsync();

        var response = await ExecuteAsync(host, sql);

        Assert.Equal(code, response.Error.Code);
        Assert.Null(response.Result);
    }

    /// <summary>Keyspaces whose names hold LIKE wildcards and the escape character, next to names those wildcards would match.</summary>
    private static readonly Dictionary<string, string?> WildcardKeyspaces = new()
    {
        ["VGate:Keyspaces:2:Name"] = "my_ks",
        ["VGate:Keyspaces:2:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:2:Shards:0:Sources:0:Uri"] = "mysql://vgate:secret@db4:3306",
        ["VGate:Keyspaces:3:Name"] = "myXks",
        ["VGate:Keyspaces:3:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:3:Shards:0:Sources:0:Uri"] = "mysql://vgate:secret@db5:3306",
        ["VGate:Keyspaces:4:Name"] = "100%",
        ["VGate:Keyspaces:4:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:4:Shards:0:Sources:0:Uri"] = "mysql://vgate:secret@db6:3306",
        ["VGate:Keyspaces:5:Name"] = "1000",
        ["VGate:Keyspaces:5:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:5:Shards:0:Sources:0:Uri"] = "mysql://vgate:secret@db7:3306",
        ["VGate:Keyspaces:6:Name"] = @"back\slash",
        ["VGate:Keyspaces:6:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:6:Shards:0:Sources:0:Uri"] = "mysql://vgate:secret@db8:3306",
        ["VGate:Keyspaces:7:Name"] = "it's",
        ["VGate:Keyspaces:7:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:7:Shards:0:Sources:0:Uri"] = "mysql://vgate:secret@db9:3306",
    };

    /// <summary>
    /// The connector's getVitessShards: <c>SHOW VITESS_SHARDS LIKE '%s/%%'</c> with the keyspace, with the workload comment
    /// (VitessMetadata) and without (VitessConnector), the keyspace passed through MySQL LIKE and string escaping (3.6 on)
    /// and not. Each must name exactly the keyspace's own shards: none would make Debezium start from "current" and skip
    /// the snapshot; a neighbour's would stream a keyspace it was not asked for.
    /// </summary>
    [Theory]
    [InlineData(@"/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'my\_ks/%'", "my_ks/0")]
    [InlineData(@"SHOW VITESS_SHARDS LIKE 'my\_ks/%'", "my_ks/0")]
    [InlineData(@"/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'myXks/%'", "myXks/0")]
    [InlineData(@"/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE '100\%/%'", "100%/0")]
    [InlineData(@"/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'back\\\\slash/%'", @"back\slash/0")]
    [InlineData(@"/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'it\'s/%'", "it's/0")]
    [InlineData(@"/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'it''s/%'", "it's/0")]
    [InlineData(@"/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE ""it's/%""", "it's/0")]
    public async Task Execute_DebeziumShowVitessShardsOfEscapedKeyspace_ExactlyThatKeyspace(string sql, string expected)
    {
        await using var host = await TestServerHost.StartAsync(WildcardKeyspaces);

        var response = await ExecuteAsync(host, sql);

        Assert.Null(response.Error);
        Assert.Equal([[expected]], Rows(response.Result));
    }

    [Theory]
    [InlineData("show vitess_shards like 'my_ks/%';", new[] { "my_ks/0", "myXks/0" })]
    [InlineData("SHOW VITESS_SHARDS LIKE 'my' '_ks/%'", new[] { "my_ks/0", "myXks/0" })]
    [InlineData("/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'my_ks/%'", new[] { "my_ks/0", "myXks/0" })]
    [InlineData("/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE '100%/%'", new[] { "100%/0", "1000/0" })]
    public async Task Execute_ShowVitessShardsWithUnescapedWildcards_MatchAsMySqlDoes(string sql, string[] expected)
    {
        await using var host = await TestServerHost.StartAsync(WildcardKeyspaces);

        var response = await ExecuteAsync(host, sql);

        Assert.Null(response.Error);
        Assert.Equal(expected.Select(e => new List<string> { e }), Rows(response.Result));
    }

    [Theory]
    [InlineData(@"SHOW VITESS_SHARDS LIKE 'my\_ks/%")]
    [InlineData(@"SHOW VITESS_SHARDS LIKE 'my_ks/%\'")]
    public async Task Execute_UnterminatedLikeLiteral_InvalidArgumentInResponse(string sql)
    {
        await using var host = await TestServerHost.StartAsync(WildcardKeyspaces);

        var response = await ExecuteAsync(host, sql);

        Assert.Equal(Vtrpc.Code.InvalidArgument, response.Error.Code);
        Assert.Contains("malformed string literal", response.Error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every other statement the connector sends, verbatim (VitessMetadata / VitessConnector).</summary>
    [Fact]
    public async Task Execute_EveryOtherDebeziumStatement_Answered()
    {
        await using var host = await TestServerHost.StartAsync();

        var tablets = await ExecuteAsync(host, "SHOW VITESS_TABLETS");
        Assert.Null(tablets.Error);
        Assert.Equal(4, tablets.Result.Rows.Count);

        var databases = await ExecuteAsync(host, "/*vt+ WORKLOAD_NAME=debezium */ SHOW DATABASES;");
        Assert.Null(databases.Error);
        Assert.Equal([["commerce"], ["customer"]], Rows(databases.Result));

        var fromKeyspace = await ExecuteAsync(host, "/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES FROM customer");
        Assert.Null(fromKeyspace.Error);
        Assert.Equal([["customer"], ["corder"]], Rows(fromKeyspace.Result));

        // excludeEmptyShards: SHOW TABLES on a shard, target "<keyspace>:<shard>@<tablet type>" as the connector spells it.
        var targeted = await ExecuteAsync(host, "/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES", "customer:80-@MASTER");
        Assert.Null(targeted.Error);
        Assert.Equal([["customer"], ["corder"]], Rows(targeted.Result));
        Assert.Equal(
            [("mysql://vgate:secret@db2:3306", "vt_customer"), ("mysql://vgate:secret@db3:3306", "vt_customer")],
            host.Tables.Calls);
    }

    /// <summary>A topology change after start is not seen by Execute either: one topology for VStream and Execute.</summary>
    [Fact]
    public async Task Execute_AfterConfigurationChange_StillTheTopologyVStreamUses()
    {
        await using var host = await TestServerHost.StartAsync();
        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        configuration["VGate:Keyspaces:0:Name"] = "renamed";
        configuration.Reload();

        var response = await ExecuteAsync(host, "SHOW VITESS_SHARDS");

        Assert.Equal([["commerce/0"], ["customer/-80"], ["customer/80-"]], Rows(response.Result));
    }
}
