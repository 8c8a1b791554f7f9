using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VGate.Server.Auth;

/// <summary>
/// Users and passwords from a static password file. Two layouts are read:
/// <list type="bullet">
/// <item>Vitess <c>grpc-auth-static-password-file</c>: <c>[{"Username": "u", "Password": "p"}]</c>, or
/// <c>"SHA256HashedPassword": "&lt;hex sha256 of the password&gt;"</c> instead of <c>Password</c>.</item>
/// <item>Vitess <c>mysql_auth_server_static_file</c>: <c>{"u": [{"Password": "p", "UserData": "…"}]}</c>, where a
/// <c>Password</c> of the form <c>*&lt;40 hex&gt;</c> is a mysql_native_password hash (SHA1(SHA1(password))).</item>
/// </list>
/// Property names are matched without regard to case, as Go's JSON decoder does.
/// </summary>
internal sealed class StaticUsers
{
    private readonly Dictionary<string, List<Credential>> _users;

    private StaticUsers(Dictionary<string, List<Credential>> users) => _users = users;

    public int Count => _users.Count;

    public static StaticUsers Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
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

    public static StaticUsers Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var users = new Dictionary<string, List<Credential>>(StringComparer.Ordinal);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var entry in root.EnumerateArray())
            {
                var user = GetString(entry, "Username") ?? throw new FormatException($"entry {index} has no Username.");
                Add(users, user, ReadCredential(entry, $"entry {index} (user {user})"));
                index++;
            }
        }
        else if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Array)
                    throw new FormatException($"user {property.Name}: expected an array of {{\"Password\": …}} entries.");
                foreach (var entry in property.Value.EnumerateArray())
                    Add(users, property.Name, ReadCredential(entry, $"user {property.Name}"));
            }
        }
        else
        {
            throw new FormatException("expected a JSON array of {\"Username\", \"Password\"} entries or an object of users.");
        }
        return new StaticUsers(users);
    }

    /// <summary>True when <paramref name="user"/> exists and <paramref name="password"/> matches one of its entries.</summary>
    public bool Verify(string user, string password)
    {
        if (!_users.TryGetValue(user, out var credentials))
            return false;
        var given = Encoding.UTF8.GetBytes(password);
        var sha256 = SHA256.HashData(given);
#pragma warning disable CA5350 // mysql_native_password is defined as SHA1(SHA1(password)); this only checks such stored hashes.
        var nativeHash = SHA1.HashData(SHA1.HashData(given));
#pragma warning restore CA5350
        var match = false;
        foreach (var credential in credentials)
        {
            var candidate = credential.Kind switch
            {
                CredentialKind.Sha256 => sha256,
                CredentialKind.MySqlNative => nativeHash,
                _ => sha256,
            };
            match |= CryptographicOperations.FixedTimeEquals(candidate, credential.Hash);
        }
        return match;
    }

    private static void Add(Dictionary<string, List<Credential>> users, string user, Credential credential)
    {
        if (!users.TryGetValue(user, out var list))
            users[user] = list = [];
        list.Add(credential);
    }

    private static Credential ReadCredential(JsonElement entry, string what)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{what}: expected an object.");
        var password = GetString(entry, "Password");
        if (password is { Length: > 0 })
        {
            if (password.Length == 41 && password[0] == '*' && IsHex(password.AsSpan(1)))
                return new Credential(CredentialKind.MySqlNative, Convert.FromHexString(password.AsSpan(1)));
            return new Credential(CredentialKind.Plain, SHA256.HashData(Encoding.UTF8.GetBytes(password)));
        }
        var hashed = GetString(entry, "SHA256HashedPassword");
        if (hashed is { Length: > 0 })
        {
            if (hashed.Length != 64 || !IsHex(hashed))
                throw new FormatException($"{what}: SHA256HashedPassword must be 64 hex digits.");
            return new Credential(CredentialKind.Sha256, Convert.FromHexString(hashed));
        }
        // An empty password is a valid (if unwise) Vitess entry.
        return new Credential(CredentialKind.Plain, SHA256.HashData([]));
    }

    private static string? GetString(JsonElement entry, string name)
    {
        foreach (var property in entry.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw new FormatException($"{name} must be a string.");
        }
        return null;
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

    private enum CredentialKind
    {
        Plain,
        Sha256,
        MySqlNative,
    }

    private sealed record Credential(CredentialKind Kind, byte[] Hash);
}
