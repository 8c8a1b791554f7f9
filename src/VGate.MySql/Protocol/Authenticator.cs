using Microsoft.Extensions.Logging;
using VGate.MySql.Logging;
using VGate.MySql.Protocol.Payloads;

namespace VGate.MySql.Protocol;

/// <summary>
/// The authentication exchange of the connection phase, after HandshakeResponse41: AuthSwitchRequest (0xFE),
/// AuthMoreData (0x01), OK and ERR, for the plugins <c>mysql_native_password</c>, <c>caching_sha2_password</c>,
/// <c>sha256_password</c>, <c>mysql_clear_password</c> and MariaDB's <c>client_ed25519</c>.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html and
/// https://mariadb.com/kb/en/connection/#authentication-plugins
/// </summary>
internal sealed class Authenticator
{
    public const string NativePassword = "mysql_native_password";
    public const string CachingSha2Password = "caching_sha2_password";
    public const string Sha256Password = "sha256_password";
    public const string ClearPassword = "mysql_clear_password";
    public const string Ed25519 = "client_ed25519";

    private const byte AuthMoreDataSignature = 0x01;
    private const byte FastAuthSuccess = 0x03;
    private const byte PerformFullAuthentication = 0x04;
    private const byte CachingSha2RequestPublicKey = 0x02;
    private const byte Sha256RequestPublicKey = 0x01;

    private readonly PacketChannel _channel;
    private readonly MySqlConnectionOptions _options;
    private readonly MySqlTransportSecurity _transport;
    private readonly string _endpoint;
    private readonly ILogger _logger;
    private string _plugin = NativePassword;
    private byte[] _nonce = [];
    private bool _awaitingPublicKey;

    /// <param name="channel">The connection's packet channel, in the middle of the connection phase.</param>
    /// <param name="options">Credentials and RSA key settings.</param>
    /// <param name="transport">What the transport protects: a password goes in clear text only over a Unix socket or
    /// verified TLS; over unverified TLS a man in the middle would collect it, and RSA encryption is not possible
    /// (the server expects clear text on any TLS connection), so such a login is refused.</param>
    /// <param name="endpoint">The server, for messages.</param>
    /// <param name="logger">Logger for authentication events.</param>
    public Authenticator(PacketChannel channel, MySqlConnectionOptions options, MySqlTransportSecurity transport, string endpoint, ILogger logger)
    {
        _channel = channel;
        _options = options;
        _transport = transport;
        _endpoint = endpoint;
        _logger = logger;
    }

    /// <summary>Whether a password may be sent in clear text over <paramref name="transport"/>.</summary>
    public static bool MaySendClearPassword(MySqlTransportSecurity transport) =>
        transport is MySqlTransportSecurity.UnixSocket or MySqlTransportSecurity.VerifiedTls;

    /// <summary>The plugin in use (the last one the server switched to).</summary>
    public string PluginName => _plugin;

    /// <summary>
    /// Chooses the plugin named in the Initial Handshake if it can be used for the first response, otherwise
    /// <c>mysql_native_password</c> (the server then switches to the plugin it wants).
    /// </summary>
    public static string ChooseInitialPlugin(string? serverPlugin, MySqlTransportSecurity transport) => serverPlugin switch
    {
        CachingSha2Password or NativePassword => serverPlugin,
        Sha256Password or ClearPassword when MaySendClearPassword(transport) => serverPlugin,
        _ => NativePassword,
    };

    /// <summary>Computes the response to send for <paramref name="plugin"/> given its <paramref name="pluginData"/> (nonce).</summary>
    public byte[] CreateResponse(string plugin, ReadOnlySpan<byte> pluginData)
    {
        _plugin = plugin;
        _awaitingPublicKey = false;
        _nonce = plugin == Ed25519 ? pluginData.ToArray() : ScrambleNonce(pluginData);
        var password = _options.Password;
        switch (plugin)
        {
            case NativePassword:
                return AuthScrambles.NativePassword(_nonce, password);
            case CachingSha2Password:
                return AuthScrambles.CachingSha2Password(_nonce, password);
            case Sha256Password:
                if (password.Length == 0 || MaySendClearPassword(_transport))
                    return AuthScrambles.NullTerminatedPassword(password);
                if (_transport == MySqlTransportSecurity.UnverifiedTls)
                    throw ProtocolErrors.CreateForUnverifiedTlsPassword(plugin, _endpoint, _options.SslMode);
                if (_options.ServerRsaPublicKeyFile is { } keyFile)
                    return EncryptWithKey(ReadKeyFile(keyFile));
                if (_options.AllowPublicKeyRetrieval)
                {
                    _awaitingPublicKey = true;
                    Log.PublicKeyRequested(_logger, plugin);
                    return [Sha256RequestPublicKey];
                }

                throw ProtocolErrors.CreateForMissingRsaKey(plugin);
            case ClearPassword:
                if (!MaySendClearPassword(_transport))
                {
                    throw _transport == MySqlTransportSecurity.UnverifiedTls
                        ? ProtocolErrors.CreateForUnverifiedTlsPassword(plugin, _endpoint, _options.SslMode)
                        : ProtocolErrors.CreateForInsecureClearPassword(plugin, _endpoint);
                }

                return AuthScrambles.NullTerminatedPassword(password);
            case Ed25519:
                return Ed25519Password.Sign(_nonce, password);
            default:
                throw ProtocolErrors.CreateForUnsupportedPlugin(plugin);
        }
    }

