using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VGate.Server.Auth;

/// <summary>
/// Users, passwords and what each may read, from a static users file. Two layouts are read:
/// <list type="bullet">
/// <item>Vitess <c>grpc-auth-static-password-file</c>: <c>[{"Username": "u", "Password": "p"}]</c>, or
/// <c>"SHA256HashedPassword": "&lt;hex sha256 of the password&gt;"</c> instead of <c>Password</c>.</item>
/// <item>Vitess <c>mysql_auth_server_static_file</c>: <c>{"u": [{"Password": "p", "UserData": "…"}]}</c>, where a
/// <c>Password</c> of the form <c>*&lt;40 hex&gt;</c> (or <c>MysqlNativePassword</c>) is a mysql_native_password hash
/// (SHA1(SHA1(password))).</item>
/// </list>
/// VGate adds <c>Allow</c> (a list of <see cref="AccessRules"/> patterns; absent = everything, as in Vitess files) and
/// <c>ClientCertificate</c> (true: a client certificate whose subject CN is the user name identifies the user; such a
/// user needs no password). Property names are matched without regard to case, as Go's JSON decoder does, but unknown
/// properties, duplicate users, empty passwords and hashes in an unknown scheme are errors: a typo in a security file
/// must stop the server at start rather than open or close it silently.
/// </summary>
internal sealed class StaticUsers
{
    private static readonly string[] ArrayKeys = ["Username", "Password", "SHA256HashedPassword", "MysqlNativePassword", "UserData", "Groups", "SourceHost", "Allow", "ClientCertificate"];
    private static readonly string[] ObjectKeys = ["Password", "SHA256HashedPassword", "MysqlNativePassword", "UserData", "Groups", "SourceHost", "Allow", "ClientCertificate"];

    private readonly Dictionary<string, User> _users;

    private StaticUsers(Dictionary<string, User> users) => _users = users;

    public int Count => _users.Count;

