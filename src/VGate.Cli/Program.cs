using VGate.Cli.Commands;

namespace VGate.Cli;

internal static class Program
{
    private const string Usage = """
        usage: vgate <command> [options]

        commands:
          binlog    read a MySQL/MariaDB binlog and print one JSON object per event
          help      show this text, or `vgate help <command>` for a command's options

        """;

    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            if (args.Length > 1 && args[1] == "binlog")
            {
                Console.Out.Write(BinlogCommand.Usage);
                return 0;
            }
            Console.Out.Write(Usage);
            return args.Length == 0 ? 2 : 0;
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
                _ => throw new UsageException($"Unknown command '{command}'."),
            };
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"vgate: {ex.Message}");
            Console.Error.Write(command == "binlog" ? BinlogCommand.Usage : Usage);
            return 2;
        }
    }
}
