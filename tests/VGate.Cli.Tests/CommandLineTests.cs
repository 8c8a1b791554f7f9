using VGate.Kafka.Cli;

namespace VGate.Cli.Tests;

/// <summary>
/// The whole <c>vgate</c> command line as Program parses it (System.CommandLine): --help/-h on every command, --version,
/// completion, and parse errors as one line, the command's usage and exit status 2 (docs/cli.md).
/// </summary>
public sealed class CommandLineTests
{
    private static readonly string[] TopLevelWords = ["serve", "stream", "binlog", "kafka-sink", "--version"];

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        int exit;
        try
        {
            exit = await CliRunner.InvokeAsync(Program.CreateRootCommand(), args, output, error, "vgate", _ => null, deadline.Token);
        }
        catch (UsageException ex)
        {
            // Program.Main prints these the same way; the tests only need the message.
            await error.WriteLineAsync($"vgate: {ex.Message}");
            exit = 2;
        }
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("serve", "--help", "usage: vgate serve ")]
    [InlineData("serve", "-h", "usage: vgate serve ")]
    [InlineData("stream", "--help", "usage: vgate stream ")]
    [InlineData("stream", "-h", "usage: vgate stream ")]
    [InlineData("binlog", "--help", "usage: vgate binlog ")]
    [InlineData("binlog", "-h", "usage: vgate binlog ")]
    [InlineData("kafka-sink", "--help", "usage: vgate kafka-sink ")]
    [InlineData("kafka-sink", "-h", "usage: vgate kafka-sink ")]
    public async Task Help_OnEveryCommand_PrintsItsUsageExit0(string command, string help, string expected)
    {
        var (exit, output, error) = await RunAsync(command, help);

        Assert.Equal((0, ""), (exit, error));
        Assert.StartsWith(expected, output, StringComparison.Ordinal);
        Assert.Contains("exit status", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_WithRequiredOptionsMissingOrUnknownOnes_StillPrintsUsage()
    {
        var (exit, output, _) = await RunAsync("stream", "--keyspace", "ks", "--bogus", "--help");

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: vgate stream ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_AtTheTop_ListsTheCommands(string help)
    {
        var (exit, output, _) = await RunAsync(help);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: vgate <command>", output, StringComparison.Ordinal);
        Assert.All(TopLevelWords, c => Assert.Contains(c, output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Version_PrintsTheInformationalVersionExit0()
    {
        var (exit, output, error) = await RunAsync("--version");

        Assert.Equal((0, ""), (exit, error));
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Theory]
    [InlineData(new[] { "stream", "--gateway", "x:1", "--keyspace", "ks", "--bogus", "1" }, "'--bogus'")]
    [InlineData(new[] { "serve", "--listen" }, "'--listen'")]
    [InlineData(new[] { "binlog", "--source", "mysql://u:p@h", "--from", "a", "--from", "b" }, "'--from'")]
    [InlineData(new[] { "nonsense" }, "'nonsense'")]
    [InlineData(new[] { "serve", "--client-cert-mode", "sometimes" }, "--client-cert-mode")]
    public async Task BadCommandLine_OneLineNamingTheOptionExit2(string[] args, string expected)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.StartsWith("vgate: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error.Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suggest_CompletesAnOptionOfTheCommand()
    {
        var (exit, output, _) = await RunAsync("[suggest:10]", "serve --li");

        Assert.Equal(0, exit);
        Assert.Equal(["--listen"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
