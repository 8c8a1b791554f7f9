using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Flavors;
using VGate.MySql.Logging;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.MySql.Protocol.Payloads;

namespace VGate.MySql.Replication;

/// <summary>
/// Reads one MySQL or MariaDB server's binary log as a stream of typed events, over the replication protocol.
/// </summary>
/// <remarks>
/// <para>Usage: create with options, then <c>await foreach</c> over <see cref="ReadEventsAsync"/>. One client reads one
/// stream; to reconnect, create a new client starting from <see cref="Position"/>.</para>
/// <para>Positions: after the event that ends an event group has been yielded (XID, COMMIT, a real ROLLBACK, XA
/// PREPARE/COMMIT/ROLLBACK, or a standalone statement; <see cref="TransactionClassifier"/> decides),
/// <see cref="Position"/> and <see cref="FilePosition"/> include that group, so a caller that stores the position when
/// it has processed such an event and later starts a new client from it receives exactly the groups after it. They
/// never move inside a group (SAVEPOINT, ROLLBACK TO, the CREATE of a CREATE … SELECT).</para>
/// <para>Buffers: row data in yielded events points into the receive buffer and is valid only until the next
/// event is requested.</para>
/// </remarks>
public sealed class BinlogClient : IBinlogEventReader
{
    /// <summary>First byte of a packet that carries a binlog event.</summary>
    private const byte EventMarker = 0x00;

    /// <summary>First byte of an ERR packet.</summary>
    private const byte ErrorMarker = 0xFF;

    /// <summary>First byte of an EOF packet (end of a non-blocking dump).</summary>
    private const byte EofMarker = 0xFE;

    private readonly BinlogClientOptions _options;
    private readonly ILogger _logger;
    private MySqlProtocolConnection? _connection;
    private StreamState? _state;
    private int _started;

    public BinlogClient(BinlogClientOptions options, ILogger<BinlogClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Connection);
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The source's version string, known once streaming has started.</summary>
    public string? ServerVersion { get; private set; }

    /// <summary>True when the replication connection is encrypted with TLS, known once streaming has started.</summary>
    public bool IsEncrypted => _connection?.IsSecure ?? false;

    /// <summary>True when the source is MariaDB, known once streaming has started.</summary>
    public bool IsMariaDb { get; private set; }

    /// <summary>
    /// The GTID position after the last complete transaction yielded (or the start position before any).
    /// Null only when starting from a file position on MySQL before the first PREVIOUS_GTIDS is seen.
    /// </summary>
    public ReplicationPosition? Position { get; private set; }

    /// <summary>The file position after the last complete transaction yielded.</summary>
    public BinlogFilePosition? FilePosition { get; private set; }

    /// <summary>The binlog file the stream is in now (empty until the server names it).</summary>
    public string CurrentFileName => _state?.FileName ?? "";

    /// <summary>
    /// Where in the binlog the event yielded last starts (for an event inside a compressed TRANSACTION_PAYLOAD: where the
    /// payload starts); default for events the server made up for the stream (the ROTATE and FORMAT_DESCRIPTION sent at
    /// the start of a dump). A dump started at this position reads that event again.
    /// </summary>
    public BinlogFilePosition LastEventStart { get; private set; }


    /// <summary>True when the event yielded last ended an event group (so <see cref="Position"/> just moved past it).</summary>
    public bool LastEventCompletedTransaction => LastEventRole.EndsGroup();

    /// <summary>What the event yielded last does to the transaction structure (<see cref="TransactionClassifier"/>).</summary>
    public TransactionEventRole LastEventRole { get; private set; }

    /// <summary>
    /// The classifier that decided <see cref="LastEventRole"/>: its <see cref="TransactionClassifier.SavepointName"/>
    /// and <see cref="TransactionClassifier.Xid"/> describe the event yielded last. Read it, do not feed it.
    /// </summary>
    public TransactionClassifier Transactions { get; } = new();

