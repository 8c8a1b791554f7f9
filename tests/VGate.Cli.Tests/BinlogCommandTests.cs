using System.Text;
using System.Text.Json;
using VGate.Cli.Commands;
using VGate.Testing;

namespace VGate.Cli.Tests;

/// <summary>
/// <c>vgate binlog</c> end to end against a real MariaDB: the JSON lines it prints, resuming from the
/// <c>resume_position</c> it reports, and its errors for bad command lines and bad sources.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BinlogCommandTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static async Task<(int Exit, List<JsonElement> Lines, string Error)> RunAsync(params string[] args)
    {
        using var output = new MemoryStream();
        using var error = new StringWriter();
        using var deadline = TestDeadline.CreateTokenSource();
        var exit = await BinlogCommand.RunAsync(args, output, error, deadline.Token);
        var lines = Encoding.UTF8.GetString(output.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
        return (exit, lines, error.ToString());
    }

    private string Source => fixture.Server.ReplicationUri.ToString();

    [ServerFact]
    public async Task Binlog_PasswordFromFileReference_Streams()
    {
        var db = await fixture.CreateDatabaseAsync();
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY)");
        var start = "MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync();
        await fixture.Server.ExecuteAsync($"INSERT INTO {db}.t VALUES (7)");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, fixture.Server.ReplicationPassword + "\n");
            var source = $"mysql://{fixture.Server.ReplicationUser}:{{file:{file}}}@{MariaDbServer.Host}:{fixture.Server.Port}?ssl-mode=disabled";

            var (exit, lines, error) = await RunAsync("--source", source, "--from", start, "--stop-at-end");

            Assert.True(exit == 0, error);
            Assert.Contains(lines, l => l.GetProperty("type").GetString() == "write_rows");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [ServerFact]
    public async Task Binlog_RowChanges_PrintsOneJsonObjectPerEventWithTypedValues()
    {
        var db = await fixture.CreateDatabaseAsync();
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2), raw VARBINARY(4), flags BIT(4), j JSON)");
        var start = "MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync();
        await fixture.Server.ExecuteAsync($"INSERT INTO {db}.t VALUES (1, 'Zoë', 12.50, x'00ff', b'1010', '{{\"a\": 1}}')");
        await fixture.Server.ExecuteAsync($"UPDATE {db}.t SET name = NULL WHERE id = 1");

        var (exit, lines, error) = await RunAsync("--source", Source, "--from", start, "--stop-at-end");

        Assert.True(exit == 0, error);
        var insert = Assert.Single(lines, l => l.GetProperty("type").GetString() == "write_rows");
        Assert.Equal(db, insert.GetProperty("database").GetString());
        var row = Assert.Single(insert.GetProperty("rows").EnumerateArray().ToList());
        Assert.Equal(1, row.GetProperty("id").GetInt32());
        Assert.Equal("Zoë", row.GetProperty("name").GetString());
        Assert.Equal("12.50", row.GetProperty("price").GetString());
        Assert.Equal(Convert.ToBase64String([0x00, 0xff]), row.GetProperty("raw").GetString());
        Assert.Equal(10, row.GetProperty("flags").GetInt32());
        Assert.Equal("{\"a\": 1}", row.GetProperty("j").GetString());

        var update = Assert.Single(lines, l => l.GetProperty("type").GetString() == "update_rows");
        var change = Assert.Single(update.GetProperty("rows").EnumerateArray().ToList());
        Assert.Equal("Zoë", change.GetProperty("before").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("after").GetProperty("name").ValueKind);

        var commits = lines.Where(l => l.TryGetProperty("resume_position", out _)).ToList();
        Assert.Equal(2, commits.Count);
        Assert.All(lines, l => Assert.True(l.TryGetProperty("timestamp", out _)));
    }

    [ServerFact]
    public async Task Binlog_SavepointsAndCreateSelect_ResumePositionsOnlyAtGroupEndsAndEachResumesAtTheNextGroup()
    {
        var db = await fixture.CreateDatabaseAsync();
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY) ENGINE=InnoDB");
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.m (id INT PRIMARY KEY) ENGINE=MyISAM");
        var start = "MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync();
        await fixture.Server.ExecuteAsync($"BEGIN; INSERT INTO {db}.t VALUES (1); SAVEPOINT a; INSERT INTO {db}.m VALUES (1); INSERT INTO {db}.t VALUES (2); ROLLBACK TO a; INSERT INTO {db}.t VALUES (3); COMMIT");
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.c ENGINE=InnoDB SELECT * FROM {db}.t");
        await fixture.Server.ExecuteAsync($"INSERT INTO {db}.t VALUES (4)");

        var (exit, lines, error) = await RunAsync("--source", Source, "--from", start, "--stop-at-end");

        Assert.True(exit == 0, error);
        // vgate binlog prints the server's log as it is, the ROLLBACK TO included, but positions only where groups end.
        string Sql(JsonElement l) => l.TryGetProperty("sql", out var sql) ? sql.GetString() ?? "" : "";
        var inside = lines.Where(l => l.GetProperty("type").GetString() == "query" &&
            (Sql(l).StartsWith("SAVEPOINT", StringComparison.Ordinal) || Sql(l).StartsWith("ROLLBACK TO", StringComparison.Ordinal) ||
             Sql(l).StartsWith("CREATE TABLE", StringComparison.Ordinal))).ToList();
        Assert.Equal(3, inside.Count);
        Assert.All(inside, l => Assert.False(l.TryGetProperty("resume_position", out _), l.ToString()));

        var gtids = lines.Where(l => l.GetProperty("type").GetString() == "gtid").Select(l => l.GetProperty("gtid").GetString()).ToList();
        var positions = lines.Where(l => l.TryGetProperty("resume_position", out _)).Select(l => l.GetProperty("resume_position").GetString()!).ToList();
        Assert.Equal(4, gtids.Count); // the MyISAM row's group, the savepoint group, CREATE … SELECT, the last insert
        Assert.Equal(gtids.Count, positions.Count);
        for (var k = 0; k < positions.Count; k++)
        {
            var (_, resumed, _) = await RunAsync("--source", Source, "--from", positions[k], "--stop-at-end");
            Assert.Equal(gtids.Skip(k + 1), resumed.Where(l => l.GetProperty("type").GetString() == "gtid").Select(l => l.GetProperty("gtid").GetString()));
        }
    }

    [ServerFact]
    public async Task Binlog_FromResumePosition_PrintsOnlyLaterTransactions()
    {
        var db = await fixture.CreateDatabaseAsync();
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.r (id INT PRIMARY KEY)");
        var start = "MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync();
        await fixture.Server.ExecuteAsync($"INSERT INTO {db}.r VALUES (1)");
        await fixture.Server.ExecuteAsync($"INSERT INTO {db}.r VALUES (2)");
        var (_, first, _) = await RunAsync("--source", Source, "--from", start, "--stop-at-end");
        var afterFirst = first.First(l => l.TryGetProperty("resume_position", out _)).GetProperty("resume_position").GetString()!;

        var (exit, lines, error) = await RunAsync("--source", Source, "--from", afterFirst, "--stop-at-end");

        Assert.True(exit == 0, error);
        var ids = lines.Where(l => l.GetProperty("type").GetString() == "write_rows")
            .Select(l => l.GetProperty("rows")[0].GetProperty("id").GetInt32());
        Assert.Equal([2], ids);
    }

    [ServerFact]
    public async Task Binlog_ManyEventsAndEventsLargerThanABatch_PrintsEveryEventInOrderWithTheValuesSelectReturns()
    {
        // vgate binlog formats batches of events on other threads (EventBatch, about 256 KB of row bytes each): 3,000
        // rows in ten statements fill several batches; a row of about 750 KB and its statement each need a batch of
        // their own; latin1 text with accents is transcoded, UTF-8 text escaped as it is.
        var db = await fixture.CreateDatabaseAsync();
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.big (id INT PRIMARY KEY, doc LONGTEXT CHARACTER SET utf8mb4, note MEDIUMTEXT CHARACTER SET latin1)");
        var start = "MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync();
        static string Doc(int id) => string.Concat(Enumerable.Repeat($"Zoë \"{id}\"\\\t€ ", 20));
        static string Note(int id) => new('é', id % 300);
        for (var statement = 0; statement < 10; statement++)
        {
            var rows = Enumerable.Range(statement * 300 + 1, 300).Select(id => $"({id}, '{Doc(id)}', '{Note(id)}')");
            await fixture.Server.ExecuteAsync($"INSERT INTO {db}.big VALUES {string.Join(", ", rows)}");
        }
        var bigDoc = string.Concat(Enumerable.Repeat("large \"text\"\n", 50_000));
        var bigNote = string.Concat(Enumerable.Repeat("café ", 20_000));
        await fixture.Server.ExecuteAsync($"INSERT INTO {db}.big VALUES (5000, '{bigDoc}', '{bigNote}')");

        var (exit, lines, error) = await RunAsync("--source", Source, "--from", start, "--stop-at-end");

        Assert.True(exit == 0, error);
        var positions = lines.Where(l => l.TryGetProperty("position", out _)).Select(l => l.GetProperty("position").GetInt64()).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
        var printed = lines.Where(l => l.GetProperty("type").GetString() == "write_rows")
            .SelectMany(l => l.GetProperty("rows").EnumerateArray())
            .Select(row => (Id: row.GetProperty("id").GetInt32(), Doc: row.GetProperty("doc").GetString(), Note: row.GetProperty("note").GetString()))
            .ToList();
        var selected = (await fixture.Server.QueryAsync($"SELECT id, doc, note FROM {db}.big ORDER BY id"))
            .Select(r => (Id: Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture), Doc: (string?)r[1], Note: (string?)r[2]))
            .ToList();
        Assert.Equal(3001, selected.Count);
        Assert.Equal(selected, printed);
        Assert.Equal(bigDoc, printed[^1].Doc);
        var statements = lines.Where(l => l.GetProperty("type").GetString() == "annotate_rows").Select(l => l.GetProperty("sql").GetString()!).ToList();
        Assert.Equal(11, statements.Count);
        Assert.StartsWith($"INSERT INTO {db}.big VALUES (5000, 'large", statements[^1], StringComparison.Ordinal);
        Assert.True(statements[^1].Length > 700_000, $"{statements[^1].Length} characters");
    }

    [ServerFact]
    public async Task Binlog_MaxEvents_StopsAfterThatMany()
    {
        var start = "MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync();

        var (exit, lines, _) = await RunAsync("--source", Source, "--from", start, "--max-events", "2");

        Assert.Equal(0, exit);
        Assert.Equal(2, lines.Count);
    }

    [ServerFact]
    public async Task Binlog_UntilIdle_EndsWhenNothingArrives()
    {
        var (exit, lines, error) = await RunAsync("--source", Source, "--until-idle", "1");

        Assert.True(exit == 0, error);
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "format_description");
    }

    [ServerFact]
    public async Task Binlog_WrongPassword_ExitsOneWithTheServerMessage()
    {
        var source = new UriBuilder(fixture.Server.ReplicationUri) { Password = "wrong" }.Uri.ToString();

        var (exit, lines, error) = await RunAsync("--source", source, "--stop-at-end");

        Assert.Equal(1, exit);
        Assert.Empty(lines);
        Assert.Contains("1045", error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "--source")]
    [InlineData(new[] { "--source", "http://x" }, "mysql")]
    [InlineData(new[] { "--source", "mysql://u:p@h", "--from", "garbage" }, "garbage")]
    [InlineData(new[] { "--source", "mysql://u:p@h", "--max-events", "0" }, "--max-events")]
    [InlineData(new[] { "--source", "mysql://u:p@h", "--until-idle", "-1" }, "--until-idle")]
    [InlineData(new[] { "--source", "mysql://u:p@h", "--frm", "current" }, "--frm")]
    [InlineData(new[] { "--source" }, "--source")]
    [InlineData(new[] { "--source", "mysql://u:{env:VGATE_TEST_SURELY_UNSET_77}@h" }, "'VGATE_TEST_SURELY_UNSET_77'")]
    [InlineData(new[] { "--source", "mysql://u:{file:/nonexistent/vgate-pw}@h" }, "'/nonexistent/vgate-pw'")]
    [InlineData(new[] { "--source", "mysql://u:Zq/Wv7Xk@h" }, "percent-encode")]
    public async Task Binlog_BadCommandLine_ThrowsUsageErrorNamingTheProblem(string[] args, string expected)
    {
        var error = await Assert.ThrowsAsync<UsageException>(() => RunAsync(args));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
