using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using VGate.Server;
using VGate.Testing;

namespace VGate.Cli.Tests;

/// <summary>A real VGate gateway (Kestrel, gRPC) over one mariadbd: keyspace <c>database</c>, one unsharded shard "0".</summary>
internal static class TestGateway
{
    /// <summary>Starts it listening on <paramref name="listen"/> (a free port by default).</summary>
    public static async Task<WebApplication> StartAsync(MariaDbServer server, string database, string listen = "127.0.0.1:0")
    {
        var builder = VGateServer.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VGate:Server:Listen"] = listen,
            ["VGate:Keyspaces:0:Name"] = database,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = server.ReplicationUri.ToString(),
        });
        builder.Logging.ClearProviders();
        var app = VGateServer.Build(builder);
        await app.StartAsync();
        return app;
    }
}
