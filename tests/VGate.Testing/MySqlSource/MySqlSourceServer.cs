using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VGate.Testing.MySqlSource;

/// <summary>How a login was authenticated (see <see cref="MySqlSourceServer.Logins"/>).</summary>
public enum MySqlSourceAuthMethod
{
    /// <summary>mysql_native_password scramble.</summary>
    NativePassword,

    /// <summary>caching_sha2_password fast path: the scramble matched a cached account.</summary>
    CachingSha2Fast,

    /// <summary>caching_sha2_password full authentication, the password in clear over TLS.</summary>
    CachingSha2FullOverTls,

    /// <summary>caching_sha2_password full authentication, RSA-encrypted with the key the client asked the source for.</summary>
    CachingSha2FullRsaRequestedKey,

    /// <summary>caching_sha2_password full authentication, RSA-encrypted with a key the client already had (a key file).</summary>
    CachingSha2FullRsaKnownKey,

    /// <summary>An account with an empty password.</summary>
    EmptyPassword,

    /// <summary>The login was refused (wrong password, unknown user, or the client gave up).</summary>
    Refused,
}

/// <summary>One login the source saw.</summary>
/// <param name="User">The user name sent.</param>
/// <param name="ClientName">The <c>_client_name</c> connect attribute (<c>VGate</c> for VGate's replication connection,
/// <c>MySqlConnector</c> for its SQL connections).</param>
/// <param name="Tls">Whether the connection was upgraded to TLS.</param>
/// <param name="Method">How it was authenticated.</param>
public sealed record MySqlSourceLogin(string User, string ClientName, bool Tls, MySqlSourceAuthMethod Method);

/// <summary>
/// A MySQL replication source for tests, on 127.0.0.1: a TCP server speaking MySQL 8.4's side of the client/server
/// protocol — the handshake, TLS (<see cref="MySqlSourceOptions.Tls"/>), caching_sha2_password (fast path and full
/// authentication over TLS or with RSA, public key request included) and mysql_native_password, the COM_QUERY
/// statements VGate and MySqlConnector send (anything else gets an ERR packet naming the query, so a test fails loudly),
/// COM_REGISTER_SLAVE, COM_BINLOG_DUMP_GTID and COM_BINLOG_DUMP — and serving a binlog file a real MySQL server wrote.
/// </summary>
/// <remarks>
/// <para>A dump by GTID set follows MySQL's binlog sender: a fake ROTATE naming the file, the file's FORMAT_DESCRIPTION
/// (LOG_EVENT_BINLOG_IN_USE_F cleared), PREVIOUS_GTIDS, then every transaction whose GTID is not in the client's set
/// (gaps included), then — blocking — transactions appended by the test as they come, and HEARTBEAT_LOG_EVENTs at the
/// period the client set with <c>@source_heartbeat_period</c> while idle. A set that lacks part of
/// <see cref="GtidPurged"/> gets error 1236 with MySQL's message; a set with GTIDs of this source that it never wrote
/// gets MySQL's "more GTIDs than the source" 1236.</para>
/// <para>Recorded events go out byte for byte; only events the source makes up (ROTATE, HEARTBEAT) and appended
/// copies (<see cref="AppendTransaction"/>) get checksums computed here.</para>
/// </remarks>
public sealed class MySqlSourceServer : IAsyncDisposable
{
    /// <summary>The default replication account.</summary>
    public const string ReplicationUser = "vgate_repl";

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly ConcurrentQueue<MySqlSourceLogin> _logins = new();
    private readonly ConcurrentQueue<string> _queries = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly ConcurrentQueue<string> _dumpRequests = new();
    private readonly ConcurrentDictionary<string, bool> _authCache = new(StringComparer.Ordinal);
    private readonly Task _acceptLoop;
    private int _connectionIds;
    private long _heartbeats;
    private SourceGtidSet _purged;