    /// <summary>
    /// Called with the bytes of every event packet received (without the packet's marker byte), before it is parsed; the
    /// bytes are only valid during the call. The shared reader (<see cref="SharedBinlogReader"/>) copies them into its ring.
    /// </summary>
    internal Action<ReadOnlyMemory<byte>>? PacketReceived { get; init; }

    /// <summary>A parser whose table definitions this client's parser starts with (see <see cref="BinlogEventParser.ImportTableMaps"/>).</summary>
    internal BinlogEventParser? TableMapsFrom { get; init; }

    /// <summary>This client's parser, once streaming has started.</summary>
    internal BinlogEventParser? Parser { get; private set; }

    /// <summary>The source's flavour, known once streaming has started.</summary>
    internal ServerFlavor? Flavor { get; private set; }

    /// <summary>True when the source writes CRC32 checksums, known once streaming has started.</summary>
    internal bool ChecksumEnabled { get; private set; }

    /// <summary>
    /// Connects, checks the source's settings, starts the dump at the configured position and yields every event.
    /// The enumeration ends normally only with <see cref="BinlogClientOptions.StopAtEnd"/>; otherwise it runs until
    /// cancelled or until an error (<see cref="ReplicationException"/>, <see cref="MySqlServerException"/> for a
    /// failed login, <see cref="BinlogFormatException"/> for corrupt bytes).
    /// </summary>
    public async IAsyncEnumerable<BinlogEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("A BinlogClient reads one stream; create a new client to read again.");

        var session = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        Flavor = session.Flavor;
        ChecksumEnabled = session.ChecksumEnabled;
        var connection = _connection!;
        var parser = Parser = new BinlogEventParser(session.ChecksumEnabled ? ChecksumAlgorithm.Crc32 : ChecksumAlgorithm.None, _options.MaxEventBytes);
        if (TableMapsFrom is { } previous)
            parser.ImportTableMaps(previous);
        var tracker = session.Flavor.CreateTracker(session.StartGtid);
        Position = tracker.Position;
        FilePosition = _options.Start.File;

        using var watchdogCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchdog = new SilenceWatchdog(_options.TimeProvider, _options.HeartbeatInterval * _options.HeartbeatTimeoutFactor);
        connection.DataReceived = watchdog.BytesReceived;
        var watchdogTask = watchdog.RunAsync(connection, watchdogCancellation.Token);
        var state = _state = new StreamState(FilePosition?.FileName ?? "", FilePosition?.Position ?? 4UL);
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> packet;
                // The watchdog's clock runs only while this read waits for the source (see SilenceWatchdog).
                watchdog.ReadStarted();
                try
                {
                    packet = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or EndOfStreamException && !cancellationToken.IsCancellationRequested)
                {
                    throw watchdog.Fired
                        ? ReplicationException.ConnectionLost($"no data for {watchdog.Timeout.TotalSeconds:0.#} s while waiting for the source (heartbeats stopped)", ex)
                        : ReplicationException.ConnectionLost(ex.Message, ex);
                }
                finally
                {
                    watchdog.ReadEnded();
                }

                if (packet.Length == 0)
                    throw BinlogFormatException.Create("Empty packet in the binlog stream");
                var marker = packet.Span[0];
                if (marker == ErrorMarker)
                {
                    var error = ServerFlavor.ClassifyDumpError(ErrorPayload.Create(packet.Span).ToException(), _options.Start.ToString());
                    if (error.Kind == ReplicationErrorKind.PositionPurged)
                        error = await WithOldestPositionAsync(error, session.Flavor, cancellationToken).ConfigureAwait(false);
                    throw error;
                }
                if (marker == EofMarker && packet.Length < 9)
                {
                    Log.BinlogStreamEnded(_logger, state.FileName, state.NextPosition);
                    yield break;
                }
                if (marker != EventMarker)
                    throw BinlogFormatException.Create($"Unexpected packet marker 0x{marker:X2} in the binlog stream", 0);

