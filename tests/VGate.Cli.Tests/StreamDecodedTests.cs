using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VGate.Cli.Commands;
using VGate.Testing;

namespace VGate.Cli.Tests;

/// <summary>
/// <c>vgate stream --format decoded</c> against a real VGate server over a real mariadbd: copy-phase and live rows as
/// column → value objects, each value checked against what SELECT returns.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StreamDecodedTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [Fact]
    public async Task Decoded_CopyAndLiveRows_ValuesAsSelectReturnsThem()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        var database = await fixture.CreateDatabaseAsync(deadline.Token);
        await fixture.Server.ExecuteAsync($"""
            CREATE TABLE `{database}`.t (id INT PRIMARY KEY, ubig BIGINT UNSIGNED, d DECIMAL(10,4), s VARCHAR(20), vb VARBINARY(8),
              bits BIT(10), dt DATETIME(3), db DOUBLE, e ENUM('small','large'), n INT NULL);
            INSERT INTO `{database}`.t VALUES (1, 18446744073709551615, -123.4500, 'Grüße', x'00ff10', b'1000000001', '2026-11-25 10:00:00.123', 1.5, 'large', NULL);
            """, deadline.Token);

        await using var app = await TestGateway.StartAsync(fixture.Server, database, "127.0.0.1:0");
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var output = new LineCollector();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        using var error = new StringWriter();
        var run = StreamCommand.RunAsync(["--gateway", address, "--keyspace", database, "--from", "copy", "--format", "decoded"], output, error, stop.Token);

        // The copied row, then a live insert once the copy is done.
        await Eventually.UntilAsync(() => Task.FromResult(Rows(output.Lines())), rows => rows.Count >= 1, TestDeadline.ServerStart, deadline.Token);
        await fixture.Server.ExecuteAsync($"INSERT INTO `{database}`.t VALUES (2, 0, 0.0001, '', '', b'0', '1970-01-02 00:00:00.000', -0.1, 'small', 7)", deadline.Token);
        var rows = await Eventually.UntilAsync(() => Task.FromResult(Rows(output.Lines())), rows => rows.Count >= 2, TestDeadline.ServerStart, deadline.Token);
        await stop.CancelAsync();
        Assert.Equal(0, await run);

        var expected = await fixture.Server.QueryAsync($"""
            SELECT id, CAST(ubig AS CHAR), CAST(d AS CHAR), s, TO_BASE64(vb), CAST(bits + 0 AS CHAR), CAST(dt AS CHAR), CAST(db AS CHAR), CAST(e AS CHAR), n
            FROM `{database}`.t ORDER BY id
            """, deadline.Token);
        Assert.Equal(2, rows.Count);
        for (var i = 0; i < 2; i++)
        {
            var row = rows[i];
            var select = expected[i];
            Assert.Equal(Convert.ToInt64(select[0], CultureInfo.InvariantCulture), row.GetProperty("id").GetInt64());
            Assert.Equal(JsonValueKind.Number, row.GetProperty("ubig").ValueKind);
            Assert.Equal((string)select[1]!, row.GetProperty("ubig").GetRawText());
            Assert.Equal((string)select[2]!, row.GetProperty("d").GetString());
            Assert.Equal((string)select[3]!, row.GetProperty("s").GetString());
            Assert.Equal((string)select[4]!, row.GetProperty("vb").GetString());
            Assert.Equal((string)select[5]!, row.GetProperty("bits").GetRawText());
            Assert.Equal((string)select[6]!, row.GetProperty("dt").GetString());
            Assert.Equal(double.Parse((string)select[7]!, CultureInfo.InvariantCulture), row.GetProperty("db").GetDouble());
            Assert.Equal((string)select[8]!, row.GetProperty("e").GetString());
            if (select[9] is null or DBNull)
                Assert.Equal(JsonValueKind.Null, row.GetProperty("n").ValueKind);
            else
                Assert.Equal(Convert.ToInt64(select[9], CultureInfo.InvariantCulture), row.GetProperty("n").GetInt64());
        }
    }

    [Fact]
    public async Task Reconnect_GatewayStoppedAndRestartedMidStream_EveryChangeExactlyOnce()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart * 2);
        var database = await fixture.CreateDatabaseAsync(deadline.Token);
        await fixture.Server.ExecuteAsync($"CREATE TABLE `{database}`.t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO `{database}`.t VALUES (1, 'a'), (2, 'b'), (3, 'c');", deadline.Token);
        var resume = Path.Combine(Path.GetTempPath(), $"vgate-reconnect-{Guid.NewGuid():N}.json");
        var app = await TestGateway.StartAsync(fixture.Server, database, "127.0.0.1:0");
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var output = new LineCollector();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        using var error = new StringWriter();
        Task<int> run;
        try
        {
            run = StreamCommand.RunAsync(["--gateway", address, "--keyspace", database, "--from", "copy", "--format", "decoded", "--resume-file", resume,
                "--reconnect-initial-delay", "0.05", "--reconnect-max-delay", "0.5"], output, error, stop.Token);
            await Eventually.UntilAsync(() => Task.FromResult(Rows(output.Lines())), rows => rows.Count >= 3, TestDeadline.ServerStart, deadline.Token);
            await fixture.Server.ExecuteAsync($"INSERT INTO `{database}`.t VALUES (4, 'd')", deadline.Token);
            await Eventually.UntilAsync(() => Task.FromResult(Rows(output.Lines())), rows => rows.Count >= 4, TestDeadline.ServerStart, deadline.Token);

            // The gateway goes away with the stream open (a cancelled stop aborts the connections), changes happen
            // meanwhile, and it comes back on the same port.
            await app.StopAsync(new CancellationToken(canceled: true));
            await app.DisposeAsync();
            await fixture.Server.ExecuteAsync($"INSERT INTO `{database}`.t VALUES (5, 'e'); UPDATE `{database}`.t SET v = 'A' WHERE id = 1;", deadline.Token);
            app = await TestGateway.StartAsync(fixture.Server, database, new Uri(address).Authority);
            await fixture.Server.ExecuteAsync($"INSERT INTO `{database}`.t VALUES (6, 'f')", deadline.Token);
            await Eventually.UntilAsync(() => Task.FromResult(Rows(output.Lines())), rows => rows.Any(r => r.GetProperty("id").GetInt32() == 6), TestDeadline.ServerStart, deadline.Token);
            await stop.CancelAsync();
            Assert.Equal(0, await run);
        }
        finally
        {
            await app.DisposeAsync();
            File.Delete(resume);
        }

        // Every change once: the copy (1-3), 4, 5, the update of 1, 6 — no duplicate from the reconnect.
        var changes = Rows(output.Lines()).Select(r => (r.GetProperty("id").GetInt32(), r.GetProperty("v").GetString())).ToList();
        Assert.Equal([(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e"), (1, "A"), (6, "f")], changes);
        Assert.Contains("reconnecting", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Every "after" image of the ROW events printed so far, in order.</summary>
    private static List<JsonElement> Rows(IEnumerable<string> lines) =>
    [
        .. lines.Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Where(e => e.GetProperty("type").GetString() == "ROW")
            .SelectMany(e => e.GetProperty("rowEvent").GetProperty("rowChanges").EnumerateArray())
            .Where(c => c.TryGetProperty("after", out _))
            .Select(c => c.GetProperty("after")),
    ];
}
