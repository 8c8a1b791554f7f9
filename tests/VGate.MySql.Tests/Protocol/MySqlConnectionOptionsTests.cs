using VGate.MySql.Protocol;
using MySqlSslMode = VGate.MySql.Protocol.MySqlSslMode;

namespace VGate.MySql.Tests.Protocol;

public sealed class MySqlConnectionOptionsTests
{
    [Theory]
    [InlineData("mysql://repl:pw@db1:3307", "repl", "pw", "db1", 3307, null, MySqlSslMode.Preferred)]
    [InlineData("mysql://repl@db1", "repl", "", "db1", 3306, null, MySqlSslMode.Preferred)]
    [InlineData("mariadb://u:p@10.0.0.5", "u", "p", "10.0.0.5", 3306, null, MySqlSslMode.Preferred)]
    [InlineData("MySQL://u:p@h?ssl-mode=required", "u", "p", "h", 3306, null, MySqlSslMode.Required)]
    [InlineData("mysql://us%40er:p%3Aw%2F%23%25@h:1?ssl_mode=VERIFY_IDENTITY", "us@er", "p:w/#%", "h", 1, null, MySqlSslMode.VerifyFull)]
    [InlineData("mysql://u:p@[::1]:3308?sslmode=disabled", "u", "p", "::1", 3308, null, MySqlSslMode.None)]
    [InlineData("mysql://u:p@localhost?socket=/run/mysqld/mysqld.sock", "u", "p", "localhost", 3306, "/run/mysqld/mysqld.sock", MySqlSslMode.Preferred)]
    [InlineData("mysql://u:p@?socket=%2Ftmp%2Fmy.sock&ssl-mode=verify-ca", "u", "p", "localhost", 3306, "/tmp/my.sock", MySqlSslMode.VerifyCA)]
    [InlineData("mysql://u:p:with:colons@h", "u", "p:with:colons", "h", 3306, null, MySqlSslMode.Preferred)]
    public void Parse_ValidUri_ReadsParts(string uri, string user, string password, string host, int port, string? socket, MySqlSslMode mode)
    {
        var options = MySqlConnectionOptions.Parse(uri);

        Assert.Equal(user, options.User);
        Assert.Equal(password, options.Password);
        Assert.Equal(host, options.Host);
        Assert.Equal(port, options.Port);
        Assert.Equal(socket, options.UnixSocket);
        Assert.Equal(mode, options.SslMode);
    }

