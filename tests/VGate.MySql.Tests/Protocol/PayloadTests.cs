using VGate.MySql.Protocol;
using VGate.MySql.Protocol.Payloads;

namespace VGate.MySql.Tests.Protocol;

public sealed class PayloadTests
{
    // The Initial Handshake payload (after the 4-byte header) sent by MariaDB 10.11.19 (Debian 12), captured on 127.0.0.1.
    private const string MariaDbHandshakeHex =
        "0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275310020000000765d4f52313d7d7e00feff080200ff81150000000000001d000000212842566727272c4a6d6843006d7973716c5f6e61746976655f70617373776f726400";

    [Fact]
    public void InitialHandshake_MariaDb1011_ParsesAllFields()
    {
        var handshake = InitialHandshakePayload.Create(Convert.FromHexString(MariaDbHandshakeHex));

        Assert.Equal("10.11.19-MariaDB-0+deb12u1", handshake.ServerVersion);
        Assert.True(handshake.IsMariaDb);
        Assert.Equal(32u, handshake.ConnectionId);
        Assert.Equal("v]OR1=}~!(BVg'',JmhC"u8.ToArray(), handshake.AuthPluginData);
        Assert.Equal("mysql_native_password", handshake.AuthPluginName);
        Assert.Equal(8, handshake.CharacterSet);
        Assert.True(handshake.Capabilities.HasFlag(ProtocolCapabilities.Protocol41));
        Assert.True(handshake.Capabilities.HasFlag(ProtocolCapabilities.Ssl));
        Assert.True(handshake.Capabilities.HasFlag(ProtocolCapabilities.DeprecateEof));
        Assert.False(handshake.Capabilities.HasFlag(ProtocolCapabilities.LongPassword));
        Assert.Equal(
            MariaDbCapabilities.Progress | MariaDbCapabilities.StatementBulkOperations | MariaDbCapabilities.ExtendedMetadata | MariaDbCapabilities.CacheMetadata,
            handshake.MariaDbCapabilities);
    }

    [Fact]
    public void Error_WithSqlState_ParsesCodeStateMessage()
    {
        byte[] payload = [0xFF, 0x15, 0x04, (byte)'#', .. "28000Access denied"u8];
        var error = ErrorPayload.Create(payload);

        Assert.Equal(1045, error.ErrorCode);
        Assert.Equal("28000", error.SqlState);
        Assert.Equal("Access denied", error.Message);
        Assert.Equal(1045, error.ToException().ErrorCode);
    }

    [Fact]
    public void Error_WithoutSqlState_DefaultsToHY000()
    {
        byte[] payload = [0xFF, 0x10, 0x04, .. "Too many connections"u8];
        var error = ErrorPayload.Create(payload);

        Assert.Equal(1040, error.ErrorCode);
        Assert.Equal("HY000", error.SqlState);
        Assert.Equal("Too many connections", error.Message);
    }

    [Fact]
    public void Ok_ParsesLengthEncodedFieldsAndStatus()
    {
        byte[] payload = [0x00, 0xFC, 0x10, 0x27, 0x05, 0x0A, 0x00, 0x01, 0x00, .. "info"u8];
        var ok = OkPayload.Create(payload);

        Assert.Equal(10_000ul, ok.AffectedRows);
        Assert.Equal(5ul, ok.LastInsertId);
        Assert.Equal(ServerStatus.AutoCommit | ServerStatus.MoreResultsExist, ok.Status);
        Assert.Equal(1, ok.WarningCount);
        Assert.Equal("info", ok.Info);
    }

    [Fact]
    public void Eof_ParsesWarningsAndStatus()
    {
        var eof = EofPayload.Create([0xFE, 0x02, 0x00, 0x22, 0x00]);
        Assert.Equal(2, eof.WarningCount);
        Assert.Equal(ServerStatus.AutoCommit | ServerStatus.NoIndexUsed, eof.Status);
        Assert.False(EofPayload.IsEof(new byte[9] { 0xFE, 0, 0, 0, 0, 0, 0, 0, 0 }));
    }

    [Fact]
    public void AuthSwitchRequest_KeepsPluginDataBytes()
    {
        byte[] nonce = [.. Enumerable.Range(1, 31).Select(i => (byte)i), 0];
        byte[] payload = [0xFE, .. "client_ed25519"u8, 0, .. nonce];
        var request = AuthSwitchRequestPayload.Create(payload);

        Assert.Equal("client_ed25519", request.PluginName);
        Assert.Equal(nonce, request.PluginData);
    }

    [Fact]
    public void Payloads_Truncated_ThrowBinlogFormatException()
    {
        Assert.Throws<BinlogFormatException>(() => InitialHandshakePayload.Create(Convert.FromHexString(MariaDbHandshakeHex).AsSpan(0, 20)));
        Assert.Throws<BinlogFormatException>(() => OkPayload.Create([0x00, 0x01]));
        Assert.Throws<BinlogFormatException>(() => ErrorPayload.Create([0xFF]));
    }
}
