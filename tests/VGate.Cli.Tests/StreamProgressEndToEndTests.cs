using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VGate.Cli.Commands;
using VGate.Testing;

namespace VGate.Cli.Tests;

/// <summary>
/// <c>vgate stream --from copy --progress always</c> against a real VGate server (Kestrel, localhost) over a real mariadbd:
/// the progress line's estimated total is what the server's own <c>SHOW TABLE STATUS</c> says for the filtered tables,
/// and it shows an ETA that counts down. The clock is one that moves a second each time it is read, so the line is
/// redrawn at every event whatever the machine's speed.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class StreamProgressEndToEndTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [Fact]
    public async Task Progress_CopyOfTwoOfThreeTables_TotalFromTheServersEstimatesAndACountdown()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart * 2);
        var token = deadline.Token;
        var database = await fixture.CreateDatabaseAsync(token);
        await fixture.Server.ExecuteAsync($"""
            USE `{database}`;
            CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
            CREATE TABLE small (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
            CREATE TABLE skipped (id INT PRIMARY KEY) ENGINE=InnoDB;
            INSERT INTO big SELECT seq, 'big row' FROM seq_1_to_1500;
            INSERT INTO small SELECT seq, 'small row' FROM seq_1_to_300;
            INSERT INTO skipped SELECT seq FROM seq_1_to_700;
            ANALYZE TABLE big, small, skipped;
            """, token);
        var estimate = 0L;
        foreach (var row in await fixture.Server.QueryAsync($"SHOW TABLE STATUS FROM `{database}` WHERE Name IN ('big', 'small')", token))
            estimate += Convert.ToInt64(row[4], CultureInfo.InvariantCulture); // Rows, the fifth column
        await using var app = await TestGateway.StartAsync(fixture.Server, database);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var output = new LineCollector();
        using var error = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var run = StreamCommand.RunAsync(
            ["--gateway", address, "--keyspace", database, "--from", "copy", "--filter", "big,small", "--progress", "always"],
            output, error, stop.Token, new SteppingClock());
        // The copy is over once the COPY_COMPLETED without keyspace (the whole stream's) is out.
        await Eventually.UntilAsync(
            () => Task.FromResult(output.Text()),
            text => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Any(IsStreamCopyCompleted),
            TestDeadline.ServerStart,
            token);
        await stop.CancelAsync();
        Assert.Equal(0, await run);

        var lines = error.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace("\x1b[K", "", StringComparison.Ordinal)).ToList();
        var total = estimate.ToString("N0", CultureInfo.InvariantCulture);
        var progress = lines.Where(l => l.StartsWith("copy: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, l => Assert.Contains($" of ~{total} rows", l, StringComparison.Ordinal));
        Assert.All(progress, l => Assert.Contains(" of 2 tables done", l, StringComparison.Ordinal));
        var etas = progress.Select(l => EtaPattern().Match(l)).Where(m => m.Success)
            .Select(m => TimeSpan.Parse(m.Groups["eta"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(etas.Count >= 10, $"expected an ETA on most lines, got {etas.Count} of {progress.Count}: {progress.Last()}");
        Assert.True(etas[^1] < etas[0], $"the ETA did not count down: first {etas[0]}, last {etas[^1]}");
        Assert.All(etas, eta => Assert.InRange(eta, TimeSpan.Zero, TimeSpan.FromHours(100)));
        Assert.StartsWith("copy: 2 of 2 tables done, 1,800 of ~", progress[^1], StringComparison.Ordinal);
        // Erased once the copy completed: the last thing on standard error clears the line, and nothing else was said.
        Assert.EndsWith("\r\x1b[K", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("vgate:", error.ToString(), StringComparison.Ordinal);
    }

    private static bool IsStreamCopyCompleted(string line)
    {
        using var json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("type").GetString() == "COPY_COMPLETED" && !json.RootElement.TryGetProperty("keyspace", out _);
    }

    [GeneratedRegex(@", ETA >?(?<eta>\d+:\d\d:\d\d)$")]
    private static partial Regex EtaPattern();

    /// <summary>A clock one second later each time it is read.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, TimeSpan.TicksPerSecond);
    }
}
