using System.Buffers;
using System.CommandLine;
using VGate.Cli.Output;
using VGate.MySql;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;

namespace VGate.Cli.Commands;

/// <summary><c>vgate binlog</c>: streams one server's binlog as JSON lines.</summary>
internal static class BinlogCommand
{
    public const string Usage = """
        usage: vgate binlog --source mysql://user:password@host:port [options]

        Reads the binary log of one MySQL or MariaDB server over the replication protocol and prints one
        JSON object per event on standard output (value formats: docs/binlog-json.md).

        options:
          --source URI               the server: mysql://user:password@host[:port][?ssl-mode=required&ssl-ca=ca.pem]
                                     or mysql://user:password@localhost?socket=/path/to/mysqld.sock (required);
                                     password {env:NAME} or {file:PATH} keeps it out of `ps`; ssl-mode disabled,
                                     preferred (default), required, verify-ca (default with ssl-ca), verify-identity
          --from POSITION            where to start: current (default), a GTID set (uuid:1-5), a MariaDB GTID list
                                     (0-1-100), a Vitess position (MySQL56/…, MariaDB/…), or file:position
          --max-events N             stop after printing N events
          --until-idle SECONDS       stop when no event arrives for this long once connected
          --stop-at-end              stop when the server has sent everything it has written so far
          --replica-server-id ID     server id presented to the source (default: random, must be unique among replicas)
          --heartbeat SECONDS        source heartbeat period (default 5); 3 missed heartbeats end the stream
          --skip-checks              do not check binlog_format, row image, row metadata and GTID settings first
          -h, --help                 this text

        exit status: 0 done, 1 the stream failed (message on stderr), 2 bad command line,
                     3 a value could not be printed (message names the event, table and column; every event
                     before it was printed) (docs/cli.md).

        """;

    /// <summary>The command's options (help text: <see cref="Usage"/>).</summary>
    public static Command CreateCommand() => new("binlog", "Read a MySQL/MariaDB binlog and print one JSON object per event.")
    {
        CommandLineArguments.Text("source"),
        CommandLineArguments.Text("from"),
        CommandLineArguments.Text("max-events"),
        CommandLineArguments.Text("until-idle"),
        CommandLineArguments.Flag("stop-at-end"),
        CommandLineArguments.Text("replica-server-id"),
        CommandLineArguments.Text("heartbeat"),
        CommandLineArguments.Flag("skip-checks"),
    };

    public static Task<int> RunAsync(IReadOnlyList<string> args, Stream output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(CommandLineArguments.Parse(CreateCommand(), args), output, error, cancellationToken);

    public static async Task<int> RunAsync(CommandLineArguments arguments, Stream output, TextWriter error, CancellationToken cancellationToken)
    {
        MySqlConnectionOptions connection;
        BinlogStartPosition start;
        try
        {
            connection = MySqlConnectionOptions.Parse(arguments.GetRequiredString("source"));
            start = BinlogStartPosition.Parse(arguments.GetString("from") ?? "current");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new UsageException(ex.Message);
        }
        var maxEvents = arguments.GetInt64("max-events", 1, long.MaxValue);
        var untilIdle = arguments.GetSeconds("until-idle");
        var heartbeat = arguments.GetSeconds("heartbeat") ?? 5;
        var serverId = arguments.GetInt64("replica-server-id", 1, uint.MaxValue);
        var stopAtEnd = arguments.GetFlag("stop-at-end");
        var skipChecks = arguments.GetFlag("skip-checks");

        var options = new BinlogClientOptions
        {
            Connection = connection,
            Start = start,
            HeartbeatInterval = TimeSpan.FromSeconds(heartbeat),
            StopAtEnd = stopAtEnd,
            CheckPrerequisites = !skipChecks,
            ReplicaServerId = serverId is { } id ? (uint)id : new BinlogClientOptions { Connection = connection }.ReplicaServerId,
        };

        // The idle clock starts with the first event (a source sends its ROTATE and FORMAT_DESCRIPTION as soon as the
        // dump starts): connecting, authenticating and the prerequisite checks are not "idle", however long they take.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var idleTimeout = untilIdle is { } seconds ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan;

        await using var client = new BinlogClient(options);
        var buffer = new ArrayBufferWriter<byte>(OutputBatchBytes + 64 * 1024);
        using var writer = new EventJsonWriter(buffer);
        // Lines are collected and written in batches of about OutputBatchBytes (one write per line cost as much as
        // formatting the small ones); whenever the next event is not there yet, everything collected is written
        // first, so a live reader sees each event as soon as it has arrived. `complete` is where the last whole line
        // ends: a line whose value cannot be written is never printed, not even in part.
        var complete = 0;
        long printed = 0;
        try
        {
            await using var events = client.ReadEventsAsync(idle.Token).GetAsyncEnumerator(idle.Token);
            while (true)
            {
                var next = events.MoveNextAsync();
                if (!next.IsCompleted && complete > 0)
                {
                    await WriteCompleteAsync(output, buffer, complete, cancellationToken);
                    complete = 0;
                }
                if (!await next)
                    break;
                idle.CancelAfter(idleTimeout);
                writer.Write(events.Current, client);
                buffer.Write("\n"u8);
                complete = buffer.WrittenCount;
                if (complete >= OutputBatchBytes)
                {
                    await WriteCompleteAsync(output, buffer, complete, cancellationToken);
                    complete = 0;
                }
                if (++printed == maxEvents)
                    break;
            }
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested)
        {
            // --until-idle elapsed, or Ctrl-C: a normal end.
        }
        catch (ValueRenderException ex)
        {
            await WriteCompleteAsync(output, buffer, complete, CancellationToken.None);
            await output.FlushAsync(CancellationToken.None);
            await error.WriteLineAsync($"vgate: {ex.Message}");
            return 3;
        }
        catch (Exception ex) when (ex is ReplicationException or MySqlServerException or BinlogFormatException or IOException or TimeoutException)
        {
            await WriteCompleteAsync(output, buffer, complete, CancellationToken.None);
            await output.FlushAsync(CancellationToken.None);
            await error.WriteLineAsync($"vgate: {ex.Message}");
            return 1;
        }
        await WriteCompleteAsync(output, buffer, complete, CancellationToken.None);
        await output.FlushAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>How many bytes of lines are collected before they are written while events keep arriving.</summary>
    private const int OutputBatchBytes = 256 * 1024;

    private static async ValueTask WriteCompleteAsync(Stream output, ArrayBufferWriter<byte> buffer, int complete, CancellationToken cancellationToken)
    {
        if (complete > 0)
            await output.WriteAsync(buffer.WrittenMemory[..complete], cancellationToken);
        buffer.ResetWrittenCount();
    }
}
