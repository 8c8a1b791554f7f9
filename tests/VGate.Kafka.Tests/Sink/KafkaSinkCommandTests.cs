using VGate.Kafka.Cli;

namespace VGate.Kafka.Tests.Sink;

/// <summary>The vgate-kafka / vgate kafka-sink command: help, usage errors and configuration errors with their exit codes.</summary>
public sealed class KafkaSinkCommandTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exit = await KafkaSinkCommand.RunAsync(args, output, error, "vgate-kafka", deadline.Token);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Run_Help_PrintsUsageWithEveryOptionGroup()
    {
        var (exit, output, _) = await RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: vgate-kafka --gateway HOST:PORT", output, StringComparison.Ordinal);
        Assert.Contains("--bootstrap-servers LIST", output, StringComparison.Ordinal);
        Assert.Contains("exit status:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOption_Exit2WithMessageAndUsage()
    {
        var (exit, _, error) = await RunAsync("--gateway", "x:1", "--bogus", "1");

        Assert.Equal(2, exit);
        Assert.StartsWith("vgate-kafka: Unrecognized command or argument '--bogus'.", error, StringComparison.Ordinal);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingRequiredOptions_Exit1ListingEachProblem()
    {
        var (exit, _, error) = await RunAsync("--gateway", "127.0.0.1:1");

        Assert.Equal(1, exit);
        Assert.Contains("invalid configuration", error, StringComparison.Ordinal);
        Assert.Contains("Keyspace is required.", error, StringComparison.Ordinal);
        Assert.Contains("TopicPrefix is required.", error, StringComparison.Ordinal);
        Assert.Contains("BootstrapServers is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadLogLevel_Exit2()
    {
        var (exit, _, error) = await RunAsync("--log-level", "loud");

        Assert.Equal(2, exit);
        Assert.Contains("--log-level", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public async Task Run_HelpWithOtherOptions_PrintsUsageExit0(string help)
    {
        // Help wins over the rest of the line, even an incomplete one (the issue: "--help needs a value", exit 2).
        var (exit, output, error) = await RunAsync("--gateway", "x:1", help);

        Assert.Equal((0, ""), (exit, error));
        Assert.StartsWith("usage: vgate-kafka --gateway HOST:PORT", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Version_PrintsAVersionExit0()
    {
        var (exit, output, _) = await RunAsync("--version");

        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Fact]
    public async Task Run_CheckConfig_ValidConfigurationExit0WithoutConnecting()
    {
        // Nothing listens on these ports: a run would fail; --check-config only loads and validates.
        var (exit, output, error) = await RunAsync("--gateway", "127.0.0.1:1", "--keyspace", "ks", "--bootstrap-servers", "127.0.0.1:1",
            "--topic-prefix", "shop", "--check-config");

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal("vgate-kafka: configuration valid: keyspace ks from 127.0.0.1:1 into 127.0.0.1:1, topics shop.ks.*", output.Trim());
    }
}
