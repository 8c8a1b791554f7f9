using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VGate.Testing;

/// <summary>PEM files for a TLS-enabled test server, see <see cref="TestCertificates.Create"/>.</summary>
/// <param name="CaCertificateFile">The self-signed CA certificate clients can trust.</param>
/// <param name="ServerCertificateFile">The server certificate, issued by the CA for <c>127.0.0.1</c> and <c>localhost</c>.</param>
/// <param name="ServerKeyFile">The server's private key (PKCS#8, unencrypted).</param>
public sealed record TlsFiles(string CaCertificateFile, string ServerCertificateFile, string ServerKeyFile);

/// <summary>Creates throwaway certificates in-process, so TLS tests need no openssl.</summary>
public static class TestCertificates
{
    /// <summary>
    /// Writes a CA and a server certificate valid for a day into <paramref name="directory"/>; set
    /// <see cref="MariaDbServerOptions.TlsCertificateFile"/>, <see cref="MariaDbServerOptions.TlsKeyFile"/> and
    /// <see cref="MariaDbServerOptions.TlsCaFile"/> from the result.
    /// </summary>
    public static TlsFiles Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;

        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=VGate Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        var files = new TlsFiles(
            Path.Combine(directory, "ca.pem"),
            Path.Combine(directory, "server-cert.pem"),
            Path.Combine(directory, "server-key.pem"));
        File.WriteAllText(files.CaCertificateFile, ca.ExportCertificatePem());
        File.WriteAllText(files.ServerCertificateFile, server.ExportCertificatePem());
        File.WriteAllText(files.ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return files;
    }
}
