using System.CommandLine;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Binlogdata;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using VGate.Cli.Output;
using VGate.Kafka.Positions;
using VGate.Secrets;
using Vtgate;

namespace VGate.Cli.Commands;

/// <summary><c>vgate stream</c>: a VStream client printing one JSON line per event and keeping a resume file.</summary>
internal static class StreamCommand
{
    public const string Usage = """
        usage: vgate stream --gateway HOST:PORT --keyspace KS [options]

        Calls VStream on a VGate (or a real vtgate) and prints one JSON object per VEvent on standard output
        (format: docs/stream-json.md).

        options:
          --gateway HOST:PORT        the server (plaintext HTTP/2; https://HOST:PORT or --ca for TLS) (required)
          --keyspace KS              the keyspace (required)
          --shard SHARD              one shard only (default: all shards of the keyspace)
          --from WHERE               current (default), copy (copy existing rows first), or a VGTID JSON array
                                     [{"keyspace":…,"shard":…,"gtid":…,"table_p_ks":[…]}]
          --filter RULES             table names (t1,t2) or filter JSON ([{"match":"t1","filter":"select * from t1"}])
          --tablet-type TYPE         primary (default), replica or rdonly
          --resume-file PATH         after each COMMIT/DDL/OTHER, write the latest VGTID here (atomically); when the
                                     file exists at start, resume from it instead of --from
          --username USER            static auth user (sent as gRPC metadata)
          --password SECRET          static auth password: {env:NAME} (an environment variable) or {file:PATH}
                                     (a file); a literal password is visible to other users in `ps`
          --ca FILE                  CA certificate (PEM) that signed the server's TLS certificate
          --heartbeat SECONDS        ask for heartbeat events when idle
          --max-events N             stop after printing N events
          --until-idle SECONDS       stop when no response arrives for this long
          --reconnect-initial-delay SECONDS   after a transient error (UNAVAILABLE, INTERNAL, …) once the stream
                                     had started, reconnect from the last committed VGTID after this long (default 1),
                                     doubling each failed attempt up to --reconnect-max-delay (default 30)
          --reconnect-max-attempts N give up after N failed reconnects in a row (default 0 = never)
          --format FORMAT            json (default): the VEvent's proto JSON, row values base64; decoded: row
                                     images as {"column": value} typed as `vgate binlog` prints them
          --progress WHEN            copy progress on stderr (tables, rows, rows/s, ETA from the server's row
                                     estimates): auto (default: when stderr is a terminal), always or never
          -h, --help                 this text

        exit status: 0 done, 1 the stream failed (gRPC status on stderr), 2 bad command line, 3 --format decoded
        met a row it cannot decode (every event before it was printed) (docs/cli.md).

        """;

    /// <summary>The command's options (help text: <see cref="Usage"/>).</summary>
    public static Command CreateCommand() => new("stream", "Call VStream on a server and print one JSON object per event.")
    {
        CommandLineArguments.Text("gateway"),
        CommandLineArguments.Text("keyspace"),
        CommandLineArguments.Text("shard"),
        CommandLineArguments.Text("from"),
        CommandLineArguments.Text("filter"),
        CommandLineArguments.Text("tablet-type"),
        CommandLineArguments.Text("resume-file"),
        CommandLineArguments.Text("username"),
        CommandLineArguments.Text("password"),
        CommandLineArguments.Text("ca"),
        CommandLineArguments.Text("heartbeat"),
        CommandLineArguments.Text("max-events"),
        CommandLineArguments.Text("until-idle"),
        CommandLineArguments.Text("format"),
        CommandLineArguments.Text("reconnect-initial-delay"),
        CommandLineArguments.Text("reconnect-max-delay"),
        CommandLineArguments.Text("reconnect-max-attempts"),
        CommandLineArguments.Text("progress"),
    };

    public static Task<int> RunAsync(IReadOnlyList<string> args, Stream output, TextWriter error, CancellationToken cancellationToken, TimeProvider? time = null) =>
        RunAsync(CommandLineArguments.Parse(CreateCommand(), args), output, error, cancellationToken, time);

