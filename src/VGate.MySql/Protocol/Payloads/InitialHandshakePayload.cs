namespace VGate.MySql.Protocol.Payloads;

/// <summary>
/// The server's Initial Handshake packet, protocol version 10, including MariaDB's extended capabilities.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html and
/// https://mariadb.com/kb/en/connection/#initial-handshake-packet
/// </summary>
internal sealed class InitialHandshakePayload
{
    /// <summary>The protocol version byte that starts the packet.</summary>
    public const byte Signature = 10;

    private const string MariaDbReplicationPrefix = "5.5.5-";

    private InitialHandshakePayload(
        string serverVersion,
        uint connectionId,
        byte[] authPluginData,
        ProtocolCapabilities capabilities,
        MariaDbCapabilities mariaDbCapabilities,
        byte characterSet,
        ServerStatus status,
        string? authPluginName)
    {
        ServerVersion = serverVersion;
        ConnectionId = connectionId;
        AuthPluginData = authPluginData;
        Capabilities = capabilities;
        MariaDbCapabilities = mariaDbCapabilities;
        CharacterSet = characterSet;
        Status = status;
        AuthPluginName = authPluginName;
    }

    /// <summary>The server version; MariaDB's <c>5.5.5-</c> replication prefix is removed.</summary>
    public string ServerVersion { get; }

    public uint ConnectionId { get; }

    /// <summary>The scramble (nonce): parts 1 and 2 joined, without the trailing NUL; normally 20 bytes.</summary>
    public byte[] AuthPluginData { get; }

    public ProtocolCapabilities Capabilities { get; }

    public MariaDbCapabilities MariaDbCapabilities { get; }

    public byte CharacterSet { get; }

    public ServerStatus Status { get; }

    /// <summary>The server's default authentication plugin, or null when the server lacks CLIENT_PLUGIN_AUTH.</summary>
    public string? AuthPluginName { get; }

    public bool IsMariaDb => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    public static InitialHandshakePayload Create(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        var protocolVersion = reader.ReadByte();
        if (protocolVersion != Signature)
            throw BinlogFormatException.Create($"Unsupported handshake protocol version {protocolVersion}: expected {Signature}", 0);

        var serverVersion = reader.ReadNullTerminatedString();
        if (serverVersion.StartsWith(MariaDbReplicationPrefix, StringComparison.Ordinal) &&
            serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            serverVersion = serverVersion[MariaDbReplicationPrefix.Length..];
        }

        var connectionId = reader.ReadUInt32();
        var part1 = reader.ReadBytes(8);
        reader.Skip(1); // filler
        var capabilities = (ProtocolCapabilities)reader.ReadUInt16();
        byte characterSet = 0;
        var status = ServerStatus.None;
        var mariaDbCapabilities = MariaDbCapabilities.None;
        var authDataLength = 0;
        ReadOnlySpan<byte> part2 = default;
        string? pluginName = null;

        if (reader.Remaining > 0)
        {
            characterSet = reader.ReadByte();
            status = (ServerStatus)reader.ReadUInt16();
            capabilities |= (ProtocolCapabilities)((uint)reader.ReadUInt16() << 16);
            authDataLength = reader.ReadByte();
            reader.Skip(6);
            var extended = reader.ReadUInt32();

            // MariaDB clears CLIENT_MYSQL (bit 0) to say that the last 4 filler bytes hold its extended capabilities.
            if ((capabilities & ProtocolCapabilities.LongPassword) == 0)
                mariaDbCapabilities = (MariaDbCapabilities)extended;

            if ((capabilities & ProtocolCapabilities.SecureConnection) != 0)
            {
                var length = Math.Max(13, authDataLength - 8);
                part2 = reader.ReadBytes(Math.Min(length, reader.Remaining));
                if (part2.Length > 0 && part2[^1] == 0)
                    part2 = part2[..^1];
            }

            if ((capabilities & ProtocolCapabilities.PluginAuth) != 0 && reader.Remaining > 0)
            {
                // Some old servers omit the NUL terminator of the plugin name.
                var rest = reader.ReadToEnd();
                var end = rest.IndexOf((byte)0);
                pluginName = System.Text.Encoding.UTF8.GetString(end >= 0 ? rest[..end] : rest);
            }
        }

        var authData = new byte[part1.Length + part2.Length];
        part1.CopyTo(authData);
        part2.CopyTo(authData.AsSpan(part1.Length));
        return new InitialHandshakePayload(serverVersion, connectionId, authData, capabilities, mariaDbCapabilities, characterSet, status, pluginName);
    }
}
