using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace VGate.MySql.Tests.Protocol;

/// <summary>How the fake server authenticates a client.</summary>
internal enum FakeAuthMode
{
    /// <summary>Announce caching_sha2_password and accept the fast-path scramble (cache hit).</summary>
    CachingSha2FastPath,

    /// <summary>Announce caching_sha2_password, then demand full authentication (cache miss): clear over TLS, else RSA.</summary>
    CachingSha2FullAuth,

    /// <summary>Announce caching_sha2_password, then switch the client to mysql_native_password with a new nonce.</summary>
    SwitchToNativePassword,

    /// <summary>Send half of the Initial Handshake and close the socket.</summary>
    CloseMidHandshake,
}

/// <summary>
/// A minimal MySQL server on 127.0.0.1 (random port) for client tests: it speaks the server side of the handshake,
/// optional TLS, the authentication exchanges in <see cref="FakeAuthMode"/>, and a few commands:
/// COM_QUERY <c>SELECT rows</c> (a 3-column text result set with a NULL), any other COM_QUERY (OK),
/// command 0xEE (echo: the payload is sent back as one packet, to test split packets) and COM_QUIT.
/// Its framing code is written separately from the client's so that the two check each other.
/// </summary>
internal sealed class FakeMySqlServer : IAsyncDisposable
{
    public const string ServerVersion = "8.0.99-fake";
    public const byte EchoCommand = 0xEE;
    private const int MaxPacket = 0xFF_FFFF;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<Exception> _errors = [];

    public FakeMySqlServer(
        FakeAuthMode mode,
        string user = "vgate",
        string password = "secret",
        X509Certificate2? certificate = null,
        RSA? rsaKey = null,
        bool deprecateEof = true)
    {
        Mode = mode;
        User = user;
        Password = password;
        Certificate = certificate;
        RsaKey = rsaKey;
        DeprecateEof = deprecateEof;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public FakeAuthMode Mode { get; }

    public string User { get; }

    public string Password { get; }

    public X509Certificate2? Certificate { get; }

    public RSA? RsaKey { get; }

    public bool DeprecateEof { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Whether the last full authentication got the password through RSA (true) or in clear over TLS (false).</summary>
    public bool? LastFullAuthUsedRsa { get; private set; }

    /// <summary>The connect attributes the last client sent.</summary>
    public IReadOnlyDictionary<string, string> LastAttributes { get; private set; } = new Dictionary<string, string>();

    /// <summary>Exceptions thrown by connection handlers other than a client going away.</summary>
    public IReadOnlyList<Exception> Errors
    {
        get
        {
            lock (_errors)
                return [.. _errors];
        }
    }

    public static X509Certificate2 CreateSelfSignedCertificate(string subjectName = "localhost")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subjectName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(subjectName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var handlers = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                handlers.Add(HandleClientAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(handlers);
    }

    private async Task HandleClientAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var session = new Session(this, client.GetStream(), _stop.Token);
                await session.RunAsync();
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The client went away or the server is stopping.
            }
            catch (Exception ex)
            {
                lock (_errors)
                    _errors.Add(ex);
            }
        }
    }

    private sealed class Session(FakeMySqlServer server, Stream stream, CancellationToken cancellationToken) : IAsyncDisposable
    {
        private readonly byte[] _nonce = CreateNonce();
        private Stream _stream = stream;
        private byte _sequence;
        private bool _isTls;

        public async Task RunAsync()
        {
            var handshake = BuildHandshake();
            if (server.Mode == FakeAuthMode.CloseMidHandshake)
            {
                var framed = Frame(handshake, 0);
                await _stream.WriteAsync(framed.AsMemory(0, framed.Length / 2), cancellationToken);
                await _stream.FlushAsync(cancellationToken);
                return;
            }

            await WriteAsync(handshake);
            var response = await ReadAsync();
            var capabilities = BinaryPrimitives.ReadUInt32LittleEndian(response);
            if (response.Length == 32 && (capabilities & 0x800) != 0)
            {
                var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = server.Certificate }, cancellationToken);
                _stream = ssl;
                _isTls = true;
                response = await ReadAsync();
            }