    /// <summary>Runs the command; <paramref name="time"/> is the progress line's clock (tests give a fake one), the system clock by default.</summary>
    public static async Task<int> RunAsync(CommandLineArguments arguments, Stream output, TextWriter error, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var gateway = arguments.GetRequiredString("gateway");
        var keyspace = arguments.GetRequiredString("keyspace");
        var shard = arguments.GetString("shard") ?? "";
        var from = arguments.GetString("from") ?? "current";
        var filterText = arguments.GetString("filter");
        var tabletType = (arguments.GetString("tablet-type") ?? "primary").ToLowerInvariant() switch
        {
            "primary" or "master" => Topodata.TabletType.Primary,
            "replica" => Topodata.TabletType.Replica,
            "rdonly" or "batch" => Topodata.TabletType.Rdonly,
            var other => throw new UsageException($"Option --tablet-type must be primary, replica or rdonly, not '{other}'."),
        };
        var resumeFile = arguments.GetString("resume-file");
        var username = arguments.GetString("username");
        var password = arguments.GetString("password");
        var ca = arguments.GetString("ca");
        var heartbeat = arguments.GetInt64("heartbeat", 1, uint.MaxValue);
        var maxEvents = arguments.GetInt64("max-events", 1, long.MaxValue);
        var untilIdle = arguments.GetSeconds("until-idle");
        var decoded = (arguments.GetString("format") ?? "json").ToLowerInvariant() switch
        {
            "json" => false,
            "decoded" => true,
            var other => throw new UsageException($"Option --format must be json or decoded, not '{other}'."),
        };
        var formatter = new DecodedEventFormatter();
        var reconnectInitial = TimeSpan.FromSeconds(arguments.GetSeconds("reconnect-initial-delay") ?? 1);
        var reconnectMax = TimeSpan.FromSeconds(arguments.GetSeconds("reconnect-max-delay") ?? 30);
        var reconnectMaxAttempts = arguments.GetInt64("reconnect-max-attempts", 0, int.MaxValue) ?? 0;
        var showProgress = (arguments.GetString("progress") ?? "auto").ToLowerInvariant() switch
        {
            "auto" => !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error),
            "always" => true,
            "never" => false,
            var other => throw new UsageException($"Option --progress must be auto, always or never, not '{other}'."),
        };
        if (reconnectMax < reconnectInitial)
            reconnectMax = reconnectInitial;
        if (username is null != password is null)
            throw new UsageException("Options --username and --password must be given together.");
        if (password is not null)
        {
            try
            {
                password = SecretReference.Resolve(password, "Option --password");
            }
            catch (FormatException ex)
            {
                throw new UsageException(ex.Message);
            }
        }

        var request = new VStreamRequest { TabletType = tabletType, Flags = new VStreamFlags() };
        if (heartbeat is { } seconds)
            request.Flags.HeartbeatInterval = (uint)seconds;
        try
        {
            request.Vgtid = resumeFile is not null && File.Exists(resumeFile)
                ? VGtidJson.Parse(await File.ReadAllTextAsync(resumeFile, cancellationToken))
                : StartPosition(keyspace, shard, from);
            if (filterText is not null)
                request.Filter = ParseFilter(filterText);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new UsageException($"Invalid JSON: {ex.Message}");
        }
        catch (InvalidJsonException ex)
        {
            throw new UsageException($"Invalid JSON: {ex.Message}");
        }
        catch (FormatException ex)
        {
            throw new UsageException(resumeFile is not null && File.Exists(resumeFile) ? $"{resumeFile}: {ex.Message}" : ex.Message);
        }