    [Fact]
    public void Parse_AllOptions_AreApplied()
    {
        var options = MySqlConnectionOptions.Parse(
            "mysql://u:p@h/inventory?ssl-ca=/ca.pem&ssl-cert=/c.pem&ssl-key=/k.pem&server-public-key-path=/rsa.pem&get-server-public-key=true&connect-timeout=2.5");

        Assert.Equal("inventory", options.Database);
        Assert.Equal("/ca.pem", options.SslCaFile);
        Assert.Equal("/c.pem", options.SslCertFile);
        Assert.Equal("/k.pem", options.SslKeyFile);
        Assert.Equal("/rsa.pem", options.ServerRsaPublicKeyFile);
        Assert.True(options.AllowPublicKeyRetrieval);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.ConnectTimeout);
    }

    [Fact]
    public void Defaults_FollowMySqlClients()
    {
        var options = new MySqlConnectionOptions();
        Assert.Equal(3306, options.Port);
        Assert.Equal(MySqlSslMode.Preferred, options.SslMode);
        Assert.False(options.AllowPublicKeyRetrieval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ConnectTimeout);
    }

    [Theory]
    [InlineData("db1:3306", "'mysql://'")]
    [InlineData("postgres://u@h", "scheme 'postgres'")]
    [InlineData("mysql://u@h:0", "port '0'")]
    [InlineData("mysql://u@h:70000", "port '70000'")]
    [InlineData("mysql://u@h:abc", "port 'abc'")]
    [InlineData("mysql://u@h?ssl-mode=sometimes", "'sometimes' for option 'ssl-mode'")]
    [InlineData("mysql://u@h?colour=blue", "Unknown option 'colour'")]
    [InlineData("mysql://u@h?ssl-ca", "option 'ssl-ca'")]
    [InlineData("mysql://u@h?ssl-ca=", "'ssl-ca' in connection URI needs a value")]
    [InlineData("mysql://u@h?connect-timeout=-1", "'connect-timeout'")]
    [InlineData("mysql://u@h?allow-public-key-retrieval=maybe", "'allow-public-key-retrieval'")]
    [InlineData("mysql://u:p#x@h", "fragment")]
    [InlineData("mysql://u:p%zz@h", "password")]
    [InlineData("mysql://u@", "no host")]
    [InlineData("mysql://u@[::1", "IPv6")]
    [InlineData("mysql://u@h/a/b", "database path 'a/b'")]
    [InlineData("mysql://u@h?ssl-cert=/c.pem", "'ssl-cert' and 'ssl-key'")]
    public void Parse_InvalidUri_ThrowsNamingTheBadPart(string uri, string expectedFragment)
    {
        var ex = Assert.Throws<FormatException>(() => MySqlConnectionOptions.Parse(uri));
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadPasswordEscape_DoesNotLeakPassword()
    {
        var ex = Assert.Throws<FormatException>(() => MySqlConnectionOptions.Parse("mysql://u:hunter2%G@h"));
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    // Each raw reserved character of a password, in each position where a naive split would turn part of the password
    // into the host, port, path or options and quote it back in the error.
    [Theory]
    [InlineData("mysql://repl:Zqx/Wv7Xk@db1:3306")]
    [InlineData("mysql://repl:Zqx?Wv7Xk@db1:3306")]
    [InlineData("mysql://repl:Zqx#Wv7Xk@db1:3306")]
    [InlineData("mysql://repl:Zqx%Wv7Xk@db1:3306")]
    [InlineData("mysql://repl:Zqx/?@#%Wv7Xk@db1:3306/inventory?ssl-mode=required")]
    [InlineData("mysql://repl:Zqx/Wvk:99@db1")]
    [InlineData("mysql://repl:Zqx?xqz=yqz@Wv7Xk@db1")]
    [InlineData("mysql://repl@db1:3306/Zqx?Wv7Xk@db1")]
    [InlineData("mysql://re/pl:Zqx@db1:3306")]
    public void Parse_RawReservedCharactersInPassword_FailsWithoutQuotingAnyOfIt(string uri)
    {
        var ex = Assert.Throws<FormatException>(() => MySqlConnectionOptions.Parse(uri));

        var userInfo = uri["mysql://".Length..uri.LastIndexOf('@')];
        // No run of 3 characters of the password appears in the message (the message's own words are not passwords).
        for (var i = 0; i + 3 <= userInfo.Length; i++)
            Assert.DoesNotContain(userInfo.Substring(i, 3), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PercentEncodedReservedCharacters_DecodeToThePassword()
    {
        var password = "Sec/?@#%:ret";
        var options = MySqlConnectionOptions.Parse($"mysql://repl:{Uri.EscapeDataString(password)}@db1:3307/inventory?ssl-mode=required");

        Assert.Equal(password, options.Password);
        Assert.Equal("db1", options.Host);
        Assert.Equal(3307, options.Port);
        Assert.Equal("inventory", options.Database);
        Assert.DoesNotContain("Sec", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PasswordFromEnvironmentReference_ReadsTheVariable()
    {
        var name = "VGATE_TEST_PW_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(name, "Sec/?@#%ret");
        try
        {
            var options = MySqlConnectionOptions.Parse($"mysql://repl:{{env:{name}}}@db1:3307?ssl-mode=required");

            Assert.Equal("Sec/?@#%ret", options.Password);
            Assert.Equal("repl", options.User);
            Assert.Equal("db1", options.Host);
            Assert.Equal(3307, options.Port);
            Assert.Equal(MySqlSslMode.Required, options.SslMode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Parse_PasswordFromFileReference_ReadsTheFileWithoutItsLineBreak()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "Sec/?@#%ret\n");
            var options = MySqlConnectionOptions.Parse($"mysql://repl:{{file:{file}}}@db1/inventory");

            Assert.Equal("Sec/?@#%ret", options.Password);
            Assert.Equal("db1", options.Host);
            Assert.Equal("inventory", options.Database);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("mysql://repl:{env:VGATE_TEST_SURELY_UNSET_1f3a}@db1", "'VGATE_TEST_SURELY_UNSET_1f3a'")]
    [InlineData("mysql://repl:{file:/nonexistent/vgate/pw}@db1", "'/nonexistent/vgate/pw'")]
    [InlineData("mysql://repl:{env:X@db1", "{env:NAME} or {file:PATH}")]
    public void Parse_BadPasswordReference_NamesTheVariableOrFile(string uri, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => MySqlConnectionOptions.Parse(uri));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EncodedBraceIsALiteralPassword() =>
        Assert.Equal("{env:X}", MySqlConnectionOptions.Parse("mysql://repl:%7Benv:X%7D@db1").Password);

    [Theory]
    [InlineData("mysql://u:p@h?ssl-ca=/ca.pem", MySqlSslMode.VerifyCA)]
    [InlineData("mysql://u:p@h?ssl-ca=/ca.pem&ssl-mode=verify-identity", MySqlSslMode.VerifyFull)]
    [InlineData("mysql://u:p@h?ssl-mode=required&ssl-ca=/ca.pem", MySqlSslMode.Required)]
    [InlineData("mysql://u:p@h", MySqlSslMode.Preferred)]
    [InlineData("mysql://u:p@h?ssl-mode=DISABLED", MySqlSslMode.None)]
    [InlineData("mysql://u:p@h?ssl-mode=VERIFY_CA&ssl-ca=/ca.pem", MySqlSslMode.VerifyCA)]
    public void Parse_CaWithoutMode_VerifiesAsMySqlClientsDo(string uri, MySqlSslMode expected) =>
        Assert.Equal(expected, MySqlConnectionOptions.Parse(uri).SslMode);

    [Theory]
    [InlineData("mysql://repl:Sec/?@#%ret@db1:3306/x", "mysql://***@db1:3306/x")]
    [InlineData("mysql://repl@db1", "mysql://***@db1")]
    [InlineData("mysql://db1:3306", "mysql://db1:3306")]
    [InlineData("not a uri: pw@h", "***@h")]
    public void Redact_HidesEverythingBeforeTheLastAt(string uri, string expected) =>
        Assert.Equal(expected, MySqlConnectionOptions.Redact(uri));

    [Theory]
    [InlineData("mysql://u:p@h?ssl-mode=disabled", "plaintext")]
    [InlineData("mysql://u:p@h", "ssl-mode=preferred")]
    [InlineData("mysql://u:p@h?ssl-mode=required", "ssl-mode=required")]
    [InlineData("mysql://u:p@h?ssl-mode=verify-ca", null)]
    [InlineData("mysql://u:p@h?ssl-ca=/ca.pem", null)]
    [InlineData("mysql://u:p@localhost?socket=/run/mysqld/mysqld.sock&ssl-mode=disabled", null)]
    public void DescribeTransportRisk_NamesPlaintextAndUnverifiedTls(string uri, string? expected)
    {
        var risk = MySqlConnectionOptions.Parse(uri).DescribeTransportRisk();
        if (expected is null)
            Assert.Null(risk);
        else
            Assert.Contains(expected, risk, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => MySqlConnectionOptions.Parse(null!));

    [Fact]
    public void ToString_RedactsPassword()
    {
        var options = MySqlConnectionOptions.Parse("mysql://repl:hunter2@db1:3307?ssl-mode=verify-ca&ssl-ca=/ca.pem");
        var text = options.ToString();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Equal("mysql://repl:***@db1:3307?ssl-mode=verify-ca&ssl-ca=%2Fca.pem", text);
    }
}