    /// <summary>Reads server packets and answers them until the server sends OK (returns) or ERR (throws).</summary>
    /// <exception cref="MySqlServerException">The server refused the login (for example 1045, access denied).</exception>
    public async Task CompleteAsync(string endpoint, CancellationToken cancellationToken)
    {
        while (true)
        {
            var packet = await _channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            var response = HandlePacket(packet.Span, endpoint, out var done);
            if (done)
                return;
            if (response is not null)
                await _channel.WritePacketAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] ScrambleNonce(ReadOnlySpan<byte> pluginData) =>
        (pluginData.Length > AuthScrambles.NonceLength ? pluginData[..AuthScrambles.NonceLength] : pluginData).ToArray();

    private byte[]? HandlePacket(ReadOnlySpan<byte> packet, string endpoint, out bool done)
    {
        done = false;
        if (packet.IsEmpty)
            throw BinlogFormatException.Create("Empty packet during authentication");
        switch (packet[0])
        {
            case OkPayload.Signature:
                done = true;
                return null;
            case ErrorPayload.Signature:
                throw ErrorPayload.Create(packet).ToException();
            case AuthSwitchRequestPayload.Signature:
                var request = AuthSwitchRequestPayload.Create(packet);
                Log.AuthSwitch(_logger, endpoint, request.PluginName);
                return CreateResponse(request.PluginName, request.PluginData);
            case AuthMoreDataSignature:
                return HandleMoreData(packet[1..], endpoint);
            default:
                throw BinlogFormatException.Create($"Unexpected packet header 0x{packet[0]:X2} during authentication", 0);
        }
    }

    private byte[]? HandleMoreData(ReadOnlySpan<byte> data, string endpoint)
    {
        if (_awaitingPublicKey)
        {
            _awaitingPublicKey = false;
            return EncryptWithKey(System.Text.Encoding.ASCII.GetString(data));
        }

        if (_plugin != CachingSha2Password || data.Length != 1)
            throw BinlogFormatException.Create($"Unexpected AuthMoreData ({data.Length} byte(s)) for authentication plugin '{_plugin}'");

        switch (data[0])
        {
            case FastAuthSuccess:
                // The OK packet follows.
                return null;
            case PerformFullAuthentication:
                if (MaySendClearPassword(_transport))
                {
                    Log.FullAuthentication(_logger, endpoint, "clear text over a secure transport");
                    return AuthScrambles.NullTerminatedPassword(_options.Password);
                }

                if (_transport == MySqlTransportSecurity.UnverifiedTls)
                    throw ProtocolErrors.CreateForUnverifiedTlsPassword(_plugin, endpoint, _options.SslMode);

                if (_options.ServerRsaPublicKeyFile is { } keyFile)
                {
                    Log.FullAuthentication(_logger, endpoint, "RSA key file");
                    return EncryptWithKey(ReadKeyFile(keyFile));
                }

                if (_options.AllowPublicKeyRetrieval)
                {
                    Log.FullAuthentication(_logger, endpoint, "RSA key retrieved from the server");
                    Log.PublicKeyRequested(_logger, _plugin);
                    _awaitingPublicKey = true;
                    return [CachingSha2RequestPublicKey];
                }

                throw ProtocolErrors.CreateForMissingRsaKey(_plugin);
            default:
                throw BinlogFormatException.Create($"Unknown caching_sha2_password status 0x{data[0]:X2}");
        }
    }

    private string ReadKeyFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ProtocolErrors.CreateForBadRsaKey(_plugin, ex);
        }
    }

    private byte[] EncryptWithKey(string pem)
    {
        try
        {
            return AuthScrambles.RsaEncryptPassword(pem, _nonce, _options.Password);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            throw ProtocolErrors.CreateForBadRsaKey(_plugin, ex);
        }
    }
}
