using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MySqlConnector;

namespace VGate.Testing;

/// <summary>
/// A real, throwaway <c>mariadbd</c> process for integration tests: its own data directory (a copy of a
/// cached template made by <c>mariadb-install-db</c>, see <see cref="MariaDbTemplate"/>), a free port on 127.0.0.1, the binary log configured
/// by <see cref="MariaDbServerOptions"/>, a random root password and a replication user <see cref="ReplicationUser"/>.
/// </summary>
/// <remarks>
/// <para>
/// Layout of <see cref="RootDirectory"/> (under <c>$TMPDIR/vgate-test-servers/</c>): <c>data/</c> (the datadir),
/// <c>binlog.NNNNNN</c> and <c>binlog.index</c>, <c>mysqld.sock</c>, <c>mariadbd.pid</c> and <c>mariadbd.log</c>
/// (the server's stdout and stderr, which is its error log).
/// </para>
/// <para>
/// <see cref="DisposeAsync"/> kills the process and deletes the directory; with <c>VGATE_KEEP_TEST_SERVERS=1</c> it
/// shuts the server down cleanly and keeps the directory instead. Servers still running when the test process
/// exits are killed by an <see cref="AppDomain.ProcessExit"/> handler, and servers orphaned by a test process that
/// was itself killed are removed by the next test process.
/// </para>
/// <para>
/// The setup statements (passwords, the replication user) are not written to the binary log: a new server's
/// binary log holds no transactions and <see cref="GetGtidCurrentPosAsync"/> returns an empty string.
/// </para>
/// </remarks>
public sealed class MariaDbServer : IAsyncDisposable
{
    /// <summary>The name of the replication user every server gets.</summary>
    public const string ReplicationUserName = "vgate_repl";

    /// <summary>The host every server listens on.</summary>
    public const string Host = "127.0.0.1";

