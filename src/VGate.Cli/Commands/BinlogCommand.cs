using System.Collections.Concurrent;
using System.CommandLine;
using System.Threading.Channels;
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
        // Reading and formatting run on two cores: this loop reads the stream and collects the events in batches
        // (EventBatch copies what it needs out of the receive buffer), each batch's JSON lines are written by a pool
        // thread, and WriteBatchesAsync writes the batches' lines in order. Whenever the next event is not there yet,
        // the batch collected so far is handed over at once, so a live reader sees each event as soon as it has been
        // formatted. At most InFlightBatches batches wait, which bounds the memory.
        using var stop = new CancellationTokenSource();
        using var stopOrIdle = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, stop.Token);
        var handedOver = Channel.CreateBounded<EventBatch>(
            new BoundedChannelOptions(InFlightBatches) { SingleReader = true, SingleWriter = true });
        var spare = new ConcurrentQueue<EventBatch>();
        var writing = WriteBatchesAsync(handedOver.Reader, spare, output, stop, cancellationToken);
        var batch = new EventBatch();
        Exception? streamError = null;
        long printed = 0;
        try
        {
            await using var events = client.ReadEventsAsync(stopOrIdle.Token).GetAsyncEnumerator(stopOrIdle.Token);
            while (true)
            {
                var next = events.MoveNextAsync();
                if (!next.IsCompleted && batch.Count > 0)
                    batch = await HandOverAsync(batch, handedOver.Writer, spare, stop.Token);
                if (!await next)
                    break;
                idle.CancelAfter(idleTimeout);
                if (!batch.TryAdd(events.Current, client))
                {
                    batch = await HandOverAsync(batch, handedOver.Writer, spare, stop.Token);
                    batch.TryAdd(events.Current, client);
                }
                if (batch.IsFull)
                    batch = await HandOverAsync(batch, handedOver.Writer, spare, stop.Token);
                if (++printed == maxEvents)
                    break;
            }
        }
        catch (OperationCanceledException) when (stopOrIdle.IsCancellationRequested)
        {
            // --until-idle elapsed, or Ctrl-C: a normal end; or writing failed (WriteBatchesAsync's result says why).
        }
        catch (Exception ex) when (ex is ReplicationException or MySqlServerException or BinlogFormatException or IOException or TimeoutException)
        {
            streamError = ex;
        }

        // Everything read before the end or the error is printed first.
        if (batch.Count > 0 && !stop.IsCancellationRequested)
        {
            batch.Rendering = Task.Run(batch.Render, CancellationToken.None);
            await handedOver.Writer.WriteAsync(batch, CancellationToken.None);
        }
        handedOver.Writer.Complete();
        var writeError = await writing;
        if (writeError is not (null or ValueRenderException or BinlogFormatException or IOException))
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(writeError);
        if (writeError is null)
            await output.FlushAsync(CancellationToken.None);
        if ((writeError ?? streamError) is { } failure)
        {
            await error.WriteLineAsync($"vgate: {failure.Message}");
            return failure is ValueRenderException ? 3 : 1;
        }
        return 0;
    }

    /// <summary>Batches handed over and not yet written, at most (each about 256 KB of row bytes and their lines).</summary>
    private const int InFlightBatches = 3;

    /// <summary>Starts the formatting of <paramref name="batch"/>, queues it for writing and returns an empty batch.</summary>
    private static async ValueTask<EventBatch> HandOverAsync(EventBatch batch, ChannelWriter<EventBatch> handedOver,
        ConcurrentQueue<EventBatch> spare, CancellationToken stop)
    {
        batch.Rendering = Task.Run(batch.Render, CancellationToken.None);
        await handedOver.WriteAsync(batch, stop);
        return spare.TryDequeue(out var empty) ? empty : new EventBatch();
    }

    /// <summary>
    /// Writes the lines of each batch in order once formatted. Returns null, or why it stopped writing: an event that could
    /// not be printed (<see cref="EventBatch.Error"/>; every line before it has been written) or a failed write; then it
    /// cancels <paramref name="stop"/> so the reader ends, and discards the batches still coming.
    /// </summary>
    private static async Task<Exception?> WriteBatchesAsync(ChannelReader<EventBatch> handedOver,
        ConcurrentQueue<EventBatch> spare, Stream output, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
        await foreach (var batch in handedOver.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await batch.Rendering!;
                // Written whole even after Ctrl-C: what has been read is printed (the writes of a terminal or pipe
                // cannot be cancelled anyway).
                if (failure is null && batch.Complete > 0)
                    await output.WriteAsync(batch.Lines, CancellationToken.None);
                failure ??= batch.Error;
                BoundYoungGeneration(ref allocatedAtLastCollection);
            }
            catch (Exception ex) when (failure is null)
            {
                failure = ex;
            }
            if (failure is not null && !stop.IsCancellationRequested)
                await stop.CancelAsync();
            batch.Clear();
            spare.Enqueue(batch);
        }
        return failure;
    }

    /// <summary>Bytes allocated between two collections of the young generation that <see cref="BoundYoungGeneration"/> makes.</summary>
    private const long YoungGenerationBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Collects the young generation once <see cref="YoungGenerationBytes"/> have been allocated since the last time. A
    /// read of a large binlog allocates little that lives (decoded texts of other character sets, statement strings,
    /// event objects), but the runtime lets the young generation grow to its budget, which it sizes from the CPU
    /// cache (tens of MB here), before the first collection: peak RSS 100-120 MB on the mixed benchmark binlog, against
    /// 80 MB with the young generation bounded like this (bench/README.md). A collection of a young generation this
    /// small takes well under a millisecond. Only this command does it: the runtime's own settings would apply to
    /// <c>vgate serve</c> too.
    /// </summary>
    private static void BoundYoungGeneration(ref long allocatedAtLastCollection)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated - allocatedAtLastCollection < YoungGenerationBytes)
            return;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        allocatedAtLastCollection = allocated;
    }
}
