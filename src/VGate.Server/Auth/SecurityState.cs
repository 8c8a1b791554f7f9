using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using VGate.Server.Logging;

namespace VGate.Server.Auth;

/// <summary>
/// The security material in use: the users file, the server certificate and the trusted client CAs, each loaded from
/// its file and swapped whole when the file changes (<see cref="Reload"/>, called by <see cref="SecurityReloadService"/>).
/// A changed file that does not load keeps the previous material and logs an error: a half-written or broken file must
/// neither lock everybody out nor let everybody in (the error is logged when the broken file is still there at the
/// next poll, so that a renewal that writes certificate and key one after the other logs nothing). The start-up validator has already refused broken files, so the
/// first load only fails if a file changed in between.
/// </summary>
internal sealed class SecurityState : IDisposable
{
    private readonly SecurityOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private volatile StaticUsers? _users;
    private volatile X509Certificate2? _serverCertificate;
    private volatile X509Certificate2Collection? _clientCas;
    private Fingerprint _usersFingerprint;
    private Fingerprint _certificateFingerprint;
    private Fingerprint _clientCaFingerprint;

    public SecurityState(IOptions<SecurityOptions> options, ILogger<SecurityState> logger)
    {
        _options = options.Value;
        _logger = logger;
        Reload();
        if (_users is { } users)
            Log.AuthEnabled(logger, users.Count, _options.UsersFile!);
        if (!_options.AuthenticationRequired && _options.AllowUnauthenticated && !Configuration.SecurityOptionsValidator.IsLoopback(_options.Listen))
            Log.OpenServer(logger, _options.Listen);
    }

    /// <summary>The users, or null when there is no users file.</summary>
    public StaticUsers? Users => _users;

    /// <summary>The server certificate with its key, or null without TLS.</summary>
    public X509Certificate2? ServerCertificate => _serverCertificate;

    /// <summary>The CAs client certificates must chain to, or null.</summary>
    public X509Certificate2Collection? ClientCas => _clientCas;

    /// <summary>See <see cref="SecurityOptions.AuthenticationRequired"/>.</summary>
    public bool AuthenticationRequired => _options.AuthenticationRequired;

    /// <summary>Loads every file whose size, time or content changed since the last load.</summary>
    public void Reload()
    {
        lock (_reloadLock)
        {
            if (_options.UsersFile is { Length: > 0 } usersFile)
                ReloadOne(usersFile, "users file", ref _usersFingerprint, () => _users = StaticUsers.Load(usersFile), () => _users?.Count ?? 0);
            if (_options.TlsCertificateFile is { Length: > 0 } certificateFile && _options.TlsKeyFile is { Length: > 0 } keyFile)
            {
                // The replaced certificate is not disposed: a handshake in progress may still use it.
                ReloadOne(certificateFile, "TLS certificate", ref _certificateFingerprint, () => _serverCertificate = LoadServerCertificate(certificateFile, keyFile), () => 1, keyFile);
            }
            if (_options.ClientCaFile is { Length: > 0 } caFile)
                ReloadOne(caFile, "client CA bundle", ref _clientCaFingerprint, () => _clientCas = LoadCaBundle(caFile), () => _clientCas?.Count ?? 0);
        }
    }

    /// <summary>
    /// Checks a client certificate against <see cref="ClientCas"/> (Kestrel's ClientCertificateValidation callback): the
    /// chain must end at one of them, ignoring the system store, and the certificate must allow client authentication
    /// when it lists extended key usages.
    /// </summary>
    public bool ValidateClientCertificate(X509Certificate2 certificate, X509Chain? presented = null)
    {
        if (_clientCas is not { Count: > 0 } cas)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        // Intermediates the client sent may complete the chain; only the CAs of the bundle are trusted as roots.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        var valid = chain.Build(certificate);
        if (!valid)
            Log.ClientCertificateRejected(_logger, certificate.Subject, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
        return valid;
    }

    /// <summary>Loads a PEM certificate chain and its PEM key, checking that they belong together and that the certificate is valid now.</summary>
    /// <exception cref="CryptographicException">Unreadable, mismatched or expired.</exception>
    public static X509Certificate2 LoadServerCertificate(string certificateFile, string keyFile)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        if (!certificate.HasPrivateKey)
            throw new CryptographicException($"the key in '{keyFile}' does not belong to the certificate in '{certificateFile}'.");
        var now = DateTime.Now;
        if (certificate.NotAfter < now || certificate.NotBefore > now)
            throw new CryptographicException($"the certificate in '{certificateFile}' ({certificate.Subject}) is valid only from {certificate.NotBefore:u} to {certificate.NotAfter:u}.");
        // SslStream on Linux wants an exportable key it can hand to OpenSSL; a PEM-loaded ephemeral key is, but a
        // round trip through PKCS#12 gives the same certificate Kestrel's own PEM loading produces.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Loads a PEM bundle of CA certificates (at least one).</summary>
    /// <exception cref="CryptographicException">Unreadable or empty.</exception>
    public static X509Certificate2Collection LoadCaBundle(string file)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(file);
        if (collection.Count == 0)
            throw new CryptographicException($"'{file}' holds no PEM certificate.");
        return collection;
    }

    private void ReloadOne(string file, string what, ref Fingerprint fingerprint, Action load, Func<int> count, string? secondFile = null)
    {
        Fingerprint current;
        try
        {
            current = Fingerprint.Of(file, secondFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!fingerprint.Reported)
                Log.SecurityReloadFailed(_logger, what, file, ex.Message);
            fingerprint = fingerprint with { Failed = true, Reported = true };
            return;
        }
        if (current.SameAs(fingerprint))
        {
            // A failure is reported when the broken content is still there one period later: renewing a certificate and
            // its key writes two files, and a poll between the two writes must not cry wolf.
            if (fingerprint.Failed && !fingerprint.Reported)
            {
                Log.SecurityReloadFailed(_logger, what, file, fingerprint.Error ?? "");
                fingerprint = fingerprint with { Reported = true };
            }
            return;
        }
        var first = fingerprint.Hash is null;
        try
        {
            load();
            fingerprint = current;
            if (!first)
                Log.SecurityReloaded(_logger, what, file, count());
        }
        catch (Exception ex) when (ex is IOException or FormatException or CryptographicException or UnauthorizedAccessException)
        {
            fingerprint = current with { Failed = true, Reported = first, Error = ex.Message };
            if (first)
                Log.SecurityReloadFailed(_logger, what, file, ex.Message);
        }
    }

    public void Dispose()
    {
        _serverCertificate?.Dispose();
        if (_clientCas is { } cas)
        {
            foreach (var ca in cas)
                ca.Dispose();
        }
    }

    /// <summary>What identifies a file's version: length and time first (cheap), content hash to be sure.</summary>
    private readonly record struct Fingerprint(long Length, DateTime Written, byte[]? Hash, bool Failed = false, bool Reported = false, string? Error = null)
    {
        public static Fingerprint Of(string file, string? second)
        {
            var info = new FileInfo(file);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(File.ReadAllBytes(file));
            long length = info.Length;
            var written = info.LastWriteTimeUtc;
            if (second is not null)
            {
                var secondInfo = new FileInfo(second);
                hash.AppendData(File.ReadAllBytes(second));
                length += secondInfo.Length;
                written = secondInfo.LastWriteTimeUtc > written ? secondInfo.LastWriteTimeUtc : written;
            }
            return new Fingerprint(length, written, hash.GetHashAndReset());
        }

        public bool SameAs(Fingerprint other) => other.Hash is not null && Hash!.AsSpan().SequenceEqual(other.Hash);
    }
}
