using System.Security.Cryptography;
using System.Text;

namespace VGate.MySql.Protocol;

/// <summary>
/// The password transformations of the scramble-based authentication plugins.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods.html
/// </summary>
internal static class AuthScrambles
{
    /// <summary>Length of the scramble (nonce) used by the native, SHA-256 and caching SHA-2 plugins.</summary>
    public const int NonceLength = 20;

    /// <summary>
    /// <c>mysql_native_password</c>: SHA1(password) XOR SHA1(nonce || SHA1(SHA1(password))); empty for an empty password.
    /// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods_native_password_authentication.html
    /// </summary>
    public static byte[] NativePassword(ReadOnlySpan<byte> nonce, string password)
    {
        if (password.Length == 0)
            return [];

        // SHA-1 is what the mysql_native_password wire format is defined with; nothing else would be accepted.
#pragma warning disable CA5350
        Span<byte> hash1 = stackalloc byte[SHA1.HashSizeInBytes];
        Span<byte> hash2 = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.UTF8.GetBytes(password), hash1);
        SHA1.HashData(hash1, hash2);

        var salted = new byte[nonce.Length + hash2.Length];
        nonce.CopyTo(salted);
        hash2.CopyTo(salted.AsSpan(nonce.Length));
        var result = SHA1.HashData(salted);
#pragma warning restore CA5350
        for (var i = 0; i < result.Length; i++)
            result[i] ^= hash1[i];
        return result;
    }

    /// <summary>
    /// <c>caching_sha2_password</c> fast-path scramble: SHA256(password) XOR SHA256(SHA256(SHA256(password)) || nonce);
    /// empty for an empty password.
    /// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html
    /// </summary>
    public static byte[] CachingSha2Password(ReadOnlySpan<byte> nonce, string password)
    {
        if (password.Length == 0)
            return [];
        Span<byte> hash1 = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> hash2 = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(password), hash1);
        SHA256.HashData(hash1, hash2);

        var salted = new byte[hash2.Length + nonce.Length];
        hash2.CopyTo(salted);
        nonce.CopyTo(salted.AsSpan(hash2.Length));
        var result = SHA256.HashData(salted);
        for (var i = 0; i < result.Length; i++)
            result[i] ^= hash1[i];
        return result;
    }

    /// <summary>The password as the server expects it in clear: UTF-8 bytes followed by a NUL.</summary>
    public static byte[] NullTerminatedPassword(string password)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(password) + 1];
        Encoding.UTF8.GetBytes(password, bytes);
        return bytes;
    }

    /// <summary>
    /// The RSA full-authentication response of <c>caching_sha2_password</c> and <c>sha256_password</c>:
    /// RSA-OAEP (SHA-1) encryption of (password || NUL) XOR nonce, the nonce repeated as needed.
    /// </summary>
    /// <param name="publicKeyPem">The server's public key, PEM (PUBLIC KEY or RSA PUBLIC KEY).</param>
    /// <param name="nonce">The 20-byte scramble of the handshake or auth switch.</param>
    /// <param name="password">The password in clear.</param>
    public static byte[] RsaEncryptPassword(string publicKeyPem, ReadOnlySpan<byte> nonce, string password)
    {
        var data = NullTerminatedPassword(password);
        if (nonce.Length > 0)
        {
            for (var i = 0; i < data.Length; i++)
                data[i] ^= nonce[i % nonce.Length];
        }

        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return rsa.Encrypt(data, RSAEncryptionPadding.OaepSHA1);
    }
}