    /// <summary>Reads and checks the file.</summary>
    /// <exception cref="FormatException">The file is malformed; the message names the file and the problem.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static StaticUsers Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The users file '{path}' cannot be read: {ex.Message}", ex);
        }
        return Parse(text, path);
    }

    /// <summary>Parses users-file text; <paramref name="path"/> only names the file in errors.</summary>
    /// <exception cref="FormatException">The text is malformed.</exception>
    public static StaticUsers Parse(string json, string path = "(text)")
    {
        try
        {
            return ParseCore(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The users file '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"The users file '{path}' is invalid: {ex.Message}", ex);
        }
    }

    private static StaticUsers ParseCore(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var users = new Dictionary<string, User>(StringComparer.Ordinal);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var entry in root.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object)
                    throw new FormatException($"entry {index}: expected an object.");
                var user = GetString(entry, "Username", $"entry {index}");
                CheckKeys(entry, ArrayKeys, string.IsNullOrEmpty(user) ? $"entry {index}" : $"entry {index} (user '{user}')");
                if (string.IsNullOrEmpty(user))
                    throw new FormatException($"entry {index} has no Username.");
                if (users.ContainsKey(user))
                    throw new FormatException($"user '{user}' is listed more than once (entry {index}).");
                var what = $"entry {index} (user '{user}')";
                users[user] = new User(user, ReadCredentials(entry, what), ReadRules(entry, what), GetBool(entry, "ClientCertificate", what));
                index++;
            }
        }
        else if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                var what = $"user '{property.Name}'";
                if (property.Name.Length == 0)
                    throw new FormatException("a user has an empty name.");
                if (users.ContainsKey(property.Name))
                    throw new FormatException($"{what} is listed more than once.");
                if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
                    throw new FormatException($"{what}: expected a non-empty array of {{\"Password\": …}} entries.");
                var credentials = new List<Credential>();
                var rules = new List<AccessRules>();
                var certificate = false;
                foreach (var entry in property.Value.EnumerateArray())
                {
                    if (entry.ValueKind != JsonValueKind.Object)
                        throw new FormatException($"{what}: expected an object.");
                    CheckKeys(entry, ObjectKeys, what);
                    credentials.AddRange(ReadCredentials(entry, what));
                    rules.Add(ReadRules(entry, what));
                    certificate |= GetBool(entry, "ClientCertificate", what);
                }
                users[property.Name] = new User(property.Name, credentials, AccessRules.Union(rules), certificate);
            }
        }
        else
        {
            throw new FormatException("expected a JSON array of {\"Username\", \"Password\"} entries or an object of users.");
        }
        return new StaticUsers(users);
    }

    /// <summary>The user when <paramref name="user"/> exists and <paramref name="password"/> matches one of its credentials; else null.</summary>
    public User? Authenticate(string user, string password)
    {
        var given = Encoding.UTF8.GetBytes(password);
        var sha256 = SHA256.HashData(given);
#pragma warning disable CA5350 // mysql_native_password is defined as SHA1(SHA1(password)); this only checks such stored hashes.
        var nativeHash = SHA1.HashData(SHA1.HashData(given));
#pragma warning restore CA5350
        if (!_users.TryGetValue(user, out var entry))
            return null;
        var match = false;
        foreach (var credential in entry.Credentials)
        {
            var candidate = credential.Kind == CredentialKind.MySqlNative ? nativeHash : sha256;
            match |= CryptographicOperations.FixedTimeEquals(candidate, credential.Hash);
        }
        return match ? entry : null;
    }

    /// <summary>True when <paramref name="user"/> exists and <paramref name="password"/> matches one of its entries.</summary>
    public bool Verify(string user, string password) => Authenticate(user, password) is not null;

    /// <summary>The user a client certificate with common name <paramref name="commonName"/> is, when the file lets certificates identify it.</summary>
    public User? FindCertificateUser(string commonName) =>
        _users.TryGetValue(commonName, out var user) && user.ClientCertificate ? user : null;

    private static void CheckKeys(JsonElement entry, string[] known, string what)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in entry.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                throw new FormatException($"{what}: unknown property '{property.Name}' (known: {string.Join(", ", known)}).");
            if (!seen.Add(property.Name))
                throw new FormatException($"{what}: property '{property.Name}' appears twice.");
        }
    }

    private static List<Credential> ReadCredentials(JsonElement entry, string what)
    {
        var credentials = new List<Credential>();
        var password = GetString(entry, "Password", what);
        var sha256 = GetString(entry, "SHA256HashedPassword", what);
        var native = GetString(entry, "MysqlNativePassword", what);
        if (password is not null)
        {
            if (password.Length == 0)
                throw new FormatException($"{what}: Password is empty (an empty password lets anyone who knows the user name in).");
            if (password.Length == 41 && password[0] == '*' && IsHex(password.AsSpan(1)))
                credentials.Add(new Credential(CredentialKind.MySqlNative, Convert.FromHexString(password.AsSpan(1))));
            else if (LooksLikeForeignHash(password) is { } scheme)
                throw new FormatException($"{what}: Password looks like a {scheme} hash, which VGate cannot check; give the password, SHA256HashedPassword or MysqlNativePassword (*<40 hex>).");
            else
                credentials.Add(new Credential(CredentialKind.Plain, SHA256.HashData(Encoding.UTF8.GetBytes(password))));
        }
        if (sha256 is not null)
        {
            if (sha256.Length != 64 || !IsHex(sha256))
                throw new FormatException($"{what}: SHA256HashedPassword must be 64 hex digits{(sha256.Length == 0 ? ", not empty" : "")}.");
            credentials.Add(new Credential(CredentialKind.Sha256, Convert.FromHexString(sha256)));
        }
        if (native is not null)
        {
            if (native.Length != 41 || native[0] != '*' || !IsHex(native.AsSpan(1)))
                throw new FormatException($"{what}: MysqlNativePassword must be '*' and 40 hex digits{(native.Length == 0 ? ", not empty" : "")}.");
            credentials.Add(new Credential(CredentialKind.MySqlNative, Convert.FromHexString(native.AsSpan(1))));
        }
        if (credentials.Count > 1)
            throw new FormatException($"{what}: give one of Password, SHA256HashedPassword and MysqlNativePassword.");
        if (credentials.Count == 0 && !GetBool(entry, "ClientCertificate", what))
            throw new FormatException($"{what}: no Password, SHA256HashedPassword or MysqlNativePassword (and not a ClientCertificate user).");
        return credentials;
    }

    private static AccessRules ReadRules(JsonElement entry, string what)
    {
        foreach (var property in entry.EnumerateObject())
        {
            if (!string.Equals(property.Name, "Allow", StringComparison.OrdinalIgnoreCase))
                continue;
            if (property.Value.ValueKind != JsonValueKind.Array)
                throw new FormatException($"{what}: Allow must be an array of patterns such as \"commerce.*\" or \"customer.corder\".");
            var patterns = new List<string>();
            foreach (var item in property.Value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                    throw new FormatException($"{what}: Allow must hold strings.");
                patterns.Add(item.GetString()!);
            }
            try
            {
                return AccessRules.Parse(patterns);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{what}: {ex.Message}", ex);
            }
        }
        return AccessRules.All;
    }

    /// <summary>Names a crypt(3)/LDAP-style hash scheme when <paramref name="password"/> looks like one rather than a password.</summary>
    private static string? LooksLikeForeignHash(string password)
    {
        if (password.Length >= 20 && password[0] == '$' && password.IndexOf('$', 1) is > 1 and < 12)
            return $"crypt '{password[..(password.IndexOf('$', 1) + 1)]}'";
        if (password.Length >= 20 && password[0] == '{' && password.IndexOf('}', StringComparison.Ordinal) is > 1 and < 16 and var end)
            return $"'{password[..(end + 1)]}'";
        return null;
    }

    private static string? GetString(JsonElement entry, string name, string what)
    {
        foreach (var property in entry.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw new FormatException($"{what}: {name} must be a string.");
        }
        return null;
    }

    private static bool GetBool(JsonElement entry, string name, string what)
    {
        foreach (var property in entry.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new FormatException($"{what}: {name} must be true or false."),
                };
            }
        }
        return false;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
                return false;
        }
        return true;
    }

    internal enum CredentialKind
    {
        Plain,
        Sha256,
        MySqlNative,
    }

    internal sealed record Credential(CredentialKind Kind, byte[] Hash);

    /// <summary>One user of the file.</summary>
    internal sealed class User(string name, IReadOnlyList<Credential> credentials, AccessRules rules, bool clientCertificate)
    {
        public string Name { get; } = name;

        public AccessRules Rules { get; } = rules;

        public bool ClientCertificate { get; } = clientCertificate;

        internal IReadOnlyList<Credential> Credentials { get; } = credentials;
    }
}
