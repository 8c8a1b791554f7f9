using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using VGate.Kafka.Sink;

namespace VGate.Kafka.Cli;

/// <summary>
/// The <c>vgate-kafka</c> program and the <c>vgate kafka-sink</c> command: parses the command line, loads the
/// configuration, logs to standard error and runs <see cref="KafkaSink"/> until SIGINT/SIGTERM or a failure.
/// </summary>
public static class KafkaSinkCommand
{
    /// <summary>Usage text for <paramref name="program"/> (<c>vgate-kafka</c> or <c>vgate kafka-sink</c>).</summary>
    public static string Usage(string program) => $$"""
        usage: {{program}} --gateway HOST:PORT --keyspace KS --bootstrap-servers LIST --topic-prefix PREFIX [options]

        Streams a keyspace from a VGate (or Vitess vtgate) VStream into Kafka as Debezium-style change events,
        exactly once across crashes (docs/kafka-sink.md lists every option and its configuration key).

        source:
          --gateway HOST:PORT          VStream server; https://HOST:PORT or --ca for TLS (required)
          --username USER              static auth user (with --password)
          --password SECRET            static auth password: {env:NAME} or {file:PATH} (a literal is visible
                                       in `ps`); --kafka values such as sasl.password take the same forms
          --ca FILE                    CA certificate (PEM) of the gateway's TLS certificate
          --tls-cert FILE              client certificate (PEM) for mutual TLS; --tls-key FILE its key
          --grpc-header KEY=VALUE      extra gRPC metadata (repeatable)
          --keyspace KS                keyspace to stream (required)
          --shard SHARD                only these shards (repeatable or comma-separated; default all)
          --from WHERE                 current (default), copy, or a VGTID JSON array; used only when the
                                       offsets topic has no checkpoint for this connector
          --tablet-type TYPE           primary (default), replica or rdonly
          --heartbeat SECONDS          gateway heartbeats when idle, written to the heartbeat topic (default off)
          --stream-keyspace-heartbeats true|false   rows of the keyspace's heartbeat table as table heartbeat (default false)
          --reconnect-max-attempts N   give up after N failed reconnects in a row (default 0 = never)

        events:
          --topic-prefix PREFIX        topics are PREFIX.KEYSPACE.TABLE (required)
          --connector-name NAME        key of the checkpoints in the offsets topic (default: the topic prefix)
          --table-include REGEX        only tables whose keyspace.table matches (repeatable)
          --table-exclude REGEX        skip tables whose keyspace.table matches (repeatable)
          --key-columns SPEC           key override: ks.t1:c1,c2;ks.t2:c3
          --schemas true|false         JSON with schema + payload (default true)
          --transaction-metadata true|false   BEGIN/END records in PREFIX.transaction (default false)
          --tombstones true|false      tombstone after each delete (default true)
          --unavailable-value-placeholder TEXT   value of BLOB/TEXT columns a NOBLOB image left out
                                       (default __debezium_unavailable_value)
          --skip-statement-dml true|false   skip statement-based DML instead of stopping (default false)
          --schema-changes true|false  DDL records in topic PREFIX (default false)
          --decimal-handling MODE      string (default), precise or double
          --binary-handling MODE       base64 (default), base64-string, base64-url-safe or hex
          --time-precision MODE        adaptive_time_microseconds (default), connect or iso_string
          --bigint-unsigned-handling MODE   string (default), long or precise
          --float-handling MODE        FLOAT as double (default) or float
          --bits-byte-order ORDER      BIT(n>1) bytes big-endian (default) or little-endian
          --include-unknown-datatypes true|false   spatial columns as bytes instead of left out (default false)
          --geometry-struct true|false spatial columns as Debezium MySQL's Geometry struct (default false)
          --vector-float-vector true|false  VECTOR columns as Debezium MySQL's FloatVector (default false: left out)
          --copy-row-op OP             copy-phase rows: create (default, op c) or read (op r, snapshot "true")
          --heartbeat-topic-prefix P   heartbeat topic is P.PREFIX (default __debezium-heartbeat)

        kafka:
          --bootstrap-servers LIST     Kafka brokers (required)
          --kafka KEY=VALUE            any librdkafka setting, e.g. security.protocol=SASL_SSL (repeatable)
          --compression CODEC          lz4 (default), none, gzip, snappy, zstd
          --linger-ms MS               producer linger.ms (default 5)
          --max-batch-records N        records per Kafka transaction/checkpoint (default 20000)
          --max-batch-delay-ms MS      longest a batch stays open under load (default 500)
          --transaction-buffer-bytes N row bytes of one open transaction kept in memory; more is spilled to a
                                       temporary file until its COMMIT (default 8388608)
          --spill-directory DIR        where such spill files go (default the system temporary directory)
          --offsets-topic NAME         checkpoint topic (default vgate-kafka-offsets)
          --transactional true|false   one Kafka transaction per batch (default true)
          --transactional-id ID        default vgate-kafka-CONNECTOR
          --kafka-timeout-ms MS        timeout of Kafka operations the sink waits for (default 30000)
          --retain-native-memory-mb MB freed C heap (librdkafka's buffers) kept by the process instead of
                                       returned to the kernel after each batch (default 512, 0 = C library default)

        general:
          --config FILE                JSON configuration (section VGate:KafkaSink); environment variables
                                       VGATE_KAFKA__<Option> override it, the command line overrides both
          --check-config               load and validate the configuration, print one line and exit (0 valid,
                                       1 invalid) without connecting to the gateway or Kafka
          --status-interval SECONDS    progress log period (default 10, 0 = off)
          --metrics-listen HOST:PORT   serve GET /metrics (Prometheus) and /healthz there, plain HTTP without
                                       authentication (default off; *:PORT for every address)
          --log-level LEVEL            trace, debug, information (default), warning, error
          --log-format FORMAT          text (default) or json (one object per line, the fields of vgate serve's)
          --version                    print the version and exit
          -h, --help                   this text

        exit status: 0 stopped by SIGINT/SIGTERM (after a final checkpoint), 1 invalid configuration,
        2 bad command line, 3 Kafka failure, 4 gateway refused the stream or stayed unreachable.

        """;