    private const int MaxPortAttempts = 5;
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);
    private static int _nextId;

    private Process? _process;
    private bool _usersCreated;
    private bool _disposed;

    private MariaDbServer(MariaDbServerOptions options, string rootDirectory, uint serverId, uint gtidDomainId)
    {
        Options = options;
        RootDirectory = rootDirectory;
        ServerId = serverId;
        GtidDomainId = gtidDomainId;
        RootPassword = NewPassword();
        ReplicationPassword = NewPassword();
    }

    /// <summary>The options the server was started with.</summary>
    public MariaDbServerOptions Options { get; }

    /// <summary>The TCP port on <see cref="Host"/>; stays the same across <see cref="RestartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The directory holding everything of this server.</summary>
    public string RootDirectory { get; }

    /// <summary>The server's <c>datadir</c>.</summary>
    public string DataDirectory => Path.Combine(RootDirectory, "data");

    /// <summary>The directory holding the binary log files (<c>binlog.000001</c>, …) and <c>binlog.index</c>.</summary>
    public string BinlogDirectory => RootDirectory;

    /// <summary>
    /// The server's own <c>tmpdir</c>. Never the shared /tmp: a starting mariadbd deletes every <c>#sql*</c> file in its
    /// tmpdir (leftovers of a crash, it assumes), which are the on-disk temporary tables of the other servers running
    /// queries at that moment ("Error on delete of '/tmp/#sql-temptable-….MAI'").
    /// </summary>
    public string TmpDirectory => Path.Combine(RootDirectory, "tmp");

    /// <summary>The Unix socket path.</summary>
    public string SocketPath => Path.Combine(RootDirectory, "mysqld.sock");

    /// <summary>The server's stdout and stderr (its error log), appended to across restarts.</summary>
    public string LogFile => Path.Combine(RootDirectory, "mariadbd.log");

    /// <summary>The effective <c>server_id</c>.</summary>
    public uint ServerId { get; }

    /// <summary>The effective <c>gtid_domain_id</c>.</summary>
    public uint GtidDomainId { get; }

    /// <summary>The result of <c>SELECT VERSION()</c>, e.g. <c>10.11.19-MariaDB-0+deb12u1-log</c>.</summary>
    public string ServerVersion { get; private set; } = "";

    /// <summary>The password of <c>root</c> (for <c>root@127.0.0.1</c>, <c>root@::1</c> and <c>root@localhost</c>).</summary>
    public string RootPassword { get; }

    /// <summary>The replication user's name, <see cref="ReplicationUserName"/>.</summary>
    public string ReplicationUser { get; } = ReplicationUserName;

    /// <summary>
    /// The replication user's random password. The user is <c>vgate_repl@'%'</c> with <c>SELECT, RELOAD,
    /// SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR</c> (which <c>REPLICATION CLIENT</c> is an alias of since
    /// 10.5) and <c>SLAVE MONITOR</c>.
    /// </summary>
    public string ReplicationPassword { get; }

    /// <summary><c>mysql://vgate_repl:&lt;password&gt;@127.0.0.1:&lt;port&gt;</c>.</summary>
    public Uri ReplicationUri => new(string.Create(CultureInfo.InvariantCulture, $"mysql://{ReplicationUser}:{ReplicationPassword}@{Host}:{Port}"));

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The process id while running.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Starts a server with the default options (ROW, FULL, FULL, binary log on).</summary>
    public static Task<MariaDbServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new MariaDbServerOptions(), cancellationToken);

    /// <summary>
    /// Starts a server and waits until it accepts connections and its users exist. Throws
    /// <see cref="MariaDbServerException"/> (with the tail of the server log) when it cannot start.
    /// </summary>
    public static async Task<MariaDbServer> StartAsync(MariaDbServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var id = (uint)Interlocked.Increment(ref _nextId);
        var template = await MariaDbTemplate.GetAsync(cancellationToken).ConfigureAwait(false);
        var root = Path.Combine(
            ServerDirectories.Root,
            string.Create(CultureInfo.InvariantCulture, $"{ServerDirectories.ProcessPrefix}{id}-{options.Name ?? "mariadb"}-{Guid.NewGuid().ToString("N")[..6]}"));
        var server = new MariaDbServer(options, root, options.ServerId ?? id, options.GtidDomainId ?? id);
        ServerDirectories.Register(server);
        try
        {
            MariaDbTemplate.CopyTo(template, server.DataDirectory);
            Directory.CreateDirectory(server.TmpDirectory);
            for (var attempt = 1; ; attempt++)
            {
                server.Port = FreePort.GetAvailableTcpPort();
                if (await server.LaunchAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                if (attempt == MaxPortAttempts)
                {
                    throw MariaDbServerException.StartFailed(
                        $"mariadbd could not bind a free port in {MaxPortAttempts} attempts (last {server.Port}). Server log tail:",
                        server.ReadLogTail(0));
                }
            }

            await server.CreateUsersAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A MySqlConnector connection string over TCP to 127.0.0.1, as root or as the replication user.
    /// Pooling is off so that killed and restarted servers never hand out stale connections.
    /// </summary>
    public string ConnectionString(string? database = null, bool root = true)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = Host,
            Port = (uint)Port,
            UserID = root ? "root" : ReplicationUser,
            Password = root ? RootPassword : ReplicationPassword,
            Pooling = false,
            ConnectionTimeout = 10,
            DefaultCommandTimeout = 120,
            AllowUserVariables = true,
            SslMode = Options.TlsCertificateFile is null ? MySqlSslMode.None : MySqlSslMode.Required,
        };
        if (database is not null)
        {
            builder.Database = database;
        }

        return builder.ConnectionString;
    }

    /// <summary>Opens a new connection (see <see cref="ConnectionString"/>); the caller disposes it.</summary>
    public async Task<MySqlConnection> OpenConnectionAsync(string? database = null, bool root = true, CancellationToken cancellationToken = default)
    {
        var connection = new MySqlConnection(ConnectionString(database, root));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="sql"/> (one or more statements) as root and returns the rows affected.</summary>
    /// <remarks>
    /// <c>XA COMMIT</c> / <c>XA ROLLBACK</c> of a transaction another call prepared is retried while the server answers
    /// XAER_NOTA (1397), for up to 30 s: the prepared transaction is detached from its session only once the server has
    /// processed that session's disconnect, which on a loaded machine can come after this call's connection logs in.
    /// </remarks>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                var connection = await OpenConnectionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    using var command = CreateCommand(connection, sql);
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (MySqlException ex) when (ex.Number == XaUnknownXid && EndsDetachedXa(sql) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private const int XaUnknownXid = 1397;

    private static bool EndsDetachedXa(string sql)
    {
        var text = sql.TrimStart();
        return (text.StartsWith("XA COMMIT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("XA ROLLBACK", StringComparison.OrdinalIgnoreCase))
            && !text.Contains("ONE PHASE", StringComparison.OrdinalIgnoreCase) && !text.Contains(';', StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> as root and returns the first column of the first row converted to
    /// <typeparamref name="T"/> (invariant culture), or <see langword="default"/> for no row or NULL.
    /// </summary>
    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken = default)
    {
        var connection = await OpenConnectionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = CreateCommand(connection, sql);
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (value is null or DBNull)
            {
                return default;
            }

            if (value is T typed)
            {
                return typed;
            }

            var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Runs <paramref name="sql"/> as root and returns the rows of its first result set (NULL as <see langword="null"/>).</summary>
    public async Task<List<object?[]>> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        var connection = await OpenConnectionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = CreateCommand(connection, sql);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var rows = new List<object?[]>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = new object?[reader.FieldCount];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    }

                    rows.Add(row);
                }

                return rows;
            }
        }
    }

    /// <summary>Rotates the binary log (<c>FLUSH BINARY LOGS</c>).</summary>
    public Task FlushLogsAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("FLUSH BINARY LOGS", cancellationToken);

    /// <summary>
    /// Deletes the binary logs before <paramref name="file"/> (<c>PURGE BINARY LOGS TO</c>) and waits until they are
    /// gone. MariaDB keeps a file until the binlog checkpoint (InnoDB's log flush) has passed it, which lags a
    /// rotation by up to a second, and skips files an active binlog reader is on; the purge is repeated until the
    /// older files are gone, and after 30 s a <see cref="TimeoutException"/> names the files still there.
    /// </summary>
    public async Task PurgeBinaryLogsToAsync(string file, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        if (!file.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException($"'{file}' is not a binary log file name.", nameof(file));
        }

        await Eventually.AssertAsync(
            async () =>
            {
                await ExecuteAsync($"PURGE BINARY LOGS TO '{file}'", cancellationToken).ConfigureAwait(false);
                var logs = await GetBinaryLogsAsync(cancellationToken).ConfigureAwait(false);
                var older = logs.TakeWhile(log => log.File != file).Select(log => log.File).ToList();
                if (older.Count > 0)
                {
                    throw new InvalidOperationException($"PURGE BINARY LOGS TO '{file}' left {string.Join(", ", older)} in place.");
                }
            },
            TimeSpan.FromSeconds(30),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every binary log but the current one.</summary>
    public async Task PurgeAllButCurrentAsync(CancellationToken cancellationToken = default)
    {
        var (file, _) = await GetBinlogPositionAsync(cancellationToken).ConfigureAwait(false);
        await PurgeBinaryLogsToAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>@@GLOBAL.gtid_current_pos</c>, e.g. <c>7-7-12</c>; empty on a new server.</summary>
    public async Task<string> GetGtidCurrentPosAsync(CancellationToken cancellationToken = default) =>
        await ScalarAsync<string>("SELECT @@GLOBAL.gtid_current_pos", cancellationToken).ConfigureAwait(false) ?? "";

    /// <summary><c>@@GLOBAL.gtid_binlog_pos</c>: the last GTID per domain written to this server's binary log.</summary>
    public async Task<string> GetGtidBinlogPosAsync(CancellationToken cancellationToken = default) =>
        await ScalarAsync<string>("SELECT @@GLOBAL.gtid_binlog_pos", cancellationToken).ConfigureAwait(false) ?? "";

    /// <summary>The current binary log file and position (<c>SHOW MASTER STATUS</c>).</summary>
    public async Task<(string File, long Position)> GetBinlogPositionAsync(CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SHOW MASTER STATUS", cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            throw new InvalidOperationException("SHOW MASTER STATUS returned no row: the binary log is off.");
        }

        return ((string)rows[0][0]!, Convert.ToInt64(rows[0][1], CultureInfo.InvariantCulture));
    }

    /// <summary>The binary log files the server knows, oldest first, with their sizes (<c>SHOW BINARY LOGS</c>).</summary>
    public async Task<IReadOnlyList<(string File, long Size)>> GetBinaryLogsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SHOW BINARY LOGS", cancellationToken).ConfigureAwait(false);
        return rows.Select(r => ((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Kills the server with SIGKILL, as a crashed shard, and waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        process.Dispose();
        _process = null;
    }

    /// <summary>Shuts the server down cleanly (<c>SHUTDOWN</c>), killing it if it is not gone within 60 s.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            try
            {
                var connection = new MySqlConnection(SocketConnectionString(_usersCreated ? RootPassword : null));
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    using var command = CreateCommand(connection, "SHUTDOWN");
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (MySqlException)
            {
                // The server may drop the connection while shutting down, or be unable to shut down cleanly:
                // either way, waiting below (and killing after the timeout) settles it.
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ShutdownTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        process.Dispose();
        _process = null;
    }

    /// <summary>
    /// Stops the server if it is running (cleanly) and starts it again on the same port with the same data
    /// directory; after <see cref="KillAsync"/> this runs crash recovery.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await StopAsync(cancellationToken).ConfigureAwait(false);
        if (!await LaunchAsync(cancellationToken).ConfigureAwait(false))
        {
            throw MariaDbServerException.StartFailed(
                $"mariadbd could not restart: port {Port} was taken by another process meanwhile. Server log tail:",
                ReadLogTail(0));
        }
    }

    /// <summary>
    /// Kills the server and deletes its directory, or, with <c>VGATE_KEEP_TEST_SERVERS=1</c>, shuts it down
    /// cleanly and keeps the directory for inspection.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var keep = ServerDirectories.KeepServers;
        if (keep)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(RootDirectory, ServerDirectories.KeepMarker), "VGATE_KEEP_TEST_SERVERS=1\n").ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"VGATE_KEEP_TEST_SERVERS=1: kept {RootDirectory}").ConfigureAwait(false);
        }
        else
        {
            await KillAsync().ConfigureAwait(false);
            TempDirectory.DeleteQuietly(RootDirectory);
        }

        ServerDirectories.Unregister(this);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"mariadbd {Options.Name ?? ""}#{ServerId} on {Host}:{Port} ({RootDirectory})");

    /// <summary>Synchronous last-resort cleanup from the <see cref="AppDomain.ProcessExit"/> handler.</summary>
    internal void KillForProcessExit()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
            // Exited or disposed meanwhile.
        }

        if (!ServerDirectories.KeepServers)
        {
            TempDirectory.DeleteQuietly(RootDirectory);
        }
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static MySqlCommand CreateCommand(MySqlConnection connection, string sql)
    {
#pragma warning disable CA2100 // A test helper runs the SQL the test wrote; there is no untrusted input.
        return new MySqlCommand(sql, connection);
#pragma warning restore CA2100
    }

    private static string BinlogFormatValue(BinlogFormat format) => format switch
    {
        BinlogFormat.Row => "ROW",
        BinlogFormat.Statement => "STATEMENT",
        BinlogFormat.Mixed => "MIXED",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    private static string RowImageValue(BinlogRowImage image) => image switch
    {
        BinlogRowImage.Full => "FULL",
        BinlogRowImage.Minimal => "MINIMAL",
        BinlogRowImage.NoBlob => "NOBLOB",
        _ => throw new ArgumentOutOfRangeException(nameof(image), image, null),
    };

    private static string RowMetadataValue(BinlogRowMetadata metadata) => metadata switch
    {
        BinlogRowMetadata.Full => "FULL",
        BinlogRowMetadata.Minimal => "MINIMAL",
        BinlogRowMetadata.NoLog => "NO_LOG",
        _ => throw new ArgumentOutOfRangeException(nameof(metadata), metadata, null),
    };

    private string[] BuildArguments()
    {
        var arguments = new List<string>
        {
            "--no-defaults", // must come first: ignore /etc/mysql and ~/.my.cnf
            $"--datadir={DataDirectory}",
            string.Create(CultureInfo.InvariantCulture, $"--port={Port}"),
            $"--bind-address={Host}",
            $"--socket={SocketPath}",
            $"--tmpdir={TmpDirectory}",
            $"--pid-file={Path.Combine(RootDirectory, ServerDirectories.PidFileName)}",
            string.Create(CultureInfo.InvariantCulture, $"--server-id={ServerId}"),
            string.Create(CultureInfo.InvariantCulture, $"--gtid-domain-id={GtidDomainId}"),
            Options.LogBin ? $"--log-bin={Path.Combine(BinlogDirectory, "binlog")}" : "--skip-log-bin",
            $"--binlog-format={BinlogFormatValue(Options.BinlogFormat)}",
            $"--binlog-row-image={RowImageValue(Options.BinlogRowImage)}",
            $"--binlog-row-metadata={RowMetadataValue(Options.BinlogRowMetadata)}",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=32M",
            $"--innodb-log-file-size={MariaDbTemplate.InnoDbLogFileSize}",

            // The redo log still reaches the OS at every commit, so a SIGKILLed server (KillAsync) loses nothing;
            // only the fsync per commit is skipped.
            "--innodb-flush-log-at-trx-commit=2",
        };
        if (Options.MaxBinlogSize is { } maxBinlogSize)
        {
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--max-binlog-size={maxBinlogSize}"));
        }

        if (Environment.IsPrivilegedProcess)
        {
            arguments.Add("--user=root");
        }

        if (Options.LoadEd25519Plugin || Options.ReplicationUserUsesEd25519)
        {
            arguments.Add("--plugin-load-add=auth_ed25519");
        }

        if (Options.TlsCertificateFile is not null)
        {
            arguments.Add($"--ssl-cert={Options.TlsCertificateFile}");
            arguments.Add($"--ssl-key={Options.TlsKeyFile}");
        }

        if (Options.TlsCaFile is not null)
        {
            arguments.Add($"--ssl-ca={Options.TlsCaFile}");
        }

        arguments.AddRange(Options.ExtraArguments);
        return [.. arguments];
    }

    private string SocketConnectionString(string? password) => new MySqlConnectionStringBuilder
    {
        Server = SocketPath,
        ConnectionProtocol = MySqlConnectionProtocol.UnixSocket,
        UserID = "root",
        Password = password ?? "",
        Pooling = false,
        ConnectionTimeout = 5,
        SslMode = MySqlSslMode.None,
    }.ConnectionString;

    /// <summary>
    /// Launches mariadbd and waits until it accepts connections. Returns <see langword="false"/> when the port was
    /// taken (the caller retries with another); throws when the server fails otherwise.
    /// </summary>
    private async Task<bool> LaunchAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var logOffset = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;

        // The shell only redirects stdin/stdout/stderr and then becomes mariadbd (exec), so the process we hold is
        // the server itself and its output goes straight to the log file, independent of this process.
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >>\"$VGATE_SERVER_LOG\" 2>&1");
        startInfo.ArgumentList.Add(MariaDbBinaries.Server);
        var arguments = BuildArguments();
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["VGATE_SERVER_LOG"] = LogFile;
        _process = Process.Start(startInfo)
            ?? throw MariaDbServerException.StartFailed("mariadbd did not start.", string.Join(' ', arguments));

        var started = Stopwatch.StartNew();
        var connectionString = SocketConnectionString(_usersCreated ? RootPassword : null);
        Exception? lastError = null;
        while (true)
        {
            if (_process.HasExited)
            {
                var exitCode = _process.ExitCode;
                _process.Dispose();
                _process = null;
                var log = ReadLogTail(logOffset);
                if (log.Contains("Address already in use", StringComparison.Ordinal) || log.Contains("Bind on TCP/IP port", StringComparison.Ordinal))
                {
                    return false;
                }

                throw MariaDbServerException.StartFailed(
                    $"{this} exited with code {exitCode} while starting. Server log tail:",
                    log);
            }

            try
            {
                var connection = new MySqlConnection(connectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }
            }
            catch (MySqlException ex) when (ex.ErrorCode != MySqlErrorCode.AccessDenied)
            {
                lastError = ex;
            }

            if (started.Elapsed > Options.StartupTimeout)
            {
                await KillAsync().ConfigureAwait(false);
                throw MariaDbServerException.StartFailed(
                    $"{this} did not accept connections within {Options.StartupTimeout.TotalSeconds:0} s (last error: {lastError.Message}). Server log tail:",
                    ReadLogTail(logOffset),
                    lastError);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CreateUsersAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(SocketConnectionString(null));
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var rootHosts = new List<string>();
            using (var command = CreateCommand(connection, "SELECT Host FROM mysql.global_priv WHERE User = 'root'"))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rootHosts.Add(reader.GetString(0));
                    }
                }
            }

            var sql = new StringBuilder("SET SESSION sql_log_bin = 0;\n");
            foreach (var host in rootHosts)
            {
                // mariadb-install-db also creates root@<machine name>, which --skip-name-resolve ignores anyway.
                sql.Append(host is "localhost" or "127.0.0.1" or "::1"
                    ? $"ALTER USER 'root'@'{host}' IDENTIFIED BY '{RootPassword}';\n"
                    : $"DROP USER 'root'@'{host}';\n");
            }

            sql.Append(Options.ReplicationUserUsesEd25519
                ? $"CREATE USER '{ReplicationUser}'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('{ReplicationPassword}');\n"
                : $"CREATE USER '{ReplicationUser}'@'%' IDENTIFIED BY '{ReplicationPassword}';\n");
            sql.Append(
                CultureInfo.InvariantCulture,
                $"GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR ON *.* TO '{ReplicationUser}'@'%';\n");
            sql.Append("SELECT VERSION();");
            using var setup = CreateCommand(connection, sql.ToString());
            ServerVersion = (string)(await setup.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        _usersCreated = true;
    }

    private string ReadLogTail(long offset)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return MariaDbTemplate.Tail(reader.ReadToEnd(), 40);
        }
        catch (IOException ex)
        {
            return $"(no server log at {LogFile}: {ex.Message})";
        }
    }
}
