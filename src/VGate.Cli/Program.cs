using VGate.Cli.Commands;

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
          help      show this text, or `vgate help <command>` for a command's options
          --version print the version

        """;

    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            if (args.Length > 1 && UsageOf(args[1]) is { } usage)
            {
                Console.Out.Write(usage);
                return 0;
            }
            Console.Out.Write(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args is ["--version"])
        {
            Console.Out.WriteLine($"vgate {Version}");
            return 0;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var command = args[0];
        var rest = args.Skip(1).ToArray();
        try
        {
            return command switch
            {
                "binlog" => await BinlogCommand.RunAsync(rest, Console.OpenStandardOutput(), Console.Error, cancellation.Token),
                "serve" => await ServeCommand.RunAsync(rest, Console.Error, cancellation.Token),
                "stream" => await StreamCommand.RunAsync(rest, Console.OpenStandardOutput(), Console.Error, cancellation.Token),
                // The Kafka sink parses its own options (connectors/VGate.Kafka) and handles SIGINT/SIGTERM itself.
                "kafka-sink" => await VGate.Kafka.Cli.KafkaSinkCommand.RunAsync(rest, Console.Out, Console.Error, "vgate kafka-sink", cancellation.Token),
                _ => throw new UsageException($"Unknown command '{command}'."),
            };
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"vgate: {ex.Message}");
            Console.Error.Write(UsageOf(command) ?? Usage);
            return 2;
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

    private static string? UsageOf(string command) => command switch
    {
        "binlog" => BinlogCommand.Usage,
        "serve" => ServeCommand.Usage,
        "stream" => StreamCommand.Usage,
        "kafka-sink" => VGate.Kafka.Cli.KafkaSinkCommand.Usage("vgate kafka-sink"),
        _ => null,
    };
}
