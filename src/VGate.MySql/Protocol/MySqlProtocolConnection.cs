using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.MySql.Logging;
using VGate.MySql.Protocol.Payloads;

namespace VGate.MySql.Protocol;

/// <summary>
/// One MySQL or MariaDB client/server protocol connection: TCP or Unix socket, optional TLS, authentication, simple text
/// queries, and raw packet access for the replication stream.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_lifecycle.html and
/// https://mariadb.com/kb/en/clientserver-protocol/
/// </summary>
/// <remarks>
/// Not thread-safe: use one command at a time. After an exception other than <see cref="MySqlServerException"/> the
/// connection's state is unknown; dispose it.
/// </remarks>
public sealed class MySqlProtocolConnection : IAsyncDisposable
{
    private const byte ComQuit = 0x01;
    private const byte ComQuery = 0x03;
    private const byte NullValue = 0xFB;
    private const uint MaxPacketSize = 1 << 30;
    private const byte Utf8Mb4GeneralCi = 45;
    private const int SslRequestFillerLength = 23;

    // What VGate asks for; the server's capabilities are intersected with this. SSL and CONNECT_WITH_DB are added as needed.
    private const ProtocolCapabilities WantedCapabilities =
        ProtocolCapabilities.LongPassword | ProtocolCapabilities.LongFlag | ProtocolCapabilities.Protocol41 |
        ProtocolCapabilities.Transactions | ProtocolCapabilities.SecureConnection | ProtocolCapabilities.MultiResults |
        ProtocolCapabilities.PluginAuth | ProtocolCapabilities.PluginAuthLengthEncodedClientData |
        ProtocolCapabilities.ConnectAttributes | ProtocolCapabilities.DeprecateEof;

    private readonly PacketChannel _channel;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly ProtocolCapabilities _capabilities;
    private readonly X509Certificate2? _clientCertificate;
    private int _disposed;

    private MySqlProtocolConnection(
        PacketChannel channel,
        ILogger logger,
        string endpoint,
        InitialHandshakePayload handshake,
        ProtocolCapabilities capabilities,
        MySqlTransportSecurity transport,
        string authPluginName,
        X509Certificate2? clientCertificate)
    {
        _channel = channel;
        _logger = logger;
        _endpoint = endpoint;
        _capabilities = capabilities;
        _clientCertificate = clientCertificate;
        ServerVersion = handshake.ServerVersion;
        ConnectionId = handshake.ConnectionId;
        IsMariaDb = handshake.IsMariaDb;
        MariaDbCapabilities = handshake.MariaDbCapabilities;
        TransportSecurity = transport;
        AuthPluginName = authPluginName;
    }

    /// <summary>The server version from the handshake (MariaDB's <c>5.5.5-</c> replication prefix removed), e.g. <c>10.11.6-MariaDB-0+deb12u1</c>.</summary>
    public string ServerVersion { get; }

    /// <summary>The server's id for this connection (thread id), as used by <c>KILL</c>.</summary>
    public uint ConnectionId { get; }

    /// <summary>Whether the server is MariaDB (its version string contains "MariaDB").</summary>
    public bool IsMariaDb { get; }

    /// <summary>MariaDB's extended capabilities offered by the server; <see cref="MariaDbCapabilities.None"/> for MySQL.</summary>
    public MariaDbCapabilities MariaDbCapabilities { get; }

    /// <summary>Whether the connection is encrypted with TLS (verified or not: see <see cref="TransportSecurity"/>).</summary>
    public bool IsSecure => TransportSecurity is MySqlTransportSecurity.VerifiedTls or MySqlTransportSecurity.UnverifiedTls;

    /// <summary>What the transport protects: plaintext, unverified or verified TLS, or a Unix socket.</summary>
    public MySqlTransportSecurity TransportSecurity { get; }

    /// <summary>The authentication plugin that completed the login (after any switch), e.g. <c>caching_sha2_password</c>.</summary>
    public string AuthPluginName { get; }

