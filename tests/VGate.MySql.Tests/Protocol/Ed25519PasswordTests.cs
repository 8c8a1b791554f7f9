using System.Text;
using Org.BouncyCastle.Math.EC.Rfc8032;
using VGate.MySql.Protocol;

namespace VGate.MySql.Tests.Protocol;

public sealed class Ed25519PasswordTests
{
    [Fact]
    public void PublicKey_MatchesMariaDbStoredKey()
    {
        // mysql.user.authentication_string of a user created on MariaDB 10.11 with
        // CREATE USER ed IDENTIFIED VIA ed25519 USING PASSWORD('edsecret').
        Assert.Equal("dSDyy23t78q5Dvl/Jbsn1spDB2x+wE3cbSi/3Sa8ubI", Convert.ToBase64String(Ed25519Password.PublicKey("edsecret")).TrimEnd('='));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("another password of 32 bytes!!!!")]
    public void Sign_ThirtyTwoBytePassword_EqualsStandardEd25519WithPasswordAsSeed(string password)
    {
        // For a 32-byte password MariaDB's derivation is RFC 8032 Ed25519 with the password as seed: compare with BouncyCastle.
        var seed = Encoding.UTF8.GetBytes(password);
        Assert.Equal(32, seed.Length);
        var message = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

        var expected = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(seed, 0, message, 0, message.Length, expected, 0);

        Assert.Equal(expected, Ed25519Password.Sign(message, password));
    }

    [Theory]
    [InlineData("")]
    [InlineData("edsecret")]
    [InlineData("a much longer password than thirty-two bytes, with ünïcode")]
    public void Sign_AnyPassword_VerifiesWithDerivedPublicKey(string password)
    {
        var message = Encoding.ASCII.GetBytes("0123456789ABCDEF0123456789ABCDEF");
        var signature = Ed25519Password.Sign(message, password);
        var publicKey = Ed25519Password.PublicKey(password);

        Assert.True(Ed25519.Verify(signature, 0, publicKey, 0, message, 0, message.Length));
        message[0] ^= 1;
        Assert.False(Ed25519.Verify(signature, 0, publicKey, 0, message, 0, message.Length));
    }
}
