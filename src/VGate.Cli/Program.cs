namespace VGate.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: vgate <command> [options]");
        return args.Length == 0 ? 2 : 2;
    }
}
