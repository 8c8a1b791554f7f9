using System.Globalization;
using System.Text;
using VGate.Secrets;

namespace VGate.MySql.Protocol;

/// <summary>
/// Where and how to connect to a MySQL or MariaDB server for the client/server protocol connection
/// (<see cref="MySqlProtocolConnection"/>), and the equivalent MySqlConnector connection string for SQL work.
/// </summary>
/// <remarks>
/// <para>A URI form is accepted by <see cref="Parse(string)"/>:
/// <c>mysql://user:password@host:port/database?ssl-mode=required&amp;ssl-ca=/path/ca.pem</c>, or
/// <c>mysql://user:password@localhost?socket=/run/mysqld/mysqld.sock</c> for a Unix socket. <c>mariadb://</c> is an alias.
/// User name, password and option values are percent-decoded; a password with <c>/ ? # @ %</c> must be percent-encoded,
/// and a raw <c>/</c> or <c>?</c> before the host is refused with a message that quotes nothing of it. The password may
/// instead be <c>{env:NAME}</c> or <c>{file:PATH}</c> (not encoded): the environment variable or the file's content.</para>
/// <para>Recognised query options: <c>ssl-mode</c> (disabled|none, preferred, required, verify-ca, verify-identity|verify-full;
/// default preferred, or verify-ca when <c>ssl-ca</c> is given, as in the MySQL clients),
/// <c>ssl-ca</c>, <c>ssl-cert</c>, <c>ssl-key</c>, <c>socket</c>, <c>server-public-key-path</c>,
/// <c>allow-public-key-retrieval</c> (or MySQL's <c>get-server-public-key</c>; true/false), <c>connect-timeout</c> (seconds).
/// Underscores may be used instead of dashes.</para>
/// </remarks>
public sealed class MySqlConnectionOptions
{
    /// <summary>The default MySQL TCP port.</summary>
    public const int DefaultPort = 3306;

    /// <summary>Host name or IP address of the server (also the name checked by <see cref="MySqlSslMode.VerifyFull"/>).</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>TCP port; 3306 by default. Ignored when <see cref="UnixSocket"/> is set.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Path of the server's Unix socket. When set, the connection uses it instead of TCP.</summary>
    public string? UnixSocket { get; set; }

    /// <summary>User name to log in as.</summary>
    public string User { get; set; } = "";

    /// <summary>Password; empty for none.</summary>
    public string Password { get; set; } = "";

    /// <summary>Optional default database (schema) selected at login.</summary>
    public string? Database { get; set; }

    /// <summary>
    /// TLS mode; <see cref="MySqlSslMode.Preferred"/> by default, as MySqlConnector (<see cref="Parse(string)"/> makes it
    /// <see cref="MySqlSslMode.VerifyCA"/> when <c>ssl-ca</c> is given without <c>ssl-mode</c>).
    /// </summary>
    public MySqlSslMode SslMode { get; set; } = MySqlSslMode.Preferred;

    /// <summary>PEM file with the CA certificate(s) trusted for <see cref="MySqlSslMode.VerifyCA"/> and <see cref="MySqlSslMode.VerifyFull"/>.</summary>
    public string? SslCaFile { get; set; }

    /// <summary>PEM file with a client certificate to present to the server (needs <see cref="SslKeyFile"/>).</summary>
    public string? SslCertFile { get; set; }

    /// <summary>PEM file with the private key of <see cref="SslCertFile"/>.</summary>
    public string? SslKeyFile { get; set; }

    /// <summary>
    /// PEM file with the server's RSA public key, used by <c>caching_sha2_password</c> and <c>sha256_password</c>
    /// to encrypt the password when the connection is neither TLS nor a Unix socket.
    /// </summary>
    public string? ServerRsaPublicKeyFile { get; set; }

    /// <summary>
    /// Whether the client may ask the server for its RSA public key (when no <see cref="ServerRsaPublicKeyFile"/> is set).
    /// Off by default, as in MySQL clients: a man in the middle could hand out its own key.
    /// </summary>
    public bool AllowPublicKeyRetrieval { get; set; }

    /// <summary>Time allowed for connecting, the TLS handshake and authentication together; 10 seconds by default.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A short description of the endpoint, for messages: <c>host:port</c> or <c>unix:/path</c>.</summary>
    public string Endpoint => UnixSocket is { Length: > 0 } socket
        ? "unix:" + socket
        : (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}");

    /// <summary>Creates a copy of these options.</summary>
    public MySqlConnectionOptions Clone() => (MySqlConnectionOptions)MemberwiseClone();

