using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using VGate.Server.Auth;

namespace VGate.Server.Configuration;

/// <summary>
/// Start-up checks of every security setting, so that a server never starts in a state the operator did not mean:
/// the users file is parsed in full, TLS certificate and key are loaded and matched, the client CA bundle is read, and a
/// server that would listen beyond loopback without authentication refuses to start unless <c>AllowUnauthenticated</c>
/// says so. Each failure names the setting.
/// </summary>
internal sealed class SecurityOptionsValidator(IConfiguration configuration) : IValidateOptions<SecurityOptions>
{
    private const string Section = "VGate:Server";

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        if (options.UsersFile is { Length: > 0 } usersFile)
        {
            if (!File.Exists(usersFile))
            {
                failures.Add($"{Section}:UsersFile '{usersFile}' does not exist.");
            }
            else
            {
                try
                {
                    StaticUsers.Load(usersFile);
                }
                catch (Exception ex) when (ex is IOException or FormatException)
                {
                    failures.Add($"{Section}:UsersFile: {ex.Message}");
                }
            }
        }

        var kestrelEndpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        var tls = options.TlsCertificateFile is { Length: > 0 } || options.TlsKeyFile is { Length: > 0 };
        if (tls)
        {
            if (options.TlsCertificateFile is not { Length: > 0 } certificateFile || options.TlsKeyFile is not { Length: > 0 } keyFile)
            {
                failures.Add($"{Section}:TlsCertificateFile and TlsKeyFile must be given together.");
            }
            else
            {
                CheckReadable(certificateFile, "TlsCertificateFile", failures);
                CheckReadable(keyFile, "TlsKeyFile", failures);
                if (failures.Count == 0)
                {
                    try
                    {
                        using var certificate = SecurityState.LoadServerCertificate(certificateFile, keyFile);
                    }
                    catch (CryptographicException ex)
                    {
                        failures.Add($"{Section}:TlsCertificateFile '{certificateFile}' / TlsKeyFile '{keyFile}': {ex.Message}");
                    }
                }
            }
        }

        var clientCertificates = options.ClientCertificates;
        if (clientCertificates is null)
            failures.Add($"{Section}:ClientCertificateMode must be NoCertificate, AllowCertificate or RequireCertificate, not '{options.ClientCertificateMode}'.");
        if (clientCertificates is ClientCertificateMode.AllowCertificate or ClientCertificateMode.RequireCertificate)
        {
            if (!tls)
                failures.Add($"{Section}:ClientCertificateMode {clientCertificates} needs TLS: set TlsCertificateFile and TlsKeyFile.");
            if (kestrelEndpoints.Count > 0)
                failures.Add($"{Section}:ClientCertificateMode applies to Listen; with a Kestrel:Endpoints section configure client certificates there instead.");
            if (options.ClientCaFile is not { Length: > 0 })
                failures.Add($"{Section}:ClientCertificateMode {clientCertificates} needs ClientCaFile (PEM bundle of the CAs client certificates must chain to).");
        }
        if (options.ClientCaFile is { Length: > 0 } caFile && CheckReadable(caFile, "ClientCaFile", failures))
        {
            try
            {
                var cas = SecurityState.LoadCaBundle(caFile);
                foreach (var ca in cas)
                    ca.Dispose();
            }
            catch (CryptographicException ex)
            {
                failures.Add($"{Section}:ClientCaFile '{caFile}': {ex.Message}");
            }
        }
        if (options.ReloadInterval < TimeSpan.Zero)
            failures.Add($"{Section}:ReloadInterval must be 0 (off) or positive, not {options.ReloadInterval}.");

        // Open by default was the finding: without authentication, only loopback may listen unless the operator opts in.
        if (!options.AuthenticationRequired && !options.AllowUnauthenticated)
        {
            var open = new List<string>();
            if (kestrelEndpoints.Count > 0)
            {
                foreach (var endpoint in kestrelEndpoints)
                {
                    if (endpoint["Url"] is { Length: > 0 } url && !IsLoopbackUrl(url))
                        open.Add($"Kestrel:Endpoints:{endpoint.Key}:Url '{url}'");
                }
            }
            else if (!IsLoopback(options.Listen))
            {
                open.Add($"{Section}:Listen '{options.Listen}'");
            }
            if (options.MetricsListen is { Length: > 0 } metrics && kestrelEndpoints.Count == 0 && !IsLoopback(metrics))
                open.Add($"{Section}:MetricsListen '{metrics}'");
            if (open.Count > 0)
            {
                failures.Add(
                    $"{string.Join(" and ", open)} listens beyond loopback without authentication, so anyone who reaches the port could read every keyspace: " +
                    $"set {Section}:UsersFile (--users-file) or ClientCertificateMode RequireCertificate, listen on localhost, " +
                    $"or set {Section}:AllowUnauthenticated=true (--allow-unauthenticated) to serve it open on purpose.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>True for <c>localhost:port</c> and loopback IP addresses; false for <c>*</c>, <c>0.0.0.0</c>, <c>::</c>, other addresses and host names.</summary>
    internal static bool IsLoopback(string address)
    {
        var colon = address.LastIndexOf(':');
        var host = (colon < 0 ? address : address[..colon]).Trim('[', ']');
        return IsLoopbackHost(host);
    }

    private static bool IsLoopbackUrl(string url)
    {
        try
        {
            var binding = BindingAddress.Parse(url);
            return binding.IsUnixPipe || binding.IsNamedPipe || IsLoopbackHost(binding.Host.Trim('[', ']'));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private static bool CheckReadable(string file, string setting, List<string> failures)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failures.Add($"{Section}:{setting} '{file}' cannot be read: {ex.Message}");
            return false;
        }
    }
}