    /// <summary>
    /// Whether result sets end with an OK packet instead of EOF packets, and no EOF packet follows column definitions
    /// (CLIENT_DEPRECATE_EOF was negotiated). Readers of replies to commands sent with <see cref="WriteCommandAsync"/> need it.
    /// </summary>
    public bool DeprecateEof => (_capabilities & ProtocolCapabilities.DeprecateEof) != 0;

    /// <summary>Connects, negotiates TLS and logs in. See <see cref="ConnectAsync(MySqlConnectionOptions, ILogger?, CancellationToken)"/>.</summary>
    public static Task<MySqlProtocolConnection> ConnectAsync(MySqlConnectionOptions options, CancellationToken cancellationToken = default) =>
        ConnectAsync(options, null, cancellationToken);

    /// <summary>
    /// Connects over TCP (Nagle off) or a Unix socket, reads the Initial Handshake, upgrades to TLS as
    /// <see cref="MySqlConnectionOptions.SslMode"/> says, authenticates, and pins the session's <c>sql_mode</c> to <see cref="SqlSession.SqlMode"/>.
    /// </summary>
    /// <param name="options">Where to connect and as whom. The options are copied.</param>
    /// <param name="logger">Logger for connection events; none when null.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <exception cref="MySqlServerException">The server refused the connection or the login (e.g. 1045 access denied).</exception>
    /// <exception cref="AuthenticationException">TLS could not be set up as required, the certificate was rejected, or the password
    /// cannot be sent safely with the given options.</exception>
    /// <exception cref="TimeoutException"><see cref="MySqlConnectionOptions.ConnectTimeout"/> elapsed.</exception>
    /// <exception cref="EndOfStreamException">The server closed the connection during the handshake.</exception>
    /// <exception cref="SocketException">The server could not be reached.</exception>
    public static async Task<MySqlProtocolConnection> ConnectAsync(MySqlConnectionOptions options, ILogger? logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero, nameof(options));
        logger ??= NullLogger.Instance;
        var endpoint = options.Endpoint;
        Log.Connecting(logger, endpoint, options.User);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        PacketChannel? channel = null;
        Socket? socket = null;
        X509Certificate2? clientCertificate = null;
        try
        {
            socket = await OpenSocketAsync(options, timeout.Token).ConfigureAwait(false);
            channel = new PacketChannel(new NetworkStream(socket, ownsSocket: true));
            socket = null;

            var packet = await channel.ReadPacketAsync(timeout.Token).ConfigureAwait(false);
            if (ErrorPayload.IsError(packet.Span))
                throw ErrorPayload.Create(packet.Span).ToException();
            var handshake = InitialHandshakePayload.Create(packet.Span);
            const ProtocolCapabilities required = ProtocolCapabilities.Protocol41 | ProtocolCapabilities.SecureConnection;
            if ((handshake.Capabilities & required) != required)
                throw ProtocolErrors.CreateForServerTooOld(handshake.ServerVersion);

            var isUnixSocket = options.UnixSocket is { Length: > 0 };
            var useTls = ShouldUseTls(options, (handshake.Capabilities & ProtocolCapabilities.Ssl) != 0, isUnixSocket, endpoint);
            var capabilities = (WantedCapabilities & handshake.Capabilities) | required;
            if (useTls)
                capabilities |= ProtocolCapabilities.Ssl;
            if (options.Database is { Length: > 0 } && (handshake.Capabilities & ProtocolCapabilities.ConnectWithDatabase) != 0)
                capabilities |= ProtocolCapabilities.ConnectWithDatabase;

            if (useTls)
            {
                var sslRequest = new PayloadBuilder(32)
                    .WriteUInt32((uint)capabilities)
                    .WriteUInt32(MaxPacketSize)
                    .WriteByte(Utf8Mb4GeneralCi)
                    .WriteZeros(SslRequestFillerLength);
                await channel.WritePacketAsync(sslRequest.Payload, timeout.Token).ConfigureAwait(false);
                clientCertificate = LoadClientCertificate(options);
                var sslStream = new SslStream(channel.Stream, leaveInnerStreamOpen: false);
                channel.ReplaceStream(sslStream);
                var validation = new CertificateValidation(options.SslMode);
                try
                {
                    await sslStream.AuthenticateAsClientAsync(CreateTlsOptions(options, clientCertificate, validation), timeout.Token).ConfigureAwait(false);
                }
                catch (AuthenticationException ex) when (validation.Errors != SslPolicyErrors.None)
                {
                    throw ProtocolErrors.CreateForCertificateRejected(endpoint, options.SslMode, validation.Errors, ex);
                }

                Log.TlsEstablished(logger, endpoint, sslStream.SslProtocol, sslStream.NegotiatedCipherSuite);
            }

            var transport = isUnixSocket ? MySqlTransportSecurity.UnixSocket
                : !useTls ? MySqlTransportSecurity.Plaintext
                : options.SslMode is MySqlSslMode.VerifyCA or MySqlSslMode.VerifyFull ? MySqlTransportSecurity.VerifiedTls
                : MySqlTransportSecurity.UnverifiedTls;
            var authenticator = new Authenticator(channel, options, transport, endpoint, logger);
            var plugin = Authenticator.ChooseInitialPlugin(handshake.AuthPluginName, transport);
            var authResponse = authenticator.CreateResponse(plugin, handshake.AuthPluginData);
            var response = CreateHandshakeResponse(options, capabilities, plugin, authResponse);
            await channel.WritePacketAsync(response.Payload, timeout.Token).ConfigureAwait(false);
            await authenticator.CompleteAsync(endpoint, timeout.Token).ConfigureAwait(false);

            var connection = new MySqlProtocolConnection(channel, logger, endpoint, handshake, capabilities, transport, authenticator.PluginName, clientCertificate);

            // The source's global sql_mode must not change what VGate's statements mean (see SqlSession).
            await connection.ExecuteAsync(SqlSession.SetSqlModeStatement, timeout.Token).ConfigureAwait(false);
            Log.Connected(logger, endpoint, connection.ServerVersion, connection.ConnectionId, connection.AuthPluginName, transport);
            return connection;
        }
        catch (Exception ex)
        {
            socket?.Dispose();
            if (channel is not null)
                await channel.DisposeAsync().ConfigureAwait(false);
            clientCertificate?.Dispose();
            Log.ConnectFailed(logger, endpoint, ex);
            if (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                throw ProtocolErrors.CreateForConnectTimeout(endpoint, options.ConnectTimeout);
            throw;
        }
    }

