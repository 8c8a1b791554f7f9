using System.Globalization;
using Vtgate;
using VGate.Server.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.Server.Tests;

/// <summary>
/// <c>SHOW TABLE STATUS</c> on Execute: MySQL's columns, one shard's figures when the session targets a shard, summed over
/// the keyspace's shards otherwise; checked against what two real mariadbd servers answer to the same statement, with a
/// database and table names built to break naive quoting.
/// </summary>
public sealed class ExecuteTableStatusTests
{
    private static readonly string[] MySqlColumns =
    [
        "Name", "Engine", "Version", "Row_format", "Rows", "Avg_row_length", "Data_length", "Max_data_length", "Index_length",
        "Data_free", "Auto_increment", "Create_time", "Update_time", "Check_time", "Collation", "Checksum", "Create_options", "Comment",
    ];

    private static async Task<ExecuteResponse> ExecuteAsync(TestServerHost host, string sql, string target = "") =>
        await host.Client.ExecuteAsync(new ExecuteRequest
        {
            Query = new Query.BoundQuery { Sql = sql },
            Session = new Session { TargetString = target },
        });

    /// <summary>Rows as column name → value (null for SQL NULL, length -1).</summary>
    private static List<Dictionary<string, string?>> Rows(ExecuteResponse response)
    {
        Assert.Null(response.Error);
        var names = response.Result.Fields.Select(f => f.Name).ToList();
        return response.Result.Rows.Select(row =>
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            var offset = 0;
            for (var i = 0; i < row.Lengths.Count; i++)
            {
                var length = (int)row.Lengths[i];
                values[names[i]] = length < 0 ? null : System.Text.Encoding.UTF8.GetString(row.Values.Span.Slice(offset, length));
                offset += Math.Max(length, 0);
            }
            return values;
        }).ToList();
    }

    /// <summary>A row in <see cref="MySqlColumns"/> order.</summary>
    private static string?[] StatusRow(string name, string? rows, string? dataLength, string? autoIncrement, string? updateTime, string? checksum = null) =>
        [name, "InnoDB", "10", "Dynamic", rows, "0", dataLength, "0", "16384", "0", autoIncrement, "2026-12-01 10:00:00",
            updateTime, null, "utf8mb4_general_ci", checksum, "", ""];

    private static async Task<TestServerHost> StartWithStatusAsync()
    {
        var host = await TestServerHost.StartAsync();
        host.Tables.Status["mysql://vgate:secret@db2:3306"] =
        [
            StatusRow("customer", "10", "16384", "11", "2026-12-05 08:00:00", "12345"),
            ["customer_view", null, "10", null, null, null, null, null, null, null, null, null, null, null, null, null, null, "VIEW"],
        ];
        host.Tables.Status["mysql://vgate:secret@db3:3306"] =
        [
            StatusRow("corder", "7", "16384", null, null),
            StatusRow("customer", "30", "49152", "42", "2026-12-04 08:00:00"),
            ["customer_view", null, "10", null, null, null, null, null, null, null, null, null, null, null, null, null, null, "VIEW"],
        ];
        host.Tables.Status["mysql://vgate:secret@db2r:3306"] = [StatusRow("customer", "999", "1", "1", null)];
        return host;
    }

    [Fact]
    public async Task Execute_ShowTableStatusOfAKeyspace_OneRowPerTableSummedOverItsShards()
    {
        await using var host = await StartWithStatusAsync();

        var response = await ExecuteAsync(host, "/*vt+ WORKLOAD_NAME=vgate */ SHOW TABLE STATUS FROM `customer`;");

        Assert.Equal(MySqlColumns, response.Result.Fields.Select(f => f.Name));
        Assert.Equal(Query.Type.Uint64, response.Result.Fields[4].Type);
        Assert.Equal(Query.Type.Datetime, response.Result.Fields[11].Type);
        var rows = Rows(response);
        Assert.Equal(["corder", "customer", "customer_view"], rows.Select(r => r["Name"]));
        var customer = rows[1];
        Assert.Equal("40", customer["Rows"]);
        Assert.Equal("65536", customer["Data_length"]);
        Assert.Equal("1638", customer["Avg_row_length"]); // 65536 / 40, recomputed from the sums
        Assert.Equal("32768", customer["Index_length"]);
        Assert.Equal("42", customer["Auto_increment"]);
        Assert.Equal("2026-12-05 08:00:00", customer["Update_time"]);
        Assert.Null(customer["Checksum"]);
        Assert.Null(customer["Check_time"]);
        Assert.Equal("InnoDB", customer["Engine"]);
        // A table on one shard only keeps that shard's figures; a view's stay NULL.
        Assert.Equal("7", rows[0]["Rows"]);
        Assert.Null(rows[2]["Rows"]);
        Assert.Equal("VIEW", rows[2]["Comment"]);
        // The primaries were asked, for the keyspace's database; not the replica.
        Assert.Equal([("mysql://vgate:secret@db2:3306", "vt_customer"), ("mysql://vgate:secret@db3:3306", "vt_customer")], host.Tables.Calls.Order());
    }

    [Fact]
    public async Task Execute_ShowTableStatusTargetedAtAShard_ThatShardsFiguresOnly()
    {
        await using var host = await StartWithStatusAsync();

        var rows = Rows(await ExecuteAsync(host, "show table status like 'cust%'", "customer:-80"));

        Assert.Equal(["customer", "customer_view"], rows.Select(r => r["Name"]));
        Assert.Equal("10", rows[0]["Rows"]);
        Assert.Equal("12345", rows[0]["Checksum"]);
        Assert.Equal(("mysql://vgate:secret@db2:3306", "vt_customer"), Assert.Single(host.Tables.Calls));

        var replica = Rows(await ExecuteAsync(host, "SHOW TABLE STATUS LIKE 'customer'", "customer:-80@replica"));
        Assert.Equal("999", Assert.Single(replica)["Rows"]);
    }

    [Fact]
    public async Task Execute_ShowTableStatusWhenAShardCannotBeRead_UnavailableNamingItNotAPartialSum()
    {
        await using var host = await StartWithStatusAsync();
        host.Tables.Failing.Add("mysql://vgate:secret@db3:3306");

        var response = await ExecuteAsync(host, "SHOW TABLE STATUS", "customer");

        Assert.Equal(Vtrpc.Code.Unavailable, response.Error.Code);
        Assert.Contains("customer/80-", response.Error.Message, StringComparison.Ordinal);
        Assert.Null(response.Result);
    }

    [Fact]
    public async Task Execute_ShowTableStatusForAUserWithSomeTables_OnlyThoseAndHiddenKeyspaceUnknown()
    {
        var users = Path.Combine(Path.GetTempPath(), $"vgate-users-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(users, """[{"Username": "orders", "Password": "orders-pw", "Allow": ["customer.corder"]}]""");
        try
        {
            await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["VGate:Server:UsersFile"] = users });
            host.Tables.Status["mysql://vgate:secret@db2:3306"] = [StatusRow("corder", "3", "16384", null, null), StatusRow("customer", "10", "16384", null, null)];
            var credentials = new Grpc.Core.Metadata { { "username", "orders" }, { "password", "orders-pw" } };
            var request = new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW TABLE STATUS" }, Session = new Session { TargetString = "customer:-80" } };

            var allowed = Rows(await host.Client.ExecuteAsync(request, credentials));
            request.Session.TargetString = "commerce";
            var hidden = await host.Client.ExecuteAsync(request, credentials);

            Assert.Equal(["corder"], allowed.Select(r => r["Name"]));
            Assert.Equal(Vtrpc.Code.NotFound, hidden.Error.Code);
        }
        finally
        {
            File.Delete(users);
        }
    }

    [Theory]
    [InlineData("SHOW TABLE STATUS", "", Vtrpc.Code.FailedPrecondition)]
    [InlineData("SHOW TABLE STATUS FROM `nope'; DROP TABLE t; --`", "", Vtrpc.Code.NotFound)]
    [InlineData("SHOW TABLE STATUS WHERE `Rows` > 70", "customer", Vtrpc.Code.Unimplemented)]
    [InlineData("SHOW TABLE STATUS", "customer:c0-", Vtrpc.Code.NotFound)]
    public async Task Execute_ShowTableStatusWithoutAKnownKeyspaceOrWithWhere_ErrorInResponse(string sql, string target, Vtrpc.Code code)
    {
        await using var host = await StartWithStatusAsync();

        var response = await ExecuteAsync(host, sql, target);

        Assert.Equal(code, response.Error.Code);
        Assert.Empty(host.Tables.Calls);
    }

    /// <summary>
    /// Two real servers as the two shards of a keyspace whose database name and table names hold quotes, backticks and
    /// SQL: the answer's Rows of each table is the sum of what each server's own <c>SHOW TABLE STATUS</c> says, the other
    /// columns are the first server's, and nothing was executed as SQL from the names.
    /// </summary>
    [ServerFact]
    [Trait("Category", "Integration")]
    public async Task Execute_ShowTableStatusOnTwoRealShards_RowsAreTheSumOfEachServersOwnAnswer()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart * 2);
        var token = deadline.Token;
        await using var first = await MariaDbServer.StartAsync(token);
        await using var second = await MariaDbServer.StartAsync(token);
        const string database = "vt_x'; DROP DATABASE victim; -- \"`";
        const string hostileTable = "t'); DROP TABLE victim.v; --`";
        var quotedDatabase = "`" + database.Replace("`", "``", StringComparison.Ordinal) + "`";
        var quotedTable = "`" + hostileTable.Replace("`", "``", StringComparison.Ordinal) + "`";
        var counts = new[] { (first, 300, 40), (second, 120, 0) };
        foreach (var (server, plain, hostile) in counts)
        {
            await server.ExecuteAsync($"""
                CREATE DATABASE victim; CREATE TABLE victim.v (id INT PRIMARY KEY); USE victim;
                CREATE DATABASE {quotedDatabase};
                CREATE TABLE {quotedDatabase}.plain (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
                INSERT INTO {quotedDatabase}.plain SELECT seq, 'value' FROM seq_1_to_{plain};
                ANALYZE TABLE {quotedDatabase}.plain;
                """, token);
            if (hostile > 0)
            {
                await server.ExecuteAsync($"""
                    USE victim; CREATE TABLE {quotedDatabase}.{quotedTable} (id INT PRIMARY KEY) ENGINE=InnoDB;
                    INSERT INTO {quotedDatabase}.{quotedTable} SELECT seq FROM seq_1_to_{hostile};
                    ANALYZE TABLE {quotedDatabase}.{quotedTable};
                    """, token);
            }
        }
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["VGate:Health:Interval"] = "01:00:00",
            ["VGate:Keyspaces:0:Name"] = "ks",
            ["VGate:Keyspaces:0:Database"] = database,
            ["VGate:Keyspaces:0:Sharded"] = "true",
            ["VGate:Keyspaces:0:Shards:0:Name"] = "-80",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = first.ReplicationUri.ToString(),
            ["VGate:Keyspaces:0:Shards:1:Name"] = "80-",
            ["VGate:Keyspaces:0:Shards:1:Sources:0:Uri"] = second.ReplicationUri.ToString(),
        }, withTopology: false, realTables: true);

        var summed = Rows(await ExecuteAsync(host, "SHOW TABLE STATUS FROM ks"));
        var shard = Rows(await ExecuteAsync(host, "SHOW TABLE STATUS", "ks:-80"));
        var liked = Rows(await ExecuteAsync(host, @"SHOW TABLE STATUS LIKE 't''); DROP%'", "ks"));

        // The servers' own answers to the statement VGate implements.
        var own = new List<Dictionary<string, object?>>[2];
        for (var i = 0; i < 2; i++)
        {
            var server = counts[i].Item1;
            await using var connection = await server.OpenConnectionAsync(cancellationToken: token);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SHOW TABLE STATUS FROM {quotedDatabase}";
            await using var reader = await command.ExecuteReaderAsync(token);
            own[i] = [];
            while (await reader.ReadAsync(token))
                own[i].Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, c => reader.IsDBNull(c) ? null : reader.GetValue(c)));
        }
        static long RowsOf(List<Dictionary<string, object?>> rows, string name) =>
            rows.Where(r => (string?)r["Name"] == name).Select(r => Convert.ToInt64(r["Rows"], CultureInfo.InvariantCulture)).Sum();

        Assert.Equal(["plain", hostileTable], summed.Select(r => r["Name"]));
        Assert.Equal((RowsOf(own[0], "plain") + RowsOf(own[1], "plain")).ToString(CultureInfo.InvariantCulture), summed[0]["Rows"]);
        Assert.Equal(RowsOf(own[0], hostileTable).ToString(CultureInfo.InvariantCulture), summed[1]["Rows"]);
        var firstPlain = own[0].Single(r => (string?)r["Name"] == "plain");
        foreach (var column in (string[])["Engine", "Row_format", "Collation"])
            Assert.Equal(Convert.ToString(firstPlain[column], CultureInfo.InvariantCulture), summed[0][column]);
        Assert.Equal(RowsOf(own[0], "plain").ToString(CultureInfo.InvariantCulture), shard[0]["Rows"]);
        Assert.Equal([hostileTable], liked.Select(r => r["Name"]));
        // The estimates are near the truth here (small tables, analysed), which is what the ETA relies on.
        Assert.InRange(long.Parse(summed[0]["Rows"]!, CultureInfo.InvariantCulture), 420 / 2, 420 * 2);
        foreach (var (server, _, _) in counts)
            Assert.Equal(0, await server.ScalarAsync<long>("SELECT COUNT(*) FROM victim.v", token));
    }
}
