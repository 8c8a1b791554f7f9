using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using Vtgate;
using VGate.Gateway.Health;
using VGate.Server.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.Server.Tests;

/// <summary>
/// <c>SHOW VITESS_TABLETS</c> reports what the source health monitor found on real servers, not a fixed SERVING; and
/// MySQL's string-literal and LIKE rules as the server itself applies them.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ExecuteTabletHealthTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static async Task<List<List<string>>> TabletsAsync(TestServerHost host)
    {
        var response = await host.Client.ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW VITESS_TABLETS" } });
        Assert.Null(response.Error);
        return response.Result.Rows.Select(row =>
        {
            var values = new List<string>();
            var offset = 0;
            foreach (var length in row.Lengths)
            {
                values.Add(System.Text.Encoding.UTF8.GetString(row.Values.Span.Slice(offset, (int)length)));
                offset += (int)length;
            }
            return values;
        }).ToList();
    }

    [ServerFact]
    public async Task Execute_ShowVitessTablets_StateFromHealthChecks()
    {
        var reachable = fixture.Server.ReplicationUri.ToString();
        var nothingListens = string.Create(CultureInfo.InvariantCulture, $"mysql://vgate:x@127.0.0.1:{FreePort.GetAvailableTcpPort()}");
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            // Only the checks this test runs: the periodic loop checks once at start, then not for an hour.
            ["VGate:Health:Interval"] = "01:00:00",
            ["VGate:Health:Timeout"] = "00:00:05",
            ["VGate:Keyspaces:0:Name"] = "commerce",
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = reachable,
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Name"] = "primary",
            ["VGate:Keyspaces:0:Shards:0:Sources:1:Uri"] = reachable,
            ["VGate:Keyspaces:0:Shards:0:Sources:1:Role"] = "Replica",
            ["VGate:Keyspaces:0:Shards:0:Sources:1:Name"] = "replica-not-replicating",
            ["VGate:Keyspaces:0:Shards:0:Sources:2:Uri"] = nothingListens,
            ["VGate:Keyspaces:0:Shards:0:Sources:2:Name"] = "down",
        }, withTopology: false);
        var monitor = host.Services.GetRequiredService<SourceHealthMonitor>();

        await monitor.CheckAllAsync();
        var rows = await TabletsAsync(host);

        Assert.Equal(3, rows.Count);
        // A reachable primary serves; a "replica" that does not replicate does not; nor does a source nobody answers on.
        Assert.Equal(["vgate", "commerce", "0", "PRIMARY", "SERVING", "vgate-0000000100", "127.0.0.1"], rows[0].Take(7));
        Assert.Equal(["vgate", "commerce", "0", "REPLICA", "NOT_SERVING", "vgate-0000000101", "127.0.0.1", ""], rows[1]);
        Assert.Equal(["vgate", "commerce", "0", "PRIMARY", "NOT_SERVING", "vgate-0000000102", "127.0.0.1", ""], rows[2]);

        // PrimaryTermStartTime: when the primary's server started, as the server itself tells it (within the second the
        // two readings may straddle); unknown (empty) for the primary nobody answers on.
        var started = DateTimeOffset.ParseExact(rows[0][7], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var serverStarted = DateTimeOffset.FromUnixTimeSeconds(await fixture.Server.ScalarAsync<long>(
            "SELECT UNIX_TIMESTAMP() - VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'"));
        Assert.InRange((started - serverStarted).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Execute_ShowVitessTabletsWithHealthChecksOff_StateUnknown()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["VGate:Health:Enabled"] = "false" });

        var rows = await TabletsAsync(host);

        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal("UNKNOWN", r[4]));
    }

    /// <summary>
    /// Each literal is decoded by <see cref="VGate.Server.Execute.ShowStatement.TryReadStringLiterals"/> and by MariaDB
    /// (<c>SELECT literal</c>), and each LIKE is decided by <see cref="VGate.Server.Execute.ShowStatement.Matches"/> and by
    /// MariaDB (binary collation: vtgate compares these names case-sensitively). Both must agree.
    /// </summary>
    [ServerTheory]
    [InlineData(@"'my\_ks/%'", "my_ks/0")]
    [InlineData(@"'my\_ks/%'", "myXks/0")]
    [InlineData(@"'my_ks/%'", "myXks/0")]
    [InlineData(@"'100\%'", "100%")]
    [InlineData(@"'100\%'", "1000")]
    [InlineData(@"'%\%%'", "50%off")]
    [InlineData(@"'it''s'", "it's")]
    [InlineData(@"'it\'s'", "it's")]
    [InlineData(@"""say \""hi\""""", "say \"hi\"")]
    [InlineData(@"""a""""b""", "a\"b")]
    [InlineData(@"'a\\\\b'", @"a\b")]
    [InlineData(@"'a\\b'", "ab")]
    [InlineData(@"'a\\b'", @"a\b")]
    [InlineData(@"'ks\\'", @"ks\")]
    [InlineData(@"'ks\\'", "ks")]
    [InlineData(@"'tab\there'", "tab\there")]
    [InlineData(@"'new\nline'", "new\nline")]
    [InlineData(@"'\x\y'", "xy")]
    [InlineData(@"'a' 'b%'", "abc")]
    [InlineData(@"'a'  ""b"" '_'", "abc")]
    [InlineData(@"'a%'", "A")]
    [InlineData(@"'_'", "é")]
    [InlineData(@"'\0'", "\0")]
    [InlineData(@"'\Z'", "\x1A")]
    [InlineData(@"'\b'", "\b")]
    [InlineData(@"'\r'", "\r")]
    public async Task StringLiteralAndLike_AgreeWithMariaDb(string literal, string value)
    {
        var position = 0;
        Assert.True(VGate.Server.Execute.ShowStatement.TryReadStringLiterals(literal, ref position, out var decoded));
        Assert.Equal(literal.Length, position);

        await using var connection = await fixture.Server.OpenConnectionAsync();
        await using (var mode = new MySqlCommand("SET SESSION sql_mode = DEFAULT", connection))
            await mode.ExecuteNonQueryAsync();
        await using var command = new MySqlCommand(
            $"SELECT CAST({literal} AS CHAR CHARACTER SET utf8mb4), CONVERT(@v USING utf8mb4) COLLATE utf8mb4_bin LIKE {literal}", connection);
        command.Parameters.AddWithValue("@v", value);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var serverDecoded = reader.GetString(0);
        var serverMatches = reader.GetInt64(1) == 1;

        Assert.Equal(serverDecoded, decoded);
        Assert.Equal(serverMatches, VGate.Server.Execute.ShowStatement.Matches(decoded, value));
    }
}