    /// <summary>
    /// Runs a statement with COM_QUERY. An OK reply completes it; any result sets are read and discarded.
    /// </summary>
    /// <exception cref="MySqlServerException">The server answered with ERR.</exception>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        await RunQueryAsync(sql, collect: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a query with COM_QUERY and returns the rows of its first result set as text (NULL as <c>null</c>); an
    /// empty list when the statement returns no result set. Further result sets are read and discarded.
    /// </summary>
    /// <exception cref="MySqlServerException">The server answered with ERR.</exception>
    public async Task<IReadOnlyList<string?[]>> QueryAsync(string sql, CancellationToken cancellationToken = default) =>
        (await QueryResultAsync(sql, cancellationToken).ConfigureAwait(false)).Rows;

    /// <summary>
    /// Runs a query with COM_QUERY and returns its first result set, column names included, values as the server's text
    /// (NULL as <c>null</c>); an empty result when the statement returns no result set. Further result sets are read and
    /// discarded.
    /// </summary>
    /// <exception cref="MySqlServerException">The server answered with ERR.</exception>
    public async Task<SqlResult> QueryResultAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return await RunQueryAsync(sql, collect: true, cancellationToken).ConfigureAwait(false) ?? SqlResult.Empty;
    }

    /// <summary>The first value of the first row of <paramref name="sql"/>'s result, or null (no row, or NULL).</summary>
    /// <exception cref="MySqlServerException">The server answered with ERR.</exception>
    public async Task<string?> QueryScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        var rows = (await QueryResultAsync(sql, cancellationToken).ConfigureAwait(false)).Rows;
        return rows.Count > 0 && rows[0].Length > 0 ? rows[0][0] : null;
    }

    /// <summary>
    /// Sends a command packet (first byte the command code, e.g. COM_BINLOG_DUMP), starting a new sequence at 0.
    /// Payloads of 16 MiB or more are split as the protocol requires.
    /// </summary>
    public async Task WriteCommandAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _channel.ResetSequence();
        await _channel.WritePacketAsync(payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Largest reply payload accepted (split packets reassembled); default
    /// <see cref="PacketChannel.DefaultMaxPayloadLength"/>. A longer one fails the read with <see cref="BinlogFormatException"/>.
    /// </summary>
    public int MaxPacketBytes
    {
        get => _channel.MaxPayloadLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, PacketChannel.MaxPacketPayload);
            _channel.MaxPayloadLength = value;
        }
    }

    /// <summary>
    /// Called whenever bytes arrive while <see cref="ReadPacketAsync"/> waits, also in the middle of a packet (a silence
    /// watchdog judges the source by it); null for none.
    /// </summary>
    public Action? DataReceived
    {
        get => _channel.DataReceived;
        set => _channel.DataReceived = value;
    }

    /// <summary>
    /// Reads the next packet of the current command's reply (split packets reassembled), checking its sequence id.
    /// </summary>
    /// <returns>
    /// The payload, valid only until the next call to <see cref="ReadPacketAsync"/> or any other command on this connection:
    /// it references the connection's receive buffer, which is reused. Copy what must outlive that.
    /// </returns>
    /// <exception cref="BinlogFormatException">A packet arrived out of sequence.</exception>
    /// <exception cref="EndOfStreamException">The server closed the connection.</exception>
    public ValueTask<ReadOnlyMemory<byte>> ReadPacketAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _channel.ReadPacketAsync(cancellationToken);
    }

    /// <summary>
    /// Sends COM_QUIT (best effort) and closes the socket. May be called from another thread while
    /// <see cref="ReadPacketAsync"/> is waiting (e.g. by a watchdog); that read then fails with
    /// <see cref="ObjectDisposedException"/> or <see cref="IOException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Log.Closing(_logger, ConnectionId, _endpoint);
        try
        {
            using var quitTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            _channel.ResetSequence();
            await _channel.WritePacketAsync(new[] { ComQuit }, quitTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidOperationException)
        {
            Log.QuitFailed(_logger, _endpoint, ex);
        }

        await _channel.DisposeAsync().ConfigureAwait(false);
        _clientCertificate?.Dispose();
    }

    private static async Task<Socket> OpenSocketAsync(MySqlConnectionOptions options, CancellationToken cancellationToken)
    {
        Socket socket;
        EndPoint endPoint;
        if (options.UnixSocket is { Length: > 0 } path)
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            endPoint = new UnixDomainSocketEndPoint(path);
        }
        else
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            endPoint = IPAddress.TryParse(options.Host, out var address)
                ? new IPEndPoint(address, options.Port)
                : new DnsEndPoint(options.Host, options.Port);
        }

        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool ShouldUseTls(MySqlConnectionOptions options, bool serverOffersTls, bool isUnixSocket, string endpoint) =>
        options.SslMode switch
        {
            MySqlSslMode.None => false,
            MySqlSslMode.Preferred => serverOffersTls && !isUnixSocket,
            _ => serverOffersTls ? true : throw ProtocolErrors.CreateForTlsNotOffered(endpoint, options.SslMode),
        };

    private static X509Certificate2? LoadClientCertificate(MySqlConnectionOptions options) =>
        options is { SslCertFile: { } certFile, SslKeyFile: { } keyFile }
            ? X509Certificate2.CreateFromPemFile(certFile, keyFile)
            : null;

    private static SslClientAuthenticationOptions CreateTlsOptions(MySqlConnectionOptions options, X509Certificate2? clientCertificate, CertificateValidation validation)
    {
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = options.UnixSocket is { Length: > 0 } ? "localhost" : options.Host,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (clientCertificate is not null)
            tls.ClientCertificates = [clientCertificate];

        var verify = options.SslMode is MySqlSslMode.VerifyCA or MySqlSslMode.VerifyFull;
        if (verify && options.SslCaFile is { } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            if (roots.Count == 0)
                throw ProtocolErrors.CreateForBadCaFile(caFile);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            tls.CertificateChainPolicy = policy;
        }

        tls.RemoteCertificateValidationCallback = validation.Validate;
        return tls;
    }

    private static PayloadBuilder CreateHandshakeResponse(MySqlConnectionOptions options, ProtocolCapabilities capabilities, string plugin, byte[] authResponse)
    {
        // HandshakeResponse41: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_response.html
        // MariaDB puts its extended client capabilities in the last 4 filler bytes; VGate asks for none, so all 23 are zero.
        var builder = new PayloadBuilder()
            .WriteUInt32((uint)capabilities)
            .WriteUInt32(MaxPacketSize)
            .WriteByte(Utf8Mb4GeneralCi)
            .WriteZeros(SslRequestFillerLength)
            .WriteNullTerminatedString(options.User);
        if ((capabilities & ProtocolCapabilities.PluginAuthLengthEncodedClientData) != 0)
        {
            builder.WriteLengthEncodedBytes(authResponse);
        }
        else
        {
            builder.WriteByte(checked((byte)authResponse.Length)).WriteBytes(authResponse);
        }

        if ((capabilities & ProtocolCapabilities.ConnectWithDatabase) != 0)
            builder.WriteNullTerminatedString(options.Database!);
        if ((capabilities & ProtocolCapabilities.PluginAuth) != 0)
            builder.WriteNullTerminatedString(plugin);
        if ((capabilities & ProtocolCapabilities.ConnectAttributes) != 0)
        {
            var attributes = new PayloadBuilder()
                .WriteLengthEncodedString("_client_name").WriteLengthEncodedString("VGate")
                .WriteLengthEncodedString("_client_version").WriteLengthEncodedString(ClientVersion)
                .WriteLengthEncodedString("_os").WriteLengthEncodedString(RuntimeInformation.OSDescription)
                .WriteLengthEncodedString("_pid").WriteLengthEncodedString(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WriteLengthEncodedString("program_name").WriteLengthEncodedString("vgate");
            builder.WriteLengthEncodedBytes(attributes.Payload.Span);
        }

        return builder;
    }

    private static string ClientVersion =>
        typeof(MySqlProtocolConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private async Task<SqlResult?> RunQueryAsync(string sql, bool collect, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var command = new PayloadBuilder(sql.Length + 8).WriteByte(ComQuery).WriteString(sql);
        await WriteCommandAsync(command.Payload, cancellationToken).ConfigureAwait(false);

        SqlResult? result = null;
        while (true)
        {
            var packet = await _channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            var columnCount = ReadResultHeader(packet.Span, out var okStatus);
            ServerStatus status;
            if (columnCount == 0)
            {
                status = okStatus;
            }
            else
            {
                var target = collect && result is null ? new SqlResult(new string[columnCount], []) : null;
                status = await ReadResultSetAsync(columnCount, target, cancellationToken).ConfigureAwait(false);
                result ??= target;
            }

            if ((status & ServerStatus.MoreResultsExist) == 0)
                return result;
        }
    }

    // Returns the column count of a result set, or 0 for an OK packet (whose status is returned); throws on ERR.
    private static int ReadResultHeader(ReadOnlySpan<byte> packet, out ServerStatus okStatus)
    {
        okStatus = ServerStatus.None;
        if (packet.IsEmpty)
            throw BinlogFormatException.Create("Empty reply to COM_QUERY");
        switch (packet[0])
        {
            case OkPayload.Signature:
                okStatus = OkPayload.Create(packet).Status;
                return 0;
            case ErrorPayload.Signature:
                throw ErrorPayload.Create(packet).ToException();
            case NullValue:
                throw BinlogFormatException.Create("The server requested LOCAL INFILE, which VGate does not support", 0);
            default:
                var reader = new PacketReader(packet);
                return reader.ReadLengthEncodedLength();
        }
    }

    // Text result set: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset.html
    private async Task<ServerStatus> ReadResultSetAsync(int columnCount, SqlResult? result, CancellationToken cancellationToken)
    {
        for (var i = 0; i < columnCount; i++)
        {
            var definition = await _channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (ErrorPayload.IsError(definition.Span))
                throw ErrorPayload.Create(definition.Span).ToException();
            if (result is not null)
                result.ColumnNames[i] = ReadColumnName(definition.Span);
        }

        if (!DeprecateEof)
        {
            var eof = await _channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (!EofPayload.IsEof(eof.Span))
                throw BinlogFormatException.Create($"Expected an EOF packet after {columnCount} column definition(s)");
        }

        while (true)
        {
            var packet = await _channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (TryReadResultSetEnd(packet.Span, DeprecateEof, out var status))
                return status;
            result?.RowList.Add(ParseTextRow(packet.Span, columnCount));
        }
    }

    // Column Definition 41: catalog, schema, table, org_table, then the name as the query labels it.
    // https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html
    private static string ReadColumnName(ReadOnlySpan<byte> definition)
    {
        var reader = new PacketReader(definition);
        for (var i = 0; i < 4; i++)
            reader.Skip(reader.ReadLengthEncodedLength());
        return reader.ReadLengthEncodedString();
    }

    private static bool TryReadResultSetEnd(ReadOnlySpan<byte> packet, bool deprecateEof, out ServerStatus status)
    {
        status = ServerStatus.None;
        if (ErrorPayload.IsError(packet))
            throw ErrorPayload.Create(packet).ToException();
        if (deprecateEof)
        {
            if (packet.Length is > 0 and < PacketChannel.MaxPacketPayload && packet[0] == OkPayload.EofSignature)
            {
                status = OkPayload.Create(packet).Status;
                return true;
            }
        }
        else if (EofPayload.IsEof(packet))
        {
            status = EofPayload.Create(packet).Status;
            return true;
        }

        return false;
    }

    private static string?[] ParseTextRow(ReadOnlySpan<byte> packet, int columnCount)
    {
        var reader = new PacketReader(packet);
        var values = new string?[columnCount];
        for (var i = 0; i < columnCount; i++)
        {
            if (reader.PeekByte() == NullValue)
            {
                reader.Skip(1);
                continue;
            }

            values[i] = reader.ReadLengthEncodedString();
        }

        if (reader.Remaining != 0)
            throw BinlogFormatException.Create($"Text row has {reader.Remaining} byte(s) after its {columnCount} value(s)", reader.Offset);
        return values;
    }

    /// <summary>Decides whether the server certificate is accepted for an SSL mode, and remembers why it was not.</summary>
    private sealed class CertificateValidation(MySqlSslMode mode)
    {
        public SslPolicyErrors Errors { get; private set; }

        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            // Preferred and Required encrypt without authenticating the server, by definition of those modes (as in
            // MySqlConnector and the MySQL clients); VerifyCA ignores the host name; VerifyFull checks everything.
            var relevant = mode switch
            {
                MySqlSslMode.VerifyFull => errors,
                MySqlSslMode.VerifyCA => errors & ~SslPolicyErrors.RemoteCertificateNameMismatch,
                _ => SslPolicyErrors.None,
            };
            Errors = relevant;
            return relevant == SslPolicyErrors.None;
        }
    }
}
