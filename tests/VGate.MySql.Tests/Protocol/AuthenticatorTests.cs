using System.Security.Authentication;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.MySql.Protocol;

namespace VGate.MySql.Tests.Protocol;

public sealed class AuthenticatorTests
{
    private static readonly byte[] Nonce = [.. "abcdefghijklmnopqrst"u8, 0];

    private static Authenticator Create(bool isSecure, MySqlConnectionOptions? options = null) =>
        Create(isSecure ? MySqlTransportSecurity.VerifiedTls : MySqlTransportSecurity.Plaintext, options);

    private static Authenticator Create(MySqlTransportSecurity transport, MySqlConnectionOptions? options = null) =>
        new(new PacketChannel(new MemoryStream()), options ?? new MySqlConnectionOptions { User = "u", Password = "pw" }, transport, "db1:3306", NullLogger.Instance);

    [Theory]
    [InlineData("caching_sha2_password", MySqlTransportSecurity.Plaintext, "caching_sha2_password")]
    [InlineData("mysql_native_password", MySqlTransportSecurity.Plaintext, "mysql_native_password")]
    [InlineData("sha256_password", MySqlTransportSecurity.Plaintext, "mysql_native_password")]
    [InlineData("sha256_password", MySqlTransportSecurity.UnverifiedTls, "mysql_native_password")]
    [InlineData("sha256_password", MySqlTransportSecurity.VerifiedTls, "sha256_password")]
    [InlineData("sha256_password", MySqlTransportSecurity.UnixSocket, "sha256_password")]
    [InlineData("mysql_clear_password", MySqlTransportSecurity.Plaintext, "mysql_native_password")]
    [InlineData("mysql_clear_password", MySqlTransportSecurity.UnverifiedTls, "mysql_native_password")]
    [InlineData("mysql_clear_password", MySqlTransportSecurity.VerifiedTls, "mysql_clear_password")]
    [InlineData("client_ed25519", MySqlTransportSecurity.Plaintext, "mysql_native_password")]
    [InlineData(null, MySqlTransportSecurity.Plaintext, "mysql_native_password")]
    [InlineData("auth_gssapi_client", MySqlTransportSecurity.VerifiedTls, "mysql_native_password")]
    public void ChooseInitialPlugin_PicksUsablePlugin(string? serverPlugin, MySqlTransportSecurity transport, string expected) =>
        Assert.Equal(expected, Authenticator.ChooseInitialPlugin(serverPlugin, transport));

    [Theory]
    [InlineData("mysql_clear_password")]
    [InlineData("sha256_password")]
    public void CreateResponse_ClearTextPluginsOverUnverifiedTls_RefuseNamingTheOption(string plugin)
    {
        // RSA cannot help here: on any TLS connection the server expects the password in clear text.
        var options = new MySqlConnectionOptions { User = "u", Password = "pw", SslMode = MySqlSslMode.Required, AllowPublicKeyRetrieval = true };
        var ex = Assert.Throws<AuthenticationException>(() => Create(MySqlTransportSecurity.UnverifiedTls, options).CreateResponse(plugin, Nonce));
        Assert.Contains("ssl-mode=verify-identity", ex.Message, StringComparison.Ordinal);
        Assert.Contains("db1:3306", ex.Message, StringComparison.Ordinal);
        Assert.Contains(plugin, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", ex.Message.Replace("password", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mysql_clear_password")]
    [InlineData("sha256_password")]
    public void CreateResponse_ClearTextPluginsOverUnixSocket_SendPasswordWithNul(string plugin) =>
        Assert.Equal("pw\0"u8.ToArray(), Create(MySqlTransportSecurity.UnixSocket).CreateResponse(plugin, Nonce));

    [Fact]
    public void CreateResponse_ClearPasswordOverInsecureTransport_Refuses()
    {
        var ex = Assert.Throws<AuthenticationException>(() => Create(isSecure: false).CreateResponse("mysql_clear_password", Nonce));
        Assert.Contains("TLS", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mysql_clear_password")]
    [InlineData("sha256_password")]
    public void CreateResponse_ClearTextPluginsOverSecureTransport_SendPasswordWithNul(string plugin) =>
        Assert.Equal("pw\0"u8.ToArray(), Create(isSecure: true).CreateResponse(plugin, Nonce));

    [Fact]
    public void CreateResponse_Sha256WithoutKeyOrTls_RefusesWithAdvice()
    {
        var ex = Assert.Throws<AuthenticationException>(() => Create(isSecure: false).CreateResponse("sha256_password", Nonce));
        Assert.Contains("allow-public-key-retrieval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateResponse_Sha256WithKeyRetrieval_RequestsKey()
    {
        var options = new MySqlConnectionOptions { User = "u", Password = "pw", AllowPublicKeyRetrieval = true };
        Assert.Equal(new byte[] { 1 }, Create(isSecure: false, options).CreateResponse("sha256_password", Nonce));
    }

    [Fact]
    public void CreateResponse_Sha256WithKeyFile_EncryptsPasswordXorNonce()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(keyFile, rsa.ExportSubjectPublicKeyInfoPem());
            var options = new MySqlConnectionOptions { User = "u", Password = "pw", ServerRsaPublicKeyFile = keyFile };

            var response = Create(isSecure: false, options).CreateResponse("sha256_password", Nonce);

            var decrypted = rsa.Decrypt(response, RSAEncryptionPadding.OaepSHA1);
            Assert.Equal(new[] { (byte)('p' ^ 'a'), (byte)('w' ^ 'b'), (byte)(0 ^ 'c') }, decrypted);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public void CreateResponse_Ed25519_SignsTheWholeNonce()
    {
        byte[] nonce = [.. Enumerable.Range(0, 31).Select(i => (byte)(i + 1)), 0];
        var response = Create(isSecure: false).CreateResponse("client_ed25519", nonce);
        Assert.Equal(Ed25519Password.Sign(nonce, "pw"), response);
    }

    [Fact]
    public void CreateResponse_UnknownPlugin_ThrowsNamingIt()
    {
        var ex = Assert.Throws<AuthenticationException>(() => Create(isSecure: true).CreateResponse("dialog", Nonce));
        Assert.Contains("'dialog'", ex.Message, StringComparison.Ordinal);
    }
}
