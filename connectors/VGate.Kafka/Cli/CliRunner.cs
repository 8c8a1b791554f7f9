using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace VGate.Kafka.Cli;

/// <summary>
/// What <c>vgate</c> and <c>vgate-kafka</c> share about their command lines (System.CommandLine): <c>--help</c>/<c>-h</c>
/// on every command print the command's hand-written usage (grouped options and its exit statuses), <c>--version</c>,
/// the <c>[suggest]</c> completion directive, and parse errors as one line plus the usage on standard error with exit
/// status <see cref="ExitCodes.Usage"/> (docs/cli.md).
/// </summary>
public static class CliRunner
{
    /// <summary>
    /// Makes <c>--help</c>/<c>-h</c> on <paramref name="root"/> and every subcommand print <paramref name="usageOf"/> of
    /// the command it was given to (null: System.CommandLine's generated help).
    /// </summary>
    public static void UseUsageText(RootCommand root, Func<Command, string?> usageOf)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(usageOf);
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new UsageTextAction(help.Action, usageOf);
    }

    /// <summary>
    /// Parses <paramref name="args"/> against <paramref name="root"/> and runs the chosen command's action. A parse error
    /// prints "<paramref name="program"/>: message" and the command's usage on <paramref name="error"/> and returns 2;
    /// <c>--help</c> and <c>--version</c> print on <paramref name="output"/> and return 0.
    /// </summary>
    public static async Task<int> InvokeAsync(
        RootCommand root, IReadOnlyList<string> args, TextWriter output, TextWriter error, string program, Func<Command, string?> usageOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(usageOf);
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is not { ClearsParseErrors: true })
        {
            // The error about a word nobody asked for first ("Required command was not provided" says less).
            var first = result.UnmatchedTokens.Count == 0 ? null : result.Errors.FirstOrDefault(e => e.Message.Contains($"'{result.UnmatchedTokens[0]}'", StringComparison.Ordinal));
            await error.WriteLineAsync($"{program}: {(first ?? result.Errors[0]).Message}").ConfigureAwait(false);
            await error.WriteAsync(usageOf(result.CommandResult.Command) ?? $"Run '{program} --help' for usage.{Environment.NewLine}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        // No default exception handler: each command turns its own failures into a line and an exit status, and a bug
        // stays a visible crash. No process-termination timeout: the commands handle Ctrl-C/SIGTERM themselves (the
        // sink writes a final checkpoint, which may take longer than System.CommandLine's default 2 s grace).
        var configuration = new InvocationConfiguration
        {
            Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
        };
        return await result.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws <see cref="SinkUsageException"/> with the first parse error of <paramref name="result"/>, if any.</summary>
    internal static void ThrowOnError(ParseResult result)
    {
        if (result.Errors.Count > 0)
            throw new SinkUsageException(result.Errors[0].Message);
    }

    private sealed class UsageTextAction(CommandLineAction? fallback, Func<Command, string?> usageOf) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            if (usageOf(parseResult.CommandResult.Command) is { } usage)
            {
                parseResult.InvocationConfiguration.Output.Write(usage);
                return ExitCodes.Ok;
            }
            return fallback is SynchronousCommandLineAction action ? action.Invoke(parseResult) : ExitCodes.Ok;
        }
    }
}

/// <summary>The exit statuses of <c>vgate</c> and <c>vgate-kafka</c> (docs/cli.md has the table).</summary>
public static class ExitCodes
{
    /// <summary>Done, stopped by Ctrl-C/SIGTERM, or <c>--help</c>/<c>--version</c>.</summary>
    public const int Ok = 0;

    /// <summary>A runtime failure (the message is on standard error).</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong (unknown option, missing or malformed value).</summary>
    public const int Usage = 2;
}