    /// <summary>
    /// Runs the command. Output: logs on <paramref name="error"/>; usage on <paramref name="output"/> for <c>--help</c>.
    /// Cancelling <paramref name="cancellationToken"/>, SIGINT or SIGTERM stops the sink after a final checkpoint.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, string program, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var root = new RootCommand(Description);
        SinkCommandLine.AddOptions(root);
        root.SetAction((result, token) => RunAsync(result, program, token));
        CliRunner.UseUsageText(root, _ => Usage(program));
        return await CliRunner.InvokeAsync(root, args, output, error, program, _ => Usage(program), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The command as <c>vgate</c>'s subcommand <paramref name="name"/> (usage text: <see cref="Usage"/>).</summary>
    public static Command CreateCommand(string name, string program)
    {
        var command = new Command(name, Description);
        SinkCommandLine.AddOptions(command);
        command.SetAction((result, token) => RunAsync(result, program, token));
        return command;
    }

    private const string Description = "Stream a keyspace into Kafka as Debezium-style change events, exactly once.";

    private static async Task<int> RunAsync(ParseResult result, string program, CancellationToken cancellationToken)
    {
        var error = result.InvocationConfiguration.Error;
        KafkaSinkOptions options;
        LogLevel level;
        var json = false;
        try
        {
            var parsed = SinkCommandLine.FromParseResult(result);
            level = ParseLevel(parsed.LogLevel);
            json = parsed.LogFormat == "json";
            options = SinkConfiguration.Load(parsed, Environment.GetEnvironmentVariables());
        }
        catch (SinkUsageException ex)
        {
            await error.WriteLineAsync($"{program}: {ex.Message}").ConfigureAwait(false);
            await error.WriteAsync(Usage(program)).ConfigureAwait(false);
            return 2;
        }
        catch (KafkaSinkException ex)
        {
            await error.WriteLineAsync($"{program}: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }
        var problems = SinkSettings.Validate(options);
        if (problems.Count > 0)
        {
            await error.WriteLineAsync($"{program}: invalid configuration:").ConfigureAwait(false);
            foreach (var problem in problems)
                await error.WriteLineAsync("  " + problem).ConfigureAwait(false);
            return (int)SinkFailure.Configuration;
        }
        if (result.GetValue<bool>("--check-config"))
        {
            await result.InvocationConfiguration.Output.WriteLineAsync(
                $"{program}: configuration valid: keyspace {options.Keyspace} from {options.Gateway} into {options.BootstrapServers}, topics {options.TopicPrefix}.{options.Keyspace}.*")
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        using var loggerFactory = LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(level);
            if (json)
            {
                // Microsoft.Extensions.Logging's JSON console formatter, configured as vgate serve's (docs/metrics.md, Logs).
                logging.AddJsonConsole(console =>
                {
                    console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                    console.UseUtcTimestamp = true;
                });
            }
            else
            {
                logging.AddSimpleConsole(console =>
                {
                    console.SingleLine = true;
                    console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
                    console.UseUtcTimestamp = true;
                });
            }
            logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        // Process-wide, so applied here (this command owns the process) and not by the sink itself.
        if (Producing.NativeMemoryTuning.Apply(options.RetainNativeMemoryMb) is { } tuning)
            Logging.Log.NativeMemoryTuned(loggerFactory.CreateLogger("VGate.Kafka"), tuning);
        var sink = new KafkaSink(options, loggerFactory);
        try
        {
            await sink.RunAsync(stop.Token).ConfigureAwait(false);
            return 0;
        }
        catch (KafkaSinkException ex)
        {
            Logging.Log.SinkFailed(loggerFactory.CreateLogger("VGate.Kafka"), ex.ExitCode, ex.Message);
            loggerFactory.Dispose(); // flushes the console logger before the last line below
            await error.WriteLineAsync($"{program}: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static LogLevel ParseLevel(string? text) => (text ?? "information").ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "information" or "info" => LogLevel.Information,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        var other => throw new SinkUsageException($"Option --log-level must be trace, debug, information, warning or error, not '{other}'."),
    };
}
