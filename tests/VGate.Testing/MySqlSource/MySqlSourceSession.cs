using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text;

namespace VGate.Testing.MySqlSource;

/// <summary>One client connection of <see cref="MySqlSourceServer"/>: connection phase, then commands until COM_QUIT.</summary>
/// <remarks>
/// Packet formats: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html, the connection
/// phase (page_protocol_connection_phase), caching_sha2_password (page_caching_sha2_authentication_exchanges) and
/// replication (page_protocol_replication). The framing is written here apart from VGate's PacketChannel so that each
/// checks the other.
/// </remarks>
internal sealed partial class MySqlSourceSession : IAsyncDisposable
{
    private const int MaxPacket = 0xFF_FFFF;

    // Client capability flags (https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html).
    private const uint LongPassword = 0x1;
    private const uint FoundRows = 0x2;
    private const uint LongFlag = 0x4;
    private const uint ConnectWithDb = 0x8;
    private const uint Protocol41 = 0x200;
    private const uint Ssl = 0x800;
    private const uint Transactions = 0x2000;
    private const uint SecureConnection = 0x8000;
    private const uint MultiStatements = 0x1_0000;
    private const uint MultiResults = 0x2_0000;
    private const uint PluginAuth = 0x8_0000;
    private const uint ConnectAttrs = 0x10_0000;
    private const uint PluginAuthLenencData = 0x20_0000;
    private const uint DeprecateEof = 0x100_0000;

    private const ushort StatusAutocommit = 0x0002;

    private readonly MySqlSourceServer _server;
    private readonly byte[] _scramble = CreateScramble();
    private readonly int _connectionId;
    private Stream _stream;
    private byte _sequence;
    private uint _capabilities;
    private bool _tls;
    private long _heartbeatNanos;

    public MySqlSourceSession(MySqlSourceServer server, Stream stream)
    {
        _server = server;
        _stream = stream;
        _connectionId = server.NextConnectionId();
    }