    /// <summary>
    /// Parses a <c>mysql://</c> or <c>mariadb://</c> URI. See the type remarks for the accepted options.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is null.</exception>
    /// <exception cref="FormatException">The URI is malformed; the message names the bad part (never the password).</exception>
    public static MySqlConnectionOptions Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var options = new MySqlConnectionOptions();

        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            throw new FormatException("Connection URI must start with 'mysql://' or 'mariadb://'.");
        var scheme = uri[..schemeEnd];
        if (!scheme.Equals("mysql", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("mariadb", StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"Unsupported URI scheme '{scheme}': expected 'mysql' or 'mariadb'.");

        var rest = uri[(schemeEnd + 3)..];
        var passwordReference = ExtractPasswordReference(ref rest);
        if (rest.Contains('#', StringComparison.Ordinal))
            throw new FormatException("Connection URI must not contain a fragment ('#'); percent-encode '#' in a password as %23.");

        // A raw '/' or '?' before the last '@' means a password (or user name) with reserved characters that are not
        // percent-encoded: parsed as a URI, part of the password would become the host, port, path or options and be
        // quoted in the messages below. Refuse it here, quoting nothing. After this check everything before the last
        // '@' is the user information, so every fragment quoted later comes from after it.
        var lastAt = rest.LastIndexOf('@');
        if (lastAt >= 0 && rest.AsSpan(0, lastAt).IndexOfAny('/', '?') >= 0)
        {
            throw new FormatException(
                "The user name or password of the connection URI contains '/' or '?' that is not percent-encoded (or an option " +
                "value contains '@'): percent-encode them (/ %2F, ? %3F, @ %40; also # %23 and % %25), " +
                "or give the password as {env:NAME} or {file:PATH} (docs/security/secrets.md).");
        }

        string? query = null;
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            query = rest[(queryStart + 1)..];
            rest = rest[..queryStart];
        }

        var pathStart = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = pathStart >= 0 ? rest[..pathStart] : rest;
        var path = pathStart >= 0 ? rest[(pathStart + 1)..] : "";

        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            options.User = Decode(colon >= 0 ? userInfo[..colon] : userInfo, "user name");
            options.Password = colon >= 0 ? Decode(userInfo[(colon + 1)..], "password") : "";
        }

        ParseHostAndPort(authority, options);

        if (path.Length > 0)
        {
            if (path.Contains('/', StringComparison.Ordinal))
                throw new FormatException($"Invalid database path '{path}' in connection URI: expected a single database name.");
            options.Database = Decode(path, "database name");
        }

        var sslModeGiven = false;
        if (query is { Length: > 0 })
        {
            foreach (var part in query.Split('&'))
            {
                if (part.Length == 0)
                    continue;
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                    throw new FormatException($"Invalid option '{part}' in connection URI: expected name=value.");
                var name = Decode(part[..equals], "option name");
                var value = Decode(part[(equals + 1)..], $"value of option '{name}'");
                ApplyOption(options, name, value);
                sslModeGiven |= name.Replace('_', '-').ToLowerInvariant() is "ssl-mode" or "sslmode";
            }
        }

        if (options.Host.Length == 0 && options.UnixSocket is null)
            throw new FormatException("Connection URI has no host: give one (mysql://user@host) or a Unix socket (?socket=/path).");
        if (options.Host.Length == 0)
            options.Host = "localhost";
        if (options.SslCertFile is null != options.SslKeyFile is null)
            throw new FormatException("Options 'ssl-cert' and 'ssl-key' must be given together.");