        using var channel = CreateChannel(gateway, ca);
        var client = new Vtgateservice.Vitess.VitessClient(channel);
        var headers = new Metadata();
        if (username is not null)
        {
            headers.Add("username", username);
            headers.Add("password", password!);
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var idleTimeout = untilIdle is { } idleSeconds ? TimeSpan.FromSeconds(idleSeconds) : Timeout.InfiniteTimeSpan;
        idle.CancelAfter(idleTimeout);
        long printed = 0;
        VGtid? latest = null;
        // Events of an open transaction wait here until its COMMIT (DDL, OTHER): after a reconnect the stream resumes
        // from the last committed VGTID, so a transaction cut in half is dropped and delivered again whole, once.
        var pending = new List<(VEventType Type, string Line)>();
        var inTransaction = false;
        var connected = false;
        var attempts = 0;
        var delay = reconnectInitial;
        var progress = showProgress ? new StreamProgress(error, time ?? TimeProvider.System, TerminalWidth) : null;
        if (progress is not null && CopyEstimates.Copies(request.Vgtid))
        {
            progress.ExpectCopy();
            // Only for the ETA: a server that cannot say (an older VGate, a vtgate) leaves the progress without one.
            if (await CopyEstimates.FetchAsync(client, headers, request.Vgtid, request.Filter, cancellationToken) is { } estimates)
                progress.SetEstimates(estimates);
        }
        try
        {
            while (true)
            {
                try
                {
                    using var call = client.VStream(request, headers, cancellationToken: idle.Token);
                    await foreach (var response in call.ResponseStream.ReadAllAsync(idle.Token))
                    {
                        idle.CancelAfter(idleTimeout);
                        connected = true;
                        attempts = 0;
                        delay = reconnectInitial;
                        foreach (var vevent in response.Events)
                        {
                            if (vevent.Type == VEventType.Vgtid)
                                latest = vevent.Vgtid;
                            progress?.Observe(vevent);
                            pending.Add((vevent.Type, decoded ? formatter.Format(vevent) : JsonFormatter.Default.Format(vevent)));
                            if (vevent.Type == VEventType.Begin)
                                inTransaction = true;
                            var closes = vevent.Type is VEventType.Commit or VEventType.Ddl or VEventType.Other or VEventType.Rollback;
                            if (inTransaction && !closes)
                                continue;
                            inTransaction = false;
                            printed = await FlushPendingAsync(pending, output, printed, maxEvents, cancellationToken);
                            if (closes && latest is not null)
                            {
                                request.Vgtid = latest.Clone();
                                if (resumeFile is not null)
                                {
                                    await output.FlushAsync(cancellationToken);
                                    await WriteAtomicallyAsync(resumeFile, VGtidJson.Format(latest), cancellationToken);
                                }
                            }
                            if (printed == maxEvents)
                                break;
                        }
                        if (printed == maxEvents)
                            break;
                    }
                    // The stream ended (the server finished it, --max-events): print what an open transaction had.
                    printed = await FlushPendingAsync(pending, output, printed, maxEvents, cancellationToken);
                    break;
                }
                catch (RpcException ex) when (!idle.IsCancellationRequested && connected && IsTransient(ex.StatusCode)
                    && (reconnectMaxAttempts == 0 || attempts < reconnectMaxAttempts))
                {
                    attempts++;
                    pending.Clear();
                    inTransaction = false;
                    progress?.Clear();
                    await error.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"vgate: stream interrupted: {ex.StatusCode} ({(int)ex.StatusCode}): {ex.Status.Detail}; reconnecting in {delay.TotalSeconds:0.###} s (attempt {attempts})"));
                    await Task.Delay(delay, idle.Token);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, reconnectMax.Ticks));
                }
            }
        }
        catch (RpcException ex) when (idle.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled)
        {
            // --until-idle elapsed, or Ctrl-C: a normal end; what an open transaction had is printed.
            await FlushPendingAsync(pending, output, printed, maxEvents, CancellationToken.None);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested)
        {
            await FlushPendingAsync(pending, output, printed, maxEvents, CancellationToken.None);
        }
        catch (InvalidDataException ex)
        {
            // --format decoded met a row it cannot type (no FIELD event, lengths that do not add up).
            await output.FlushAsync(CancellationToken.None);
            await error.WriteLineAsync($"vgate: {ex.Message}");
            return 3;
        }
        catch (RpcException ex)
        {
            await output.FlushAsync(CancellationToken.None);
            await error.WriteLineAsync($"vgate: stream failed: {ex.StatusCode} ({(int)ex.StatusCode}): {ex.Status.Detail}");
            return 1;
        }
        finally
        {
            progress?.Clear();
        }
        await output.FlushAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>Columns of the terminal standard error is on; 0 (no limit) when there is none.</summary>
    private static int TerminalWidth()
    {
        if (Console.IsErrorRedirected)
            return 0;
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    internal static VGtid StartPosition(string keyspace, string shard, string from) => from switch
    {
        "current" => new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Shard = shard, Gtid = "current" } } },
        "copy" => new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Shard = shard, Gtid = "" } } },
        _ when from.TrimStart().StartsWith('[') || from.TrimStart().StartsWith('{') => VGtidJson.Parse(from),
        _ => throw new UsageException($"Option --from must be current, copy or a VGTID JSON array, not '{from}'."),
    };

    internal static Filter ParseFilter(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('['))
            return JsonParser.Default.Parse<Filter>("{\"rules\":" + trimmed + "}");
        if (trimmed.StartsWith('{'))
            return JsonParser.Default.Parse<Filter>(trimmed);
        var filter = new Filter();
        foreach (var table in trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            filter.Rules.Add(new Rule { Match = table, Filter = $"select * from `{table.Replace("`", "``", StringComparison.Ordinal)}`" });
        if (filter.Rules.Count == 0)
            throw new UsageException("Option --filter names no table.");
        return filter;
    }

    private static async Task<long> FlushPendingAsync(List<(VEventType Type, string Line)> pending, Stream output, long printed, long? maxEvents, CancellationToken cancellationToken)
    {
        foreach (var (_, line) in pending)
        {
            if (printed == maxEvents)
                break;
            await output.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
            printed++;
        }
        pending.Clear();
        return printed;
    }

    /// <summary>Codes after which the same request may succeed: the server or the network went away, or was busy.</summary>
    internal static bool IsTransient(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.Aborted
            or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted;

    /// <summary>
    /// Writes a temporary file next to <paramref name="path"/>, syncs it to disk, renames it over the old one and syncs
    /// the directory, so after a crash the file holds either the old or the new position, complete.
    /// </summary>
    internal static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(content + "\n"), cancellationToken);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        DirectorySync.Sync(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private static GrpcChannel CreateChannel(string gateway, string? caFile)
    {
        var address = gateway.Contains("://", StringComparison.Ordinal) ? gateway : (caFile is null ? "http://" : "https://") + gateway;
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (caFile is not null)
        {
            // The CA file holds a certificate only: CreateFromPemFile(path) would look for a private key in it too.
            X509Certificate2 ca;
            try
            {
                ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new UsageException($"Option --ca: cannot read a PEM certificate from '{caFile}': {ex.Message}");
            }
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null)
                    return false;
                if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                    return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 64 * 1024 * 1024 });
    }
}
