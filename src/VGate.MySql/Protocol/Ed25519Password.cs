using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace VGate.MySql.Protocol;

/// <summary>
/// The signature of MariaDB's <c>client_ed25519</c> authentication plugin: Ed25519 (RFC 8032) where the 64-byte expanded
/// secret is SHA-512 of the password itself (of any length) rather than of a 32-byte seed. For a 32-byte password this is
/// exactly standard Ed25519 with the password as seed.
/// See https://mariadb.com/kb/en/authentication-plugin-ed25519/ and the server's plugin/auth_ed25519 (ref10 crypto_sign
/// taking the password).
/// </summary>
/// <remarks>
/// .NET has no Ed25519; this is a small implementation over <see cref="BigInteger"/> in extended twisted Edwards
/// coordinates. It runs once per login, so speed does not matter; it is not constant-time.
/// </remarks>
internal static class Ed25519Password
{
    /// <summary>Length of a signature: the encoded point R followed by the scalar S.</summary>
    public const int SignatureLength = 64;

    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger D2 = Mod(2 * D);
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);
    private static readonly Point BasePoint = CreateBasePoint();

    /// <summary>Signs <paramref name="message"/> (the server's 32-byte nonce) with the key derived from <paramref name="password"/>.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> message, string password)
    {
        var expanded = SHA512.HashData(Encoding.UTF8.GetBytes(password));
        try
        {
            var scalar = Clamp(expanded.AsSpan(0, 32));
            Span<byte> publicKey = stackalloc byte[32];
            Encode(Multiply(BasePoint, scalar), publicKey);

            var nonceInput = new byte[32 + message.Length];
            expanded.AsSpan(32, 32).CopyTo(nonceInput);
            message.CopyTo(nonceInput.AsSpan(32));
            var r = FromLittleEndian(SHA512.HashData(nonceInput)) % L;

            var signature = new byte[SignatureLength];
            Encode(Multiply(BasePoint, r), signature.AsSpan(0, 32));

            var challengeInput = new byte[64 + message.Length];
            signature.AsSpan(0, 32).CopyTo(challengeInput);
            publicKey.CopyTo(challengeInput.AsSpan(32));
            message.CopyTo(challengeInput.AsSpan(64));
            var k = FromLittleEndian(SHA512.HashData(challengeInput)) % L;

            var s = (r + (k * scalar)) % L;
            WriteLittleEndian(s, signature.AsSpan(32, 32));
            return signature;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expanded);
        }
    }

    /// <summary>The 32-byte public key MariaDB stores for <paramref name="password"/> (what <c>PASSWORD()</c> shows, base64).</summary>
    public static byte[] PublicKey(string password)
    {
        var expanded = SHA512.HashData(Encoding.UTF8.GetBytes(password));
        var publicKey = new byte[32];
        Encode(Multiply(BasePoint, Clamp(expanded.AsSpan(0, 32))), publicKey);
        CryptographicOperations.ZeroMemory(expanded);
        return publicKey;
    }

    private static BigInteger Clamp(ReadOnlySpan<byte> bytes)
    {
        Span<byte> clamped = stackalloc byte[32];
        bytes.CopyTo(clamped);
        clamped[0] &= 248;
        clamped[31] &= 63;
        clamped[31] |= 64;
        return FromLittleEndian(clamped);
    }

    private static Point CreateBasePoint()
    {
        var y = Mod(4 * Inverse(5));
        var x = RecoverX(y);
        return new Point(x, y, BigInteger.One, Mod(x * y));
    }

    private static BigInteger RecoverX(BigInteger y)
    {
        var y2 = y * y;
        var x2 = Mod((y2 - 1) * Inverse((D * y2) + 1));
        var x = BigInteger.ModPow(x2, (P + 3) / 8, P);
        if (Mod((x * x) - x2) != 0)
            x = Mod(x * SqrtMinusOne);
        if (!x.IsEven)
            x = P - x;
        return x;
    }

    private static Point Multiply(Point point, BigInteger scalar)
    {
        var result = new Point(BigInteger.Zero, BigInteger.One, BigInteger.One, BigInteger.Zero);
        var addend = point;
        while (scalar > 0)
        {
            if (!scalar.IsEven)
                result = Add(result, addend);
            addend = Add(addend, addend);
            scalar >>= 1;
        }

        return result;
    }

    // Unified addition for a = -1 (add-2008-hwcd-3); complete on edwards25519, so it also doubles.
    private static Point Add(Point p, Point q)
    {
        var a = Mod((p.Y - p.X) * (q.Y - q.X));
        var b = Mod((p.Y + p.X) * (q.Y + q.X));
        var c = Mod(p.T * D2 * q.T);
        var d = Mod(p.Z * 2 * q.Z);
        var e = b - a;
        var f = d - c;
        var g = d + c;
        var h = b + a;
        return new Point(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static void Encode(Point point, Span<byte> destination)
    {
        var zInverse = Inverse(point.Z);
        var x = Mod(point.X * zInverse);
        var y = Mod(point.Y * zInverse);
        WriteLittleEndian(y, destination[..32]);
        if (!x.IsEven)
            destination[31] |= 0x80;
    }

    private static BigInteger Mod(BigInteger value)
    {
        var result = value % P;
        return result.Sign < 0 ? result + P : result;
    }

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(Mod(value), P - 2, P);

    private static BigInteger FromLittleEndian(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: false);

    private static void WriteLittleEndian(BigInteger value, Span<byte> destination)
    {
        destination.Clear();
        if (!value.TryWriteBytes(destination, out _, isUnsigned: true, isBigEndian: false))
            throw new InvalidOperationException("Ed25519 value does not fit 32 bytes.");
    }

    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);
}