        // As the MySQL clients: a CA without an explicit ssl-mode means "verify the server against it" (VERIFY_CA).
        if (!sslModeGiven && options.SslCaFile is not null)
            options.SslMode = MySqlSslMode.VerifyCA;
        if (passwordReference is not null)
            options.Password = SecretReference.Resolve(passwordReference, "The password of the connection URI");
        return options;
    }

    /// <summary>
    /// <paramref name="uri"/> with everything between <c>://</c> and its last <c>@</c> (the user information: user name
    /// and password, also when they are malformed) replaced by <c>***</c>, for messages about a URI that may not parse.
    /// </summary>
    public static string Redact(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        var start = schemeEnd >= 0 ? schemeEnd + 3 : 0;
        var at = uri.LastIndexOf('@');
        return at >= start ? string.Concat(uri.AsSpan(0, start), "***", uri.AsSpan(at)) : uri;
    }

    /// <summary>
    /// Describes what is unsafe about the transport these options give, or null when the connection is a Unix socket or
    /// TLS with a verified server certificate. Used for the warning logged once per source.
    /// </summary>
    public string? DescribeTransportRisk() => UnixSocket is { Length: > 0 }
        ? null
        : SslMode switch
        {
            MySqlSslMode.None => "plaintext (ssl-mode=disabled): the replication stream and the login are readable on the network",
            MySqlSslMode.Preferred => "TLS without certificate verification, or plaintext when the server does not offer TLS " +
                "(ssl-mode=preferred): a man in the middle can read and change the stream",
            MySqlSslMode.Required => "TLS without certificate verification (ssl-mode=required): a man in the middle can read and change the stream",
            _ => null,
        };

    // {env:NAME} or {file:PATH} as the whole password: taken out before the URI is split, because a file path has '/'.
    private static string? ExtractPasswordReference(ref string rest)
    {
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || rest.AsSpan(0, colon).IndexOfAny("/?#@") >= 0)
            return null;
        var after = rest.AsSpan(colon + 1);
        if (!after.StartsWith("{env:", StringComparison.Ordinal) && !after.StartsWith("{file:", StringComparison.Ordinal))
            return null;
        var end = rest.IndexOf("}@", colon + 1, StringComparison.Ordinal);
        if (end < 0)
            throw new FormatException("The password reference of the connection URI must be {env:NAME} or {file:PATH} followed by '@'.");
        var reference = rest[(colon + 1)..(end + 1)];
        rest = string.Concat(rest.AsSpan(0, colon), rest.AsSpan(end + 1));
        return reference;
    }

    /// <summary>A URI describing these options with the password replaced by <c>***</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("mysql://");
        sb.Append(Uri.EscapeDataString(User));
        if (Password.Length > 0)
            sb.Append(":***");
        sb.Append('@');
        if (UnixSocket is { Length: > 0 })
        {
            sb.Append(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host);
        }
        else
        {
            sb.Append(Endpoint);
        }

        if (Database is { Length: > 0 })
            sb.Append('/').Append(Uri.EscapeDataString(Database));
        var separator = '?';
        void Add(string name, string? value)
        {
            if (value is null)
                return;
            sb.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        Add("socket", UnixSocket);
        Add("ssl-mode", SslMode switch
        {
            MySqlSslMode.None => "disabled",
            MySqlSslMode.Preferred => "preferred",
            MySqlSslMode.Required => "required",
            MySqlSslMode.VerifyCA => "verify-ca",
            _ => "verify-identity",
        });
        Add("ssl-ca", SslCaFile);
        Add("ssl-cert", SslCertFile);
        Add("ssl-key", SslKeyFile);
        Add("server-public-key-path", ServerRsaPublicKeyFile);
        if (AllowPublicKeyRetrieval)
            Add("allow-public-key-retrieval", "true");
        return sb.ToString();
    }

    private static void ParseHostAndPort(string authority, MySqlConnectionOptions options)
    {
        string host;
        string? port = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                throw new FormatException($"Invalid host '{authority}' in connection URI: missing ']' after an IPv6 address.");
            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                    throw new FormatException($"Invalid text '{after}' after the IPv6 address in connection URI.");
                port = after[1..];
            }
        }
        else
        {
            var colon = authority.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                host = authority[..colon];
                port = authority[(colon + 1)..];
            }
            else
            {
                host = authority;
            }
        }

        options.Host = Decode(host, "host");
        if (port is not null)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 65535)
                throw new FormatException($"Invalid port '{port}' in connection URI: expected a number from 1 to 65535.");
            options.Port = value;
        }
    }

    private static void ApplyOption(MySqlConnectionOptions options, string name, string value)
    {
        switch (name.Replace('_', '-').ToLowerInvariant())
        {
            case "ssl-mode" or "sslmode":
                options.SslMode = value.Replace('_', '-').ToLowerInvariant() switch
                {
                    "none" or "disabled" or "disable" => MySqlSslMode.None,
                    "preferred" or "prefer" => MySqlSslMode.Preferred,
                    "required" or "require" => MySqlSslMode.Required,
                    "verify-ca" or "verifyca" => MySqlSslMode.VerifyCA,
                    "verify-full" or "verifyfull" or "verify-identity" => MySqlSslMode.VerifyFull,
                    _ => throw new FormatException(
                        $"Invalid value '{value}' for option 'ssl-mode': expected disabled, preferred, required, verify-ca or verify-identity."),
                };
                break;
            case "ssl-ca":
                options.SslCaFile = RequireValue(name, value);
                break;
            case "ssl-cert":
                options.SslCertFile = RequireValue(name, value);
                break;
            case "ssl-key":
                options.SslKeyFile = RequireValue(name, value);
                break;
            case "socket":
                options.UnixSocket = RequireValue(name, value);
                break;
            case "server-public-key-path" or "server-rsa-public-key-file":
                options.ServerRsaPublicKeyFile = RequireValue(name, value);
                break;
            case "allow-public-key-retrieval" or "get-server-public-key":
                options.AllowPublicKeyRetrieval = ParseBoolean(name, value);
                break;
            case "connect-timeout":
                if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > int.MaxValue)
                    throw new FormatException($"Invalid value '{value}' for option 'connect-timeout': expected a positive number of seconds.");
                options.ConnectTimeout = TimeSpan.FromSeconds(seconds);
                break;
            default:
                throw new FormatException($"Unknown option '{name}' in connection URI.");
        }
    }

    private static string RequireValue(string name, string value) =>
        value.Length > 0 ? value : throw new FormatException($"Option '{name}' in connection URI needs a value.");

    private static bool ParseBoolean(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new FormatException($"Invalid value '{value}' for option '{name}': expected true or false."),
    };

    private static string Decode(string text, string what)
    {
        // Uri.UnescapeDataString leaves invalid escapes as they are; reject them so typos are not silently kept.
        for (var i = text.IndexOf('%', StringComparison.Ordinal); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                throw new FormatException($"Invalid percent-encoding in the {what} of the connection URI.");
        }

        return Uri.UnescapeDataString(text);
    }
}
