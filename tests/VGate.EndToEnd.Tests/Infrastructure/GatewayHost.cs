using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VGate.Server;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real VGate server in this process: <see cref="VGateServer.CreateBuilder"/> + <see cref="VGateServer.Build"/>
/// with the production services (real gateway, real shard streamers), listening on Kestrel at 127.0.0.1 on a port the
/// OS picks, cleartext HTTP/2 or TLS. Clients are <see cref="Vtgateservice.Vitess.VitessClient"/>s over
/// <see cref="GrpcChannel"/>s to that address, as any gRPC client built from Vitess's protos would be.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<GrpcChannel> _channels = [];

    private GatewayHost(WebApplication app, LogSink logs, string address)
    {
        _app = app;
        Logs = logs;
        Address = address;
        Client = new Vtgateservice.Vitess.VitessClient(CreateChannel());
    }

    /// <summary><c>http://127.0.0.1:port</c> or <c>https://127.0.0.1:port</c>.</summary>
    public string Address { get; }

    public LogSink Logs { get; }

    /// <summary>The server's services (its gateway, stream admission).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>A client on a default channel (plaintext; for TLS use <see cref="CreateChannel"/> with the CA).</summary>
    public Vtgateservice.Vitess.VitessClient Client { get; }

    /// <summary>
    /// Starts the server with <paramref name="settings"/> (configuration keys such as <c>VGate:Keyspaces:0:Name</c>);
    /// <c>VGate:Server:Listen</c> defaults to <c>127.0.0.1:0</c>.
    /// </summary>
    public static async Task<GatewayHost> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var logs = new LogSink();
        var builder = VGateServer.CreateBuilder([]);
        var all = new Dictionary<string, string?> { ["VGate:Server:Listen"] = "127.0.0.1:0" };
        foreach (var (key, value) in settings)
            all[key] = value;
        builder.Configuration.AddInMemoryCollection(all);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        var app = VGateServer.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GatewayHost(app, logs, address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>
    /// A new channel to the server (disposed with the host). With <paramref name="trustedCa"/> the server's TLS
    /// certificate must chain to that CA; the client's default 4 MiB receive limit is kept unless
    /// <paramref name="maxReceiveMessageSize"/> says otherwise.
    /// </summary>
    public GrpcChannel CreateChannel(string? trustedCa = null, int? maxReceiveMessageSize = null)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (trustedCa is not null)
            handler.SslOptions.RemoteCertificateValidationCallback = TrustOnly(X509Certificate2.CreateFromPem(File.ReadAllText(trustedCa)));
        var options = new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true };
        if (maxReceiveMessageSize is { } max)
            options.MaxReceiveMessageSize = max;
        var channel = GrpcChannel.ForAddress(Address, options);
        lock (_channels)
            _channels.Add(channel);
        return channel;
    }

    /// <summary>gRPC health of the server (<c>grpc.health.v1</c>, service "").</summary>
    public async Task<Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus> HealthAsync(CancellationToken cancellationToken)
    {
        var health = new Grpc.Health.V1.Health.HealthClient(CreateChannel());
        var response = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), cancellationToken: cancellationToken);
        return response.Status;
    }

    /// <summary>The Prometheus text of <c>/metrics</c>, fetched over HTTP/2 cleartext (the gRPC port speaks only HTTP/2).</summary>
    public async Task<string> MetricsAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Address + "/metrics")
        {
            Version = new Version(2, 0),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Static-auth metadata as Vitess clients send it.</summary>
    public static Metadata Credentials(string username, string password) => new() { { "username", username }, { "password", password } };

    internal static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 ca) => (_, certificate, _, errors) =>
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    };

    public async ValueTask DisposeAsync()
    {
        lock (_channels)
        {
            foreach (var channel in _channels)
                channel.Dispose();
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