    private bool UseDeprecateEof => (_capabilities & DeprecateEof) != 0;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await ConnectAsync(cancellationToken).ConfigureAwait(false))
            return;
        while (true)
        {
            _sequence = 0;
            var command = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (command.Length == 0)
                throw new InvalidDataException("Empty command packet.");
            switch (command[0])
            {
                case 0x01: // COM_QUIT
                    return;
                case 0x02: // COM_INIT_DB
                case 0x0E: // COM_PING
                case 0x1F: // COM_RESET_CONNECTION
                    await WriteAsync(Ok(), cancellationToken).ConfigureAwait(false);
                    break;
                case 0x03: // COM_QUERY
                    await QueryAsync(Encoding.UTF8.GetString(command.AsSpan(1)), cancellationToken).ConfigureAwait(false);
                    break;
                case 0x15: // COM_REGISTER_SLAVE
                    await WriteAsync(Ok(), cancellationToken).ConfigureAwait(false);
                    break;
                case 0x1E: // COM_BINLOG_DUMP_GTID
                    await DumpGtidAsync(command, cancellationToken).ConfigureAwait(false);
                    return;
                case 0x12: // COM_BINLOG_DUMP
                    await DumpFileAsync(command, cancellationToken).ConfigureAwait(false);
                    return;
                default:
                    await WriteAsync(Error(1047, "08S01", $"Unknown command 0x{command[0]:X2} (the VGate MySQL test source does not implement it)"), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private static byte[] CreateScramble()
    {
        // MySQL's scrambles are 20 printable bytes without NUL.
        var scramble = RandomNumberGenerator.GetBytes(20);
        for (var i = 0; i < scramble.Length; i++)
            scramble[i] = (byte)(0x21 + (scramble[i] % 0x5E));
        return scramble;
    }

    // ---- connection phase ----

    private async Task<bool> ConnectAsync(CancellationToken cancellationToken)
    {
        uint offered = LongPassword | FoundRows | LongFlag | ConnectWithDb | Protocol41 | Transactions | SecureConnection |
            MultiStatements | MultiResults | PluginAuth | ConnectAttrs | PluginAuthLenencData | DeprecateEof;
        if (_server.Certificate is not null)
            offered |= Ssl;
        await WriteAsync(BuildHandshake(offered), cancellationToken).ConfigureAwait(false);

        var response = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var clientCapabilities = BinaryPrimitives.ReadUInt32LittleEndian(response);
        if ((clientCapabilities & Ssl) != 0)
        {
            if (_server.Certificate is null)
                throw new InvalidDataException("The client asked for TLS, which the source did not offer.");
            var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _server.Certificate }, cancellationToken).ConfigureAwait(false);
            _stream = ssl;
            _tls = true;
            response = await ReadAsync(cancellationToken).ConfigureAwait(false);
            clientCapabilities = BinaryPrimitives.ReadUInt32LittleEndian(response);
        }
        _capabilities = clientCapabilities & offered;

        var handshake = ParseHandshakeResponse(response, clientCapabilities);
        var clientName = handshake.Attributes.GetValueOrDefault("_client_name", "");
        MySqlSourceAuthMethod method;
        try
        {
            method = await AuthenticateAsync(handshake, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException)
        {
            // The client gave up during the exchange (e.g. refused to send a password).
            _server.RecordLogin(new MySqlSourceLogin(handshake.User, clientName, _tls, MySqlSourceAuthMethod.Refused));
            throw;
        }
        _server.RecordLogin(new MySqlSourceLogin(handshake.User, clientName, _tls, method));
        return method != MySqlSourceAuthMethod.Refused;
    }

    private byte[] BuildHandshake(uint capabilities)
    {
        // Protocol::HandshakeV10.
        var payload = new List<byte> { 10 };
        payload.AddRange(Encoding.ASCII.GetBytes(_server.Options.ServerVersion));
        payload.Add(0);
        AppendUInt32(payload, (uint)_connectionId);
        payload.AddRange(_scramble.AsSpan(0, 8).ToArray());
        payload.Add(0);
        AppendUInt16(payload, (ushort)capabilities);
        payload.Add(255); // utf8mb4_0900_ai_ci, MySQL 8's default
        AppendUInt16(payload, StatusAutocommit);
        AppendUInt16(payload, (ushort)(capabilities >> 16));
        payload.Add(21);
        payload.AddRange(new byte[10]);
        payload.AddRange(_scramble.AsSpan(8).ToArray());
        payload.Add(0);
        payload.AddRange(Encoding.ASCII.GetBytes(MySqlSourceUser.CachingSha2));
        payload.Add(0);
        return [.. payload];
    }

    private sealed record HandshakeResponse(string User, byte[] AuthResponse, string Plugin, Dictionary<string, string> Attributes);

    private static HandshakeResponse ParseHandshakeResponse(byte[] response, uint capabilities)
    {
        // Protocol::HandshakeResponse41.
        if ((capabilities & Protocol41) == 0)
            throw new InvalidDataException("The client does not speak protocol 4.1.");
        var offset = 32;
        var user = ReadNullTerminated(response, ref offset);
        byte[] auth;
        if ((capabilities & PluginAuthLenencData) != 0)
        {
            var length = (int)ReadLengthEncoded(response, ref offset);
            auth = response.AsSpan(offset, length).ToArray();
            offset += length;
        }
        else
        {
            int length = response[offset++];
            auth = response.AsSpan(offset, length).ToArray();
            offset += length;
        }
        if ((capabilities & ConnectWithDb) != 0 && offset < response.Length)
            ReadNullTerminated(response, ref offset);
        var plugin = (capabilities & PluginAuth) != 0 && offset < response.Length ? ReadNullTerminated(response, ref offset) : MySqlSourceUser.NativePassword;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((capabilities & ConnectAttrs) != 0 && offset < response.Length)
        {
            var total = (int)ReadLengthEncoded(response, ref offset);
            var end = offset + total;
            while (offset < end)
            {
                var key = ReadLengthEncodedString(response, ref offset);
                attributes[key] = ReadLengthEncodedString(response, ref offset);
            }
        }
        return new HandshakeResponse(user, auth, plugin, attributes);
    }

    private async Task<MySqlSourceAuthMethod> AuthenticateAsync(HandshakeResponse handshake, CancellationToken cancellationToken)
    {
        var user = _server.Users.FirstOrDefault(u => u.Name == handshake.User);
        var plugin = user?.Plugin ?? MySqlSourceUser.CachingSha2;
        var response = handshake.AuthResponse;
        if (handshake.Plugin != plugin)
        {
            // AuthSwitchRequest: the account's plugin with the same scramble, as MySQL does.
            await WriteAsync([0xFE, .. Encoding.ASCII.GetBytes(plugin), 0, .. _scramble, 0], cancellationToken).ConfigureAwait(false);
            response = await ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        if (user is null)
            return await DenyAsync(handshake.User, cancellationToken).ConfigureAwait(false);

        if (user.Password.Length == 0)
        {
            if (response.Length != 0)
                return await DenyAsync(user.Name, cancellationToken).ConfigureAwait(false);
            await WriteAsync(Ok(), cancellationToken).ConfigureAwait(false);
            return MySqlSourceAuthMethod.EmptyPassword;
        }

        if (plugin == MySqlSourceUser.NativePassword)
        {
            if (!CryptographicOperations.FixedTimeEquals(MySqlSourceScrambles.Native(_scramble, user.Password), response))
                return await DenyAsync(user.Name, cancellationToken).ConfigureAwait(false);
            await WriteAsync(Ok(), cancellationToken).ConfigureAwait(false);
            return MySqlSourceAuthMethod.NativePassword;
        }

        if (_server.IsCached(user.Name))
        {
            if (!CryptographicOperations.FixedTimeEquals(MySqlSourceScrambles.CachingSha2(_scramble, user.Password), response))
                return await DenyAsync(user.Name, cancellationToken).ConfigureAwait(false);
            await WriteAsync([0x01, 0x03], cancellationToken).ConfigureAwait(false); // fast_auth_success
            await WriteAsync(Ok(), cancellationToken).ConfigureAwait(false);
            return MySqlSourceAuthMethod.CachingSha2Fast;
        }

        await WriteAsync([0x01, 0x04], cancellationToken).ConfigureAwait(false); // perform_full_authentication
        var packet = await ReadAsync(cancellationToken).ConfigureAwait(false);
        string? password;
        MySqlSourceAuthMethod method;
        if (_tls)
        {
            password = packet.Length > 0 && packet[^1] == 0 ? Encoding.UTF8.GetString(packet.AsSpan(0, packet.Length - 1)) : null;
            method = MySqlSourceAuthMethod.CachingSha2FullOverTls;
        }
        else
        {
            method = MySqlSourceAuthMethod.CachingSha2FullRsaKnownKey;
            if (packet is [0x02])
            {
                await WriteAsync([0x01, .. Encoding.ASCII.GetBytes(_server.RsaPublicKeyPem)], cancellationToken).ConfigureAwait(false);
                packet = await ReadAsync(cancellationToken).ConfigureAwait(false);
                method = MySqlSourceAuthMethod.CachingSha2FullRsaRequestedKey;
            }
            password = DecryptPassword(packet);
        }
        if (password != user.Password)
            return await DenyAsync(user.Name, cancellationToken).ConfigureAwait(false);
        _server.Cache(user.Name);
        await WriteAsync(Ok(), cancellationToken).ConfigureAwait(false);
        return method;
    }

    private string? DecryptPassword(byte[] encrypted)
    {
        // A password in clear over a plaintext connection is refused, as MySQL refuses it: only RSA ciphertext is accepted.
        if (encrypted.Length != _server.RsaKey.KeySize / 8)
            return null;
        byte[] plain;
        try
        {
            plain = _server.RsaKey.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA1);
        }
        catch (CryptographicException)
        {
            return null;
        }
        for (var i = 0; i < plain.Length; i++)
            plain[i] ^= _scramble[i % _scramble.Length];
        return plain.Length > 0 && plain[^1] == 0 ? Encoding.UTF8.GetString(plain.AsSpan(0, plain.Length - 1)) : null;
    }

    private async Task<MySqlSourceAuthMethod> DenyAsync(string user, CancellationToken cancellationToken)
    {
        await WriteAsync(Error(1045, "28000", $"Access denied for user '{user}'@'localhost' (using password: YES)"), cancellationToken).ConfigureAwait(false);
        return MySqlSourceAuthMethod.Refused;
    }

    // ---- packets ----

    private static byte[] Ok()
    {
        byte[] payload = [0x00, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(3), StatusAutocommit);
        return payload;
    }

    private static byte[] Error(ushort code, string state, string message)
    {
        var bytes = new List<byte> { 0xFF, (byte)code, (byte)(code >> 8), (byte)'#' };
        bytes.AddRange(Encoding.ASCII.GetBytes(state));
        bytes.AddRange(Encoding.UTF8.GetBytes(message));
        return [.. bytes];
    }

    private async Task WriteAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (true)
        {
            var chunk = Math.Min(MaxPacket, payload.Length - offset);
            var packet = new byte[chunk + 4];
            packet[0] = (byte)chunk;
            packet[1] = (byte)(chunk >> 8);
            packet[2] = (byte)(chunk >> 16);
            packet[3] = _sequence++;
            payload.AsSpan(offset, chunk).CopyTo(packet.AsSpan(4));
            await _stream.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
            offset += chunk;
            if (chunk < MaxPacket)
                break;
        }
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]> ReadAsync(CancellationToken cancellationToken)
    {
        using var payload = new MemoryStream();
        var header = new byte[4];
        while (true)
        {
            await _stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            var length = header[0] | (header[1] << 8) | (header[2] << 16);
            if (header[3] != _sequence)
                throw new InvalidDataException($"The source expected packet sequence {_sequence}, got {header[3]}.");
            _sequence++;
            var body = new byte[length];
            await _stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            payload.Write(body);
            if (length < MaxPacket)
                return payload.ToArray();
        }
    }

    private static void AppendUInt16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)value);
        bytes.Add((byte)(value >> 8));
    }

    private static void AppendUInt32(List<byte> bytes, uint value)
    {
        for (var i = 0; i < 4; i++)
            bytes.Add((byte)(value >> (8 * i)));
    }

    private static void AppendLengthEncoded(List<byte> bytes, ulong value)
    {
        if (value < 0xFB)
        {
            bytes.Add((byte)value);
        }
        else if (value <= 0xFFFF)
        {
            bytes.Add(0xFC);
            AppendUInt16(bytes, (ushort)value);
        }
        else if (value <= 0xFF_FFFF)
        {
            bytes.Add(0xFD);
            bytes.Add((byte)value);
            bytes.Add((byte)(value >> 8));
            bytes.Add((byte)(value >> 16));
        }
        else
        {
            bytes.Add(0xFE);
            for (var i = 0; i < 8; i++)
                bytes.Add((byte)(value >> (8 * i)));
        }
    }

    private static void AppendLengthEncodedString(List<byte> bytes, string? value)
    {
        if (value is null)
        {
            bytes.Add(0xFB);
            return;
        }
        var encoded = Encoding.UTF8.GetBytes(value);
        AppendLengthEncoded(bytes, (ulong)encoded.Length);
        bytes.AddRange(encoded);
    }

    private static ulong ReadLengthEncoded(byte[] bytes, ref int offset)
    {
        var first = bytes[offset++];
        ulong value;
        switch (first)
        {
            case < 0xFB:
                return first;
            case 0xFC:
                value = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset));
                offset += 2;
                return value;
            case 0xFD:
                value = bytes[offset] | ((ulong)bytes[offset + 1] << 8) | ((ulong)bytes[offset + 2] << 16);
                offset += 3;
                return value;
            case 0xFE:
                value = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
                offset += 8;
                return value;
            default:
                throw new InvalidDataException($"Invalid length-encoded integer 0x{first:X2}.");
        }
    }

    private static string ReadLengthEncodedString(byte[] bytes, ref int offset)
    {
        var length = (int)ReadLengthEncoded(bytes, ref offset);
        var value = Encoding.UTF8.GetString(bytes, offset, length);
        offset += length;
        return value;
    }

    private static string ReadNullTerminated(byte[] bytes, ref int offset)
    {
        var end = Array.IndexOf(bytes, (byte)0, offset);
        if (end < 0)
            throw new InvalidDataException("A NUL-terminated string has no NUL.");
        var value = Encoding.UTF8.GetString(bytes, offset, end - offset);
        offset = end + 1;
        return value;
    }
}
