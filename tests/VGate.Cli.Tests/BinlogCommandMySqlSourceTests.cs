using System.Text;
using System.Text.Json;
using VGate.Cli.Commands;
using VGate.Testing;
using VGate.Testing.MySqlSource;

namespace VGate.Cli.Tests;

/// <summary>
/// <c>vgate binlog</c> on the MySQL path: JSON of the events a MySQL 8.0.28 server wrote, read over the replication
/// protocol from <see cref="MySqlSourceServer"/>; the values are the ones rust_mysql_common's test expects
/// (PROVENANCE.md), and <c>resume_position</c> is a MySQL GTID set that continues exactly after its transaction.
/// </summary>
public sealed class BinlogCommandMySqlSourceTests
{
    private const string EnumUuid = "93e95066-a2f4-11ec-9b69-9657f0ae95e2";

    [Fact]
    public async Task Binlog_MySqlSource_PrintsTheRowsAndResumesFromTheirResumePosition()
    {
        await using var source = MySqlSourceServer.Start(new MySqlSourceOptions { BinlogFile = MySqlBinlogFixtures.PathOf(MySqlBinlogFixtures.EnumStringSet) });
        var uri = $"mysql://{source.User.Name}:{source.User.Password}@{source.Host}:{source.Port}?ssl-mode=disabled&allow-public-key-retrieval=true";

        var (exit, lines, error) = await RunAsync("--source", uri, "--from", $"{EnumUuid}:1-2", "--stop-at-end");

        Assert.True(exit == 0, error);
        Assert.Equal([$"{EnumUuid}:3", $"{EnumUuid}:4", $"{EnumUuid}:5"], Strings(lines, "gtid", "gtid"));
        var insert = Assert.Single(lines, l => l.GetProperty("type").GetString() == "write_rows");
        Assert.Equal("mysql", insert.GetProperty("database").GetString());
        var row = Assert.Single(insert.GetProperty("rows").EnumerateArray().ToList());
        Assert.Equal(string.Concat(Enumerable.Repeat("0123456789", 10)), row.GetProperty("f1").GetString());
        Assert.Equal("var1", row.GetProperty("f3").GetString());
        Assert.Equal("one,three", row.GetProperty("f4").GetString());
        Assert.Equal("0123456789", row.GetProperty("f5").GetString());
        var after = Assert.Single(lines, l => l.GetProperty("type").GetString() == "update_rows").GetProperty("rows")[0].GetProperty("after");
        Assert.Equal(("field1", "field_2", "variant2", "two,four"),
            (after.GetProperty("f1").GetString(), after.GetProperty("f2").GetString(), after.GetProperty("f3").GetString(), after.GetProperty("f4").GetString()));
        var resume = Strings(lines, "xid", "resume_position");
        Assert.Equal([$"MySQL56/{EnumUuid}:1-3", $"MySQL56/{EnumUuid}:1-4", $"MySQL56/{EnumUuid}:1-5"], resume);

        var (resumedExit, resumed, resumedError) = await RunAsync("--source", uri, "--from", resume[1]!, "--stop-at-end");

        Assert.True(resumedExit == 0, resumedError);
        Assert.Equal([$"{EnumUuid}:5"], Strings(resumed, "gtid", "gtid"));
        Assert.Single(resumed, l => l.GetProperty("type").GetString() == "delete_rows");
        Assert.Equal([$"{EnumUuid}:1-2", $"{EnumUuid}:1-4"], source.DumpRequests);
    }

    private static List<string?> Strings(List<JsonElement> lines, string type, string property) =>
        lines.Where(l => l.GetProperty("type").GetString() == type).Select(l => l.GetProperty(property).GetString()).ToList();

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
}