    private MySqlSourceServer(MySqlSourceOptions options, SourceBinlog binlog)
    {
        Options = options;
        Binlog = binlog;
        Users = options.Users ?? [new MySqlSourceUser(ReplicationUser, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)))];
        ServerUuid = options.ServerUuid ?? binlog.Transactions.FirstOrDefault(t => t.Uuid is not null)?.Uuid
            ?? binlog.PreviousGtids.Uuids.FirstOrDefault() ?? Guid.NewGuid().ToString("D");
        ReplicaStatus = options.ReplicaStatus;
        _purged = options.GtidPurged is { } purged ? SourceGtidSet.Parse(purged) : binlog.PreviousGtids.Clone();
        if (options.Tls is { } tls)
        {
            using var pem = X509Certificate2.CreateFromPemFile(tls.ServerCertificateFile, tls.ServerKeyFile);
            // Through PKCS#12 so that SslStream can use the private key on every platform.
            Certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Starts a source serving <see cref="MySqlSourceOptions.BinlogFile"/>.</summary>
    public static MySqlSourceServer Start(MySqlSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new MySqlSourceServer(options, SourceBinlog.Load(options.BinlogFile));
    }

    public MySqlSourceOptions Options { get; }

    public string Host { get; } = "127.0.0.1";

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The accounts.</summary>
    public IReadOnlyList<MySqlSourceUser> Users { get; }

    /// <summary>The first account (the replication user by default).</summary>
    public MySqlSourceUser User => Users[0];

    public string ServerUuid { get; }

    /// <summary>The name of the binlog file served.</summary>
    public string BinlogFileName => Binlog.FileName;

    /// <summary>The served binlog's transactions: the recorded ones, then the appended ones.</summary>
    public IReadOnlyList<SourceTransaction> Transactions => Binlog.Transactions;

    /// <summary><c>@@GLOBAL.gtid_executed</c>: the file's PREVIOUS_GTIDS and every GTID in it and appended since.</summary>
    public string GtidExecuted => Binlog.Executed().ToString();

    /// <summary><c>@@GLOBAL.gtid_purged</c> (settable: a test can "purge" transactions).</summary>
    public string GtidPurged
    {
        get => Volatile.Read(ref _purged).ToString();
        set => Volatile.Write(ref _purged, SourceGtidSet.Parse(value));
    }

    /// <summary>
    /// The row of <c>SHOW REPLICA STATUS</c> (column → value) when the source is itself a replica, null for a primary (no
    /// row). Settable, so a test can stop replication or make it lag.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? ReplicaStatus { get; set; }

    /// <summary>The RSA key pair caching_sha2_password full authentication uses without TLS.</summary>
    public RSA RsaKey { get; } = RSA.Create(2048);

    /// <summary>The public half of <see cref="RsaKey"/> as PEM (what a key file given to a client holds).</summary>
    public string RsaPublicKeyPem => RsaKey.ExportSubjectPublicKeyInfoPem();

    /// <summary>Every login so far, in order.</summary>
    public IReadOnlyList<MySqlSourceLogin> Logins => [.. _logins];

    /// <summary>Every COM_QUERY received, in order.</summary>
    public IReadOnlyList<string> Queries => [.. _queries];

    /// <summary>The queries answered with the "not answered by the test source" error.</summary>
    public IReadOnlyList<string> UnexpectedQueries => [.. _unexpected];

    /// <summary>The GTID set (text) of each COM_BINLOG_DUMP_GTID received, or <c>file:position</c> of a COM_BINLOG_DUMP.</summary>
    public IReadOnlyList<string> DumpRequests => [.. _dumpRequests];

    /// <summary>HEARTBEAT_LOG_EVENTs sent so far.</summary>
    public long HeartbeatsSent => Interlocked.Read(ref _heartbeats);

    /// <summary>Failures inside the source's sessions (protocol violations by the client, bugs of the source).</summary>
    public IReadOnlyList<Exception> Errors => [.. _errors];

    internal SourceBinlog Binlog { get; }

    internal X509Certificate2? Certificate { get; }

    internal SourceGtidSet Purged => Volatile.Read(ref _purged);

    internal CancellationToken Stopping => _stop.Token;

    /// <summary>
    /// Appends a copy of transaction <paramref name="templateIndex"/> (an index into <see cref="Transactions"/>) under a new
    /// GTID of this source (the next number after <see cref="GtidExecuted"/>'s last one for <see cref="ServerUuid"/>, or
    /// <paramref name="gno"/>). Dumps that wait at the end of the binlog send it at once.
    /// </summary>
    /// <returns>The appended transaction.</returns>
    public SourceTransaction AppendTransaction(int templateIndex, long? gno = null) =>
        Binlog.Append(templateIndex, ServerUuid, gno ?? Binlog.Executed().LastGno(ServerUuid) + 1);

    /// <summary>Forgets the caching_sha2_password cache (as <c>FLUSH PRIVILEGES</c> does): the next login of each account is full.</summary>
    public void ClearAuthenticationCache() => _authCache.Clear();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_sessions).ConfigureAwait(false);
        RsaKey.Dispose();
        Certificate?.Dispose();
        _stop.Dispose();
    }

    internal int NextConnectionId() => Interlocked.Increment(ref _connectionIds);

    internal void RecordLogin(MySqlSourceLogin login) => _logins.Enqueue(login);

    internal void RecordQuery(string sql) => _queries.Enqueue(sql);

    internal void RecordUnexpected(string sql) => _unexpected.Enqueue(sql);

    internal void RecordDump(string request) => _dumpRequests.Enqueue(request);

    internal void RecordHeartbeat() => Interlocked.Increment(ref _heartbeats);

    internal bool IsCached(string user) => !Options.AlwaysFullAuthentication && _authCache.ContainsKey(user);

    internal void Cache(string user) => _authCache[user] = true;

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                client.NoDelay = true;
                _sessions.Add(RunSessionAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private async Task RunSessionAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var session = new MySqlSourceSession(this, client.GetStream());
                await session.RunAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or OperationCanceledException or ObjectDisposedException or SocketException
                or System.Security.Authentication.AuthenticationException)
            {
                // The client went away (also by refusing the source's certificate) or the source is stopping.
            }
            catch (Exception ex)
            {
                _errors.Enqueue(ex);
            }
        }
    }
}