                PacketReceived?.Invoke(packet[1..]);
                var binlogEvent = parser.Parse(packet[1..]);
                LastEventStart = StartOf(parser.LastHeader, state);
                if (binlogEvent is TransactionPayloadEvent payload && _options.ExpandTransactionPayloads)
                {
                    state.Advance(binlogEvent, parser.LastHeader);
                    foreach (var inner in payload.ReadEvents())
                    {
                        Track(inner, tracker, state);
                        yield return inner;
                    }
                    continue;
                }

                state.Advance(binlogEvent, parser.LastHeader);
                Track(binlogEvent, tracker, state);
                yield return binlogEvent;
            }
        }
        finally
        {
            parser.ReleaseBuffers();
            await watchdogCancellation.CancelAsync().ConfigureAwait(false);
            await watchdogTask.ConfigureAwait(false);
        }
    }

    /// <summary>Closes the replication connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static BinlogFilePosition StartOf(EventHeader header, StreamState state) =>
        header.NextPosition >= header.EventLength && !header.IsArtificial
            ? new BinlogFilePosition(state.FileName, header.NextPosition - header.EventLength)
            : default;

    /// <summary>Classifies the event and moves the position when it ends a group.</summary>
    private void Track(BinlogEvent binlogEvent, ServerFlavor.GtidTracker tracker, StreamState state)
    {
        tracker.Observe(binlogEvent);
        LastEventRole = Transactions.Classify(binlogEvent);
        if (!LastEventRole.EndsGroup())
            return;
        tracker.Commit();
        Position = tracker.Position;
        FilePosition = new BinlogFilePosition(state.FileName, state.NextPosition);
    }

    private async Task<SessionInfo> PrepareAsync(CancellationToken cancellationToken)
    {
        var connectionOptions = _options.Connection;
        MySqlProtocolConnection connection;
        try
        {
            connection = await MySqlProtocolConnection.ConnectAsync(connectionOptions, cancellationToken).ConfigureAwait(false);
            connection.MaxPacketBytes = (int)Math.Min(int.MaxValue, Math.Max((long)_options.MaxEventBytes + 4096, PacketChannel.MaxPacketPayload));
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            throw ReplicationException.ConnectionLost($"could not open the replication connection to {connectionOptions.Endpoint}: {ex.Message}", ex);
        }

        try
        {
            return await PrepareSessionAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // The prerequisite checks and position queries run on the replication connection itself, before the dump command:
    // one login per session, and every statement goes through VGate's own protocol code, which never sends a password
    // in clear text over TLS whose certificate it did not verify.
    private async Task<SessionInfo> PrepareSessionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        ServerVersion = connection.ServerVersion;
        var flavor = ServerFlavor.Detect(await connection.QueryScalarAsync("SELECT VERSION()", cancellationToken).ConfigureAwait(false) ?? "");
        IsMariaDb = flavor is MariaDbFlavor;
        var variables = await ReadVariablesAsync(connection, flavor.PrerequisiteVariables, cancellationToken).ConfigureAwait(false);
        if (_options.CheckPrerequisites)
            flavor.CheckPrerequisites(variables);
        var checksum = variables.TryGetValue("binlog_checksum", out var alg) && !alg.Equals("NONE", StringComparison.OrdinalIgnoreCase);

        ReplicationPosition? startGtid;
        var start = _options.Start;
        if (start.IsCurrent)
        {
            startGtid = await flavor.ReadCurrentPositionAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        else if (start.File is { } file)
        {
            await CheckFileExistsAsync(connection, file, cancellationToken).ConfigureAwait(false);
            startGtid = await flavor.ReadGtidAtFilePositionAsync(connection, file, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var requested = start.Gtid!.Value;
            var expected = flavor is MariaDbFlavor ? PositionFlavor.MariaDb : PositionFlavor.MySql56;
            if (requested.Flavor != expected)
                throw new ArgumentException(
                    $"The start position {requested} is a {requested.Flavor} position but the source is {flavor.Name} ({ServerVersion}).");
            startGtid = requested;
        }

        _connection = connection;
        var checksumName = checksum ? "'CRC32'" : "'NONE'";
        var heartbeatNanos = (long)_options.HeartbeatInterval.TotalMilliseconds * 1_000_000L;
        string[] setup =
        [
            $"SET @master_binlog_checksum={checksumName}",
            $"SET @source_binlog_checksum={checksumName}",
            $"SET @master_heartbeat_period={heartbeatNanos}",
            $"SET @source_heartbeat_period={heartbeatNanos}",
        ];
        foreach (var statement in setup.Concat(flavor.SessionSetup(_options.Start.IsCurrent ? BinlogStartPosition.FromGtid(startGtid!.Value) : _options.Start, startGtid, _options.HeartbeatInterval)))
            await connection.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);

        var dumpStart = _options.Start.IsCurrent ? BinlogStartPosition.FromGtid(startGtid!.Value) : _options.Start;
        await connection.WriteCommandAsync(flavor.BuildDumpCommand(dumpStart, startGtid, _options.ReplicaServerId, _options.StopAtEnd), cancellationToken).ConfigureAwait(false);
        Log.BinlogStreamStarted(_logger, flavor.Name, ServerVersion ?? "", dumpStart.ToString());
        return new SessionInfo(flavor, startGtid, checksum);
    }

    /// <summary>
    /// Adds the oldest position the source still has to a purged-position error (a client needs it to decide where to
    /// start again); the error stays as it is when that cannot be read.
    /// </summary>
    private async Task<ReplicationException> WithOldestPositionAsync(ReplicationException error, ServerFlavor flavor, CancellationToken cancellationToken)
    {
        try
        {
            await using var sql = await MySqlProtocolConnection.ConnectAsync(_options.Connection, cancellationToken).ConfigureAwait(false);
            return await flavor.ReadOldestPositionAsync(sql, cancellationToken).ConfigureAwait(false) is { } oldest
                ? error.WithOldestAvailable(oldest)
                : error;
        }
        catch (Exception ex) when (SourceSqlErrors.IsSourceFailure(ex))
        {
            Log.OldestPositionUnknown(_logger, ex.Message);
            return error;
        }
    }

    private static async Task CheckFileExistsAsync(MySqlProtocolConnection sql, BinlogFilePosition file, CancellationToken cancellationToken)
    {
        var files = (await sql.QueryAsync("SHOW BINARY LOGS", cancellationToken).ConfigureAwait(false)).Select(row => row[0] ?? "").ToList();
        if (files.Contains(file.FileName, StringComparer.Ordinal))
            return;
        var error = MySqlServerException.Create(1236, "HY000", $"Binlog file '{file.FileName}' is not among the source's binlogs ({string.Join(", ", files)}).");
        var purged = files.Count > 0 && new BinlogFilePosition(file.FileName, 4) < new BinlogFilePosition(files[0], 4);
        throw purged ? ReplicationException.PositionPurged(file.ToString(), error) : ReplicationException.PositionNotFound(file.ToString(), error);
    }

    private static async Task<Dictionary<string, string>> ReadVariablesAsync(MySqlProtocolConnection sql, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var list = string.Join(",", names.Select(SqlSession.QuoteString));
        foreach (var row in await sql.QueryAsync($"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({list})", cancellationToken).ConfigureAwait(false))
            result[row[0] ?? ""] = row[1] ?? "";
        return result;
    }

    private sealed record SessionInfo(ServerFlavor Flavor, ReplicationPosition? StartGtid, bool ChecksumEnabled);

    /// <summary>Where the stream is: the current file and the offset of the next event.</summary>
    internal sealed class StreamState(string fileName, ulong nextPosition)
    {
        public string FileName { get; private set; } = fileName;

        public ulong NextPosition { get; private set; } = nextPosition;

        /// <param name="binlogEvent">The event just parsed.</param>
        /// <param name="header">Its header as received (a cached TABLE_MAP instance keeps the header of its first arrival).</param>
        public void Advance(BinlogEvent binlogEvent, EventHeader header)
        {
            if (binlogEvent is RotateEvent rotate)
            {
                FileName = rotate.NextFileName;
                NextPosition = rotate.Position;
            }
            else if (header.NextPosition > 0)
            {
                NextPosition = header.NextPosition;
            }
        }
    }
}
