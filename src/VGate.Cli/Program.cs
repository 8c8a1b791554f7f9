using System.CommandLine;
using VGate.Cli.Commands;
using VGate.Kafka.Cli;

namespace VGate.Cli;

internal static class Program
{
    private const string Usage = """
        usage: vgate <command> [options]

        commands:
          serve     run the VStream gRPC server (vtgateservice.Vitess)
          stream    call VStream on a server and print one JSON object per event
          binlog    read a MySQL/MariaDB binlog and print one JSON object per event
          kafka-sink  stream a keyspace into Kafka as Debezium-style events, exactly once (also: vgate-kafka)

        options:
          -h, --help   this text; `vgate <command> --help` for a command's options
          --version    print the version and exit

        exit status (every command; docs/cli.md): 0 done, 1 failed (message on stderr), 2 bad command line.
        Shell completion: dotnet-suggest (docs/cli.md).

        """;

    private static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var root = CreateRootCommand();
        // `vgate` alone prints the usage and exits 2 (it is not a request for help); `vgate help [command]` is --help.
        if (args.Length == 0)
        {
            await Console.Error.WriteAsync(Usage);
            return ExitCodes.Usage;
        }
        if (args[0] == "help")
            args = [.. args.Skip(1).Take(1), "--help"];

        try
        {
            return await CliRunner.InvokeAsync(root, args, Console.Out, Console.Error, "vgate", UsageOf, cancellation.Token);
        }
        catch (UsageException ex)
        {
            var command = root.Subcommands.FirstOrDefault(c => args.Contains(c.Name, StringComparer.Ordinal));
            await Console.Error.WriteLineAsync($"vgate: {ex.Message}");
            await Console.Error.WriteAsync(command is null ? Usage : UsageOf(command));
            return ExitCodes.Usage;
        }
    }

    /// <summary>The informational version (Directory.Build.props <c>Version</c>), without the source revision suffix.</summary>
    internal static string Version
    {
        get
        {
            var version = typeof(Program).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    /// <summary>The whole command tree: System.CommandLine parses it and provides --help/-h, --version and [suggest].</summary>
    internal static RootCommand CreateRootCommand()
    {
        var binlog = BinlogCommand.CreateCommand();
        binlog.SetAction((result, token) =>
            BinlogCommand.RunAsync(new CommandLineArguments(result), Console.OpenStandardOutput(), result.InvocationConfiguration.Error, token));
        var serve = ServeCommand.CreateCommand();
        serve.SetAction((result, token) => ServeCommand.RunAsync(new CommandLineArguments(result), result.InvocationConfiguration.Error, token));
        var stream = StreamCommand.CreateCommand();
        stream.SetAction((result, token) =>
            StreamCommand.RunAsync(new CommandLineArguments(result), Console.OpenStandardOutput(), result.InvocationConfiguration.Error, token));
        // The Kafka sink's options and run live in connectors/VGate.Kafka (also the vgate-kafka program).
        var root = new RootCommand("VGate: MySQL/MariaDB change data capture served as Vitess VStream.")
        {
            serve, stream, binlog, KafkaSinkCommand.CreateCommand("kafka-sink", "vgate kafka-sink"),
        };
        CliRunner.UseUsageText(root, UsageOf);
        return root;
    }

    private static string UsageOf(Command command) => command.Name switch
    {
        "binlog" => BinlogCommand.Usage,
        "serve" => ServeCommand.Usage,
        "stream" => StreamCommand.Usage,
        "kafka-sink" => KafkaSinkCommand.Usage("vgate kafka-sink"),
        _ => Usage,
    };
}
