namespace VGate.MySql.Protocol.Payloads;

/// <summary>
/// The server asks the client to authenticate with another plugin, with fresh plugin data (usually a new nonce).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_request.html
/// and https://mariadb.com/kb/en/connection/#authentication-switch-request
/// </summary>
internal sealed class AuthSwitchRequestPayload
{
    /// <summary>The header byte of an AuthSwitchRequest packet.</summary>
    public const byte Signature = 0xFE;

    private AuthSwitchRequestPayload(string pluginName, byte[] pluginData)
    {
        PluginName = pluginName;
        PluginData = pluginData;
    }

    public string PluginName { get; }

    /// <summary>
    /// The plugin data as sent. The scramble-based plugins send a 20-byte nonce followed by a NUL; <c>client_ed25519</c>
    /// sends a 32-byte nonce with no terminator, so no byte is stripped here.
    /// </summary>
    public byte[] PluginData { get; }

    public static AuthSwitchRequestPayload Create(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        var header = reader.ReadByte();
        if (header != Signature)
            throw BinlogFormatException.Create($"Expected an AuthSwitchRequest (0xFE) but got header 0x{header:X2}", 0);
        if (reader.Remaining == 0)
        {
            // The pre-4.1 "old password" switch: a bare 0xFE. Report it as the plugin MySQL names for it.
            return new AuthSwitchRequestPayload("mysql_old_password", []);
        }

        var name = reader.ReadNullTerminatedString();
        return new AuthSwitchRequestPayload(name, reader.ReadToEnd().ToArray());
    }
}
