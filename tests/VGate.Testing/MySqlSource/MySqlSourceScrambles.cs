using System.Security.Cryptography;
using System.Text;

namespace VGate.Testing.MySqlSource;

/// <summary>The server-side check values of the scramble-based logins of <see cref="MySqlSourceServer"/>.</summary>
public static class MySqlSourceScrambles
{
    /// <summary>mysql_native_password: SHA1(password) XOR SHA1(scramble || SHA1(SHA1(password))).</summary>
    public static byte[] Native(byte[] scramble, string password)
    {
#pragma warning disable CA5350 // the protocol is defined with SHA-1
        var hash1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var hash3 = SHA1.HashData([.. scramble, .. SHA1.HashData(hash1)]);
#pragma warning restore CA5350
        return [.. hash1.Zip(hash3, (a, b) => (byte)(a ^ b))];
    }

    /// <summary>caching_sha2_password fast path: SHA256(password) XOR SHA256(SHA256(SHA256(password)) || scramble).</summary>
    public static byte[] CachingSha2(byte[] scramble, string password)
    {
        var hash1 = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        var hash3 = SHA256.HashData([.. SHA256.HashData(hash1), .. scramble]);
        return [.. hash1.Zip(hash3, (a, b) => (byte)(a ^ b))];
    }
}
