using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VGate.Gateway;
using VGate.Server;

namespace VGate.Kafka.Tests.Framework;

/// <summary>
/// A real VGate gRPC server (Kestrel on a free 127.0.0.1 port, plaintext HTTP/2): either with a scripted gateway, or
/// with the real gateway over the given topology (real MariaDB shards).
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Address { get; }

    /// <summary>A server whose VStream is <paramref name="gateway"/>.</summary>
    public static Task<GatewayHost> StartAsync(IVStreamGateway gateway, IReadOnlyDictionary<string, string?>? settings = null) =>
        StartAsync(settings ?? new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:0:Name"] = VEvents.Keyspace,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = "mysql://u:p@127.0.0.1:3306",
        }, services => services.AddSingleton(gateway));

    /// <summary>A server running the real gateway over the topology in <paramref name="settings"/> (<c>VGate:Keyspaces:…</c>).</summary>
    public static Task<GatewayHost> StartRealAsync(IReadOnlyDictionary<string, string?> settings) => StartAsync(settings, _ => { });

    private static async Task<GatewayHost> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> configure)
    {
        var builder = VGateServer.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["VGate:Server:Listen"] = "127.0.0.1:0" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configure(builder.Services);
        var app = VGateServer.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GatewayHost(app, address.Replace("http://", "", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
