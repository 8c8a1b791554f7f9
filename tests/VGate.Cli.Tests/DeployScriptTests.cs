using System.Globalization;
using Binlogdata;
using VGate.Cli.Commands;
using VGate.Gateway.Health;
using VGate.Gateway.Topology;
using VGate.MySql.Protocol;
using VGate.Testing;
using VGate.VStreamer;

namespace VGate.Cli.Tests;

/// <summary>
/// The SQL scripts of deploy/ on a real mariadbd, run by the real <c>mariadb</c> client (DELIMITER and all): the
/// sample schema and workload that docker-compose.yml gives its MySQL shards (written in the syntax both servers
/// share), and the MariaDB grants of README.md: a user with exactly those privileges can stream, copy and be
/// health-checked, and without any one of them the part that needs it fails with an error that names the problem.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DeployScriptTests
{
    private static readonly string Root = DeploymentFilesTests.RepositoryRoot();
    private static readonly string CommerceScript = Path.Combine(Root, "deploy", "mysql", "init", "02-commerce.sql");
    private static readonly string[] ClientPaths = ["/usr/bin/mariadb", "/usr/bin/mysql"];
    private static readonly string MariaDbGrants = Path.Combine(Root, "deploy", "mariadb", "vgate-user.sql");

    [ServerFact]
    public async Task CommerceScript_OnMariaDb_CreatesTheShardAndItsWorkloadRuns()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(180));
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "deploy-commerce", ExtraArguments = ["--event-scheduler=ON"] }, deadline.Token);
        await RunScriptAsync(server, CommerceScript);

        var ids = (await server.QueryAsync("SELECT customer_id FROM commerce.customer ORDER BY customer_id", deadline.Token))
            .Select(r => Convert.ToUInt64(r[0], CultureInfo.InvariantCulture)).ToList();
        var shardBase = (ulong)(server.ServerId - 1) << 63;
        Assert.Equal(Enumerable.Range(1, 10).Select(i => shardBase | (uint)i), ids);
        // The workload event: orders arrive, and each counts a visit on its customer in the same transaction.
        await Eventually.AssertAsync(
            async () =>
            {
                var orders = await server.ScalarAsync<long>("SELECT COUNT(*) FROM commerce.corder", deadline.Token);
                var visits = await server.ScalarAsync<decimal>("SELECT SUM(visits) FROM commerce.customer", deadline.Token);
                Assert.True(orders >= 2, $"{orders} orders so far");
                Assert.True(visits >= orders, $"{visits} visits for {orders} orders");
            },
            TestDeadline.Default,
            deadline.Token);

        await RunScriptAsync(server, MariaDbGrants);
        var grants = (await server.QueryAsync("SHOW GRANTS FOR 'vgate'@'%'", deadline.Token)).Select(r => (string)r[0]!).ToList();
        Assert.Contains(grants, g => g.StartsWith("GRANT REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR ON *.*", StringComparison.Ordinal));
        Assert.Contains("GRANT SELECT ON `commerce`.* TO `vgate`@`%`", grants);
    }

    [ServerFact]
    public async Task MariaDbGrants_ExactlyThese_StreamCopyAndHealthCheck_AndEachOneIsNeeded()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(300));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "deploy-grants" }, token);
        await RunScriptAsync(server, CommerceScript); // event scheduler off: the binlog holds only what the test writes
        await RunScriptAsync(server, MariaDbGrants);
        var uri = string.Create(CultureInfo.InvariantCulture, $"mysql://vgate:vgate-password@{MariaDbServer.Host}:{server.Port}");

        // Everything works with exactly the documented privileges.
        var stream = await StreamAsync(server, uri, token);
        Assert.True(stream.Exit == 0, stream.Error);
        Assert.Contains("\"corder\"", stream.Output, StringComparison.Ordinal);
        var copied = await CopyAsync(uri, token);
        Assert.Equal(10, copied);
        var health = await HealthAsync(uri, token);
        Assert.True(health.Reachable, health.Problem);
        Assert.DoesNotContain("cannot read the replication status", health.Problem ?? "", StringComparison.Ordinal);

        // Without SLAVE MONITOR the health check of a replica source cannot read the replication state, and says which grant.
        await server.ExecuteAsync("REVOKE SLAVE MONITOR ON *.* FROM 'vgate'@'%'", token);
        await MySqlConnector.MySqlConnection.ClearAllPoolsAsync(token); // pooled sessions keep the privileges they logged in with
        health = await HealthAsync(uri, token);
        Assert.Contains("grant REPLICATION CLIENT, or SLAVE MONITOR on MariaDB", health.Problem, StringComparison.Ordinal);
        await server.ExecuteAsync("GRANT SLAVE MONITOR ON *.* TO 'vgate'@'%'", token);

        // Without BINLOG MONITOR, SHOW BINARY LOGS is refused: a start from a file position is refused naming it.
        stream = await StreamAsync(server, uri, token, filePosition: true);
        Assert.True(stream.Exit == 0, stream.Error);
        await server.ExecuteAsync("REVOKE BINLOG MONITOR ON *.* FROM 'vgate'@'%'", token);
        await MySqlConnector.MySqlConnection.ClearAllPoolsAsync(token); // pooled sessions keep the privileges they logged in with
        stream = await StreamAsync(server, uri, token, filePosition: true);
        Assert.NotEqual(0, stream.Exit);
        Assert.Contains("BINLOG MONITOR", stream.Error, StringComparison.Ordinal);
        await server.ExecuteAsync("GRANT BINLOG MONITOR ON *.* TO 'vgate'@'%'", token);

        // Without REPLICATION SLAVE the binlog dump is refused.
        await server.ExecuteAsync("REVOKE REPLICATION SLAVE ON *.* FROM 'vgate'@'%'", token);
        await MySqlConnector.MySqlConnection.ClearAllPoolsAsync(token); // pooled sessions keep the privileges they logged in with
        stream = await StreamAsync(server, uri, token);
        Assert.NotEqual(0, stream.Exit);
        Assert.Contains("REPLICATION SLAVE", stream.Error, StringComparison.Ordinal);
        await server.ExecuteAsync("GRANT REPLICATION SLAVE ON *.* TO 'vgate'@'%'", token);

        // Without SELECT (its only privilege in the database), information_schema hides the database from the user: the
        // copy is refused naming the grant (it used to copy nothing without an error).
        await server.ExecuteAsync("REVOKE SELECT ON commerce.* FROM 'vgate'@'%'", token);
        await MySqlConnector.MySqlConnection.ClearAllPoolsAsync(token); // pooled sessions keep the privileges they logged in with
        var refused = await Assert.ThrowsAnyAsync<VStreamException>(() => CopyAsync(uri, token));
        Assert.Contains("database commerce is not visible to the source user", refused.Message, StringComparison.Ordinal);
        Assert.Contains("GRANT SELECT ON `commerce`.*", refused.Message, StringComparison.Ordinal);

        // And with the grants back, all is well again (the failures above were the missing privileges).
        await server.ExecuteAsync("GRANT SELECT ON commerce.* TO 'vgate'@'%'", token);
        Assert.Equal(10, await CopyAsync(uri, token));
    }

    /// <summary>Writes one order as root, then reads the binlog from just before it as the vgate user with <c>vgate binlog</c>.</summary>
    private static async Task<(int Exit, string Output, string Error)> StreamAsync(MariaDbServer server, string uri, CancellationToken cancellationToken, bool filePosition = false)
    {
        var (file, position) = await server.GetBinlogPositionAsync(cancellationToken);
        var before = filePosition
            ? string.Create(CultureInfo.InvariantCulture, $"{file}:{position}")
            : await server.GetGtidBinlogPosAsync(cancellationToken);
        await server.ExecuteAsync("INSERT INTO commerce.corder (customer_id, sku, price) VALUES (1, 'SKU-1', 9.99)", cancellationToken);
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var exit = await BinlogCommand.RunAsync(["--source", uri, "--from", before, "--stop-at-end"], output, error, cancellationToken);
        return (exit, System.Text.Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    /// <summary>Copies commerce.customer through the copy phase as the vgate user; returns the rows copied.</summary>
    private static async Task<int> CopyAsync(string uri, CancellationToken cancellationToken)
    {
        var streamer = new ShardStreamer(new ShardStreamerOptions
        {
            Keyspace = "commerce",
            Shard = "0",
            Source = MySqlConnectionOptions.Parse(uri),
            Database = "commerce",
            Position = "",
            Filter = new Filter { Rules = { new Rule { Match = "customer", Filter = "select * from customer" } } },
            TablesToCopy = ["customer"],
        });
        var rows = 0;
        await foreach (var batch in streamer.StreamAsync(cancellationToken))
        {
            foreach (var vevent in batch)
            {
                if (vevent.Type == VEventType.Row)
                    rows += vevent.Materialize().RowEvent.RowChanges.Count;
                if (vevent.Type == VEventType.CopyCompleted)
                    return rows;
            }
        }
        throw new InvalidOperationException("the stream ended before the copy completed");
    }

    /// <summary>One health check of the server as a replica source of a one-shard keyspace, as the vgate user.</summary>
    private static async Task<SourceHealth> HealthAsync(string uri, CancellationToken cancellationToken)
    {
        var options = new GatewayOptions
        {
            Health = new SourceHealthOptions { Timeout = TimeSpan.FromSeconds(30) },
            Keyspaces =
            [
                new KeyspaceOptions
                {
                    Name = "commerce",
                    Shards = [new ShardOptions { Name = "0", Sources = [new SourceOptions { Uri = uri, Name = "r1", Role = SourceRole.Replica }] }],
                },
            ],
        };
        await using var monitor = new SourceHealthMonitor(options);
        await monitor.CheckAllAsync(cancellationToken);
        return monitor.Get("commerce", "0", "r1") ?? throw new InvalidOperationException("no health recorded");
    }

    /// <summary>Runs a script file with the server's own command-line client as root, as the MySQL image's entrypoint does.</summary>
    private static async Task RunScriptAsync(MariaDbServer server, string script)
    {
        var client = ClientPaths.FirstOrDefault(File.Exists) ?? "mariadb";
        var start = new System.Diagnostics.ProcessStartInfo(client)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--protocol=socket");
        start.ArgumentList.Add($"--socket={server.SocketPath}");
        start.ArgumentList.Add("-uroot");
        start.ArgumentList.Add($"-p{server.RootPassword}");
        start.ArgumentList.Add("--batch");
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.WriteAsync(await File.ReadAllTextAsync(script));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(script)} failed on mariadbd ({process.ExitCode}): {await error}{await output}");
    }
}