            var (user, authResponse, plugin) = ParseHandshakeResponse(response, capabilities);
            if (!await AuthenticateAsync(user, authResponse, plugin))
                return;
            await CommandLoopAsync();
        }

        public ValueTask DisposeAsync() => _stream.DisposeAsync();

        private static byte[] CreateNonce()
        {
            // MySQL scrambles are 20 printable, non-zero bytes.
            var nonce = RandomNumberGenerator.GetBytes(20);
            for (var i = 0; i < nonce.Length; i++)
                nonce[i] = (byte)(0x21 + (nonce[i] % 0x5E));
            return nonce;
        }

        private static byte[] Frame(ReadOnlySpan<byte> payload, byte sequence)
        {
            var packet = new byte[payload.Length + 4];
            packet[0] = (byte)payload.Length;
            packet[1] = (byte)(payload.Length >> 8);
            packet[2] = (byte)(payload.Length >> 16);
            packet[3] = sequence;
            payload.CopyTo(packet.AsSpan(4));
            return packet;
        }

        private static byte[] Ok(ushort status = 2) => [0x00, 0, 0, (byte)status, (byte)(status >> 8), 0, 0];

        private static byte[] Error(ushort code, string state, string message)
        {
            var bytes = new List<byte> { 0xFF, (byte)code, (byte)(code >> 8), (byte)'#' };
            bytes.AddRange(Encoding.ASCII.GetBytes(state));
            bytes.AddRange(Encoding.UTF8.GetBytes(message));
            return [.. bytes];
        }

        private static byte[] LengthEncoded(string? value)
        {
            if (value is null)
                return [0xFB];
            var bytes = Encoding.UTF8.GetBytes(value);
            if (bytes.Length >= 0xFB)
                throw new InvalidOperationException("Fake server only writes short strings.");
            return [(byte)bytes.Length, .. bytes];
        }

        private static bool Matches(byte[] expected, ReadOnlySpan<byte> actual) =>
            CryptographicOperations.FixedTimeEquals(expected, actual);

        private byte[] BuildHandshake()
        {
            // Protocol41 | SecureConnection | PluginAuth | PluginAuthLenencData | ConnectAttrs | Transactions | LongPassword
            // | LongFlag | MultiResults | ConnectWithDb, plus Ssl and DeprecateEof as configured.
            uint capabilities = 0x200 | 0x8000 | 0x8_0000 | 0x20_0000 | 0x10_0000 | 0x2000 | 1 | 4 | 0x2_0000 | 8;
            if (server.Certificate is not null)
                capabilities |= 0x800;
            if (server.DeprecateEof)
                capabilities |= 0x100_0000;
            var bytes = new List<byte> { 10 };
            bytes.AddRange(Encoding.ASCII.GetBytes(ServerVersion));
            bytes.Add(0);
            bytes.AddRange(BitConverter.GetBytes(42u));
            bytes.AddRange(_nonce.AsSpan(0, 8).ToArray());
            bytes.Add(0);
            bytes.AddRange(BitConverter.GetBytes((ushort)capabilities));
            bytes.Add(45);
            bytes.AddRange(BitConverter.GetBytes((ushort)2));
            bytes.AddRange(BitConverter.GetBytes((ushort)(capabilities >> 16)));
            bytes.Add(21);
            bytes.AddRange(new byte[10]);
            bytes.AddRange(_nonce.AsSpan(8).ToArray());
            bytes.Add(0);
            bytes.AddRange(Encoding.ASCII.GetBytes("caching_sha2_password"));
            bytes.Add(0);
            return [.. bytes];
        }

        private (string User, byte[] AuthResponse, string Plugin) ParseHandshakeResponse(byte[] response, uint capabilities)
        {
            var offset = 32;
            var userEnd = Array.IndexOf(response, (byte)0, offset);
            var user = Encoding.UTF8.GetString(response, offset, userEnd - offset);
            offset = userEnd + 1;
            if ((capabilities & 0x20_0000) == 0)
                throw new InvalidOperationException("Client did not send PLUGIN_AUTH_LENENC_CLIENT_DATA.");
            int authLength = response[offset++];
            var auth = response.AsSpan(offset, authLength).ToArray();
            offset += authLength;
            if ((capabilities & 8) != 0)
                offset = Array.IndexOf(response, (byte)0, offset) + 1;
            var pluginEnd = Array.IndexOf(response, (byte)0, offset);
            var plugin = Encoding.ASCII.GetString(response, offset, pluginEnd - offset);
            offset = pluginEnd + 1;
            if ((capabilities & 0x10_0000) != 0)
            {
                var attributes = new Dictionary<string, string>();
                int total = response[offset++];
                if (total == 0xFC)
                {
                    total = BinaryPrimitives.ReadUInt16LittleEndian(response.AsSpan(offset));
                    offset += 2;
                }

                var end = offset + total;
                while (offset < end)
                {
                    int keyLength = response[offset++];
                    var key = Encoding.UTF8.GetString(response, offset, keyLength);
                    offset += keyLength;
                    int valueLength = response[offset++];
                    attributes[key] = Encoding.UTF8.GetString(response, offset, valueLength);
                    offset += valueLength;
                }

                server.LastAttributes = attributes;
            }

            return (user, auth, plugin);
        }

        private async Task<bool> AuthenticateAsync(string user, byte[] authResponse, string plugin)
        {
            var userKnown = user == server.User;
            switch (server.Mode)
            {
                case FakeAuthMode.CachingSha2FastPath:
                    if (plugin != "caching_sha2_password")
                        throw new InvalidOperationException($"Client answered with plugin {plugin}.");
                    if (userKnown && Matches(CachingSha2(_nonce, server.Password), authResponse))
                    {
                        await WriteAsync([0x01, 0x03]);
                        await WriteAsync(Ok());
                        return true;
                    }

                    return await DenyAsync(user);

                case FakeAuthMode.CachingSha2FullAuth:
                    await WriteAsync([0x01, 0x04]);
                    var packet = await ReadAsync();
                    string received;
                    if (_isTls)
                    {
                        received = Encoding.UTF8.GetString(packet.AsSpan(0, packet.Length - 1));
                        server.LastFullAuthUsedRsa = false;
                    }
                    else
                    {
                        if (packet is [0x02])
                        {
                            var pem = server.RsaKey!.ExportSubjectPublicKeyInfoPem();
                            await WriteAsync([0x01, .. Encoding.ASCII.GetBytes(pem)]);
                            packet = await ReadAsync();
                        }

                        var decrypted = server.RsaKey!.Decrypt(packet, RSAEncryptionPadding.OaepSHA1);
                        for (var i = 0; i < decrypted.Length; i++)
                            decrypted[i] ^= _nonce[i % _nonce.Length];
                        if (decrypted[^1] != 0)
                            throw new InvalidOperationException("RSA-decrypted password is not NUL-terminated.");
                        received = Encoding.UTF8.GetString(decrypted.AsSpan(0, decrypted.Length - 1));
                        server.LastFullAuthUsedRsa = true;
                    }

                    if (userKnown && received == server.Password)
                    {
                        await WriteAsync(Ok());
                        return true;
                    }

                    return await DenyAsync(user);

                case FakeAuthMode.SwitchToNativePassword:
                    var newNonce = CreateNonce();
                    await WriteAsync([0xFE, .. Encoding.ASCII.GetBytes("mysql_native_password"), 0, .. newNonce, 0]);
                    var nativeResponse = await ReadAsync();
                    if (userKnown && Matches(NativePassword(newNonce, server.Password), nativeResponse))
                    {
                        await WriteAsync(Ok());
                        return true;
                    }

                    return await DenyAsync(user);

                default:
                    throw new InvalidOperationException($"Unexpected mode {server.Mode}.");
            }
        }

        private async Task<bool> DenyAsync(string user)
        {
            await WriteAsync(Error(1045, "28000", $"Access denied for user '{user}'@'localhost' (using password: YES)"));
            return false;
        }

        private async Task CommandLoopAsync()
        {
            while (true)
            {
                _sequence = 0;
                var command = await ReadAsync();
                switch (command[0])
                {
                    case 0x01:
                        return;
                    case EchoCommand:
                        await WriteAsync(command);
                        break;
                    case 0x03 when Encoding.UTF8.GetString(command.AsSpan(1)) == "SELECT rows":
                        await WriteRowsAsync();
                        break;
                    case 0x03 when Encoding.UTF8.GetString(command.AsSpan(1)) == "FAIL":
                        await WriteAsync(Error(1064, "42000", "You have an error in your SQL syntax"));
                        break;
                    case 0x03:
                        await WriteAsync(Ok());
                        break;
                    default:
                        await WriteAsync(Error(1047, "08S01", "Unknown command"));
                        break;
                }
            }
        }

        private async Task WriteRowsAsync()
        {
            string?[][] rows = [["1", "one", null], ["2", null, "zwei"]];
            await WriteAsync([3]);
            foreach (var name in new[] { "id", "name", "other" })
            {
                // Column definition 41: catalog, schema, table, org_table, name, org_name, fixed fields.
                byte[] definition =
                [
                    .. LengthEncoded("def"), .. LengthEncoded("db"), .. LengthEncoded("t"), .. LengthEncoded("t"),
                    .. LengthEncoded(name), .. LengthEncoded(name), 0x0C, 45, 0, 0x40, 0, 0, 0, 0xFD, 0, 0, 0, 0, 0,
                ];
                await WriteAsync(definition);
            }

            if (!server.DeprecateEof)
                await WriteAsync([0xFE, 0, 0, 2, 0]);
            foreach (var row in rows)
                await WriteAsync([.. row.SelectMany(LengthEncoded)]);
            if (server.DeprecateEof)
                await WriteAsync([0xFE, 0, 0, 2, 0, 0, 0]);
            else
                await WriteAsync([0xFE, 0, 0, 2, 0]);
        }

        private async Task WriteAsync(byte[] payload)
        {
            var offset = 0;
            while (true)
            {
                var chunk = Math.Min(MaxPacket, payload.Length - offset);
                await _stream.WriteAsync(Frame(payload.AsSpan(offset, chunk), _sequence++), cancellationToken);
                offset += chunk;
                if (chunk < MaxPacket)
                    break;
            }

            await _stream.FlushAsync(cancellationToken);
        }

        private async Task<byte[]> ReadAsync()
        {
            using var payload = new MemoryStream();
            var header = new byte[4];
            while (true)
            {
                await _stream.ReadExactlyAsync(header, cancellationToken);
                var length = header[0] | (header[1] << 8) | (header[2] << 16);
                if (header[3] != _sequence)
                    throw new InvalidOperationException($"Fake server expected sequence {_sequence}, got {header[3]}.");
                _sequence++;
                var body = new byte[length];
                await _stream.ReadExactlyAsync(body, cancellationToken);
                payload.Write(body);
                if (length < MaxPacket)
                    return payload.ToArray();
            }
        }

        private static byte[] CachingSha2(byte[] nonce, string password)
        {
            var hash1 = SHA256.HashData(Encoding.UTF8.GetBytes(password));
            var hash3 = SHA256.HashData([.. SHA256.HashData(hash1), .. nonce]);
            return [.. hash1.Zip(hash3, (a, b) => (byte)(a ^ b))];
        }

        private static byte[] NativePassword(byte[] nonce, string password)
        {
#pragma warning disable CA5350 // the protocol is defined with SHA-1
            var hash1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
            var hash3 = SHA1.HashData([.. nonce, .. SHA1.HashData(hash1)]);
#pragma warning restore CA5350
            return [.. hash1.Zip(hash3, (a, b) => (byte)(a ^ b))];
        }
    }
}
