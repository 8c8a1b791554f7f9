using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VGate.Gateway;
using VGate.Server.Execute;

namespace VGate.Server.Tests.Infrastructure;

/// <summary>
/// A VGate server in memory (<c>UseTestServer</c>) with a <see cref="GrpcChannel"/> over its handler, a scripted gateway,
/// a fake table lister and a <see cref="LogSink"/> checked on dispose (grpc-dotnet GrpcTestFixture + VerifyNoErrorsScope).
/// </summary>
internal sealed class TestServerHost : IAsyncDisposable
{
    /// <summary>Two keyspaces: unsharded <c>commerce</c> and sharded <c>customer</c> (-80 with a replica, 80-).</summary>
    public static readonly IReadOnlyDictionary<string, string?> Topology = new Dictionary<string, string?>
    {
        ["VGate:Keyspaces:0:Name"] = "commerce",
        ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = "mysql://vgate:secret@db1:3306",
        ["VGate:Keyspaces:1:Name"] = "customer",
        ["VGate:Keyspaces:1:Database"] = "vt_customer",
        ["VGate:Keyspaces:1:Sharded"] = "true",
        ["VGate:Keyspaces:1:Shards:0:Name"] = "-80",
        ["VGate:Keyspaces:1:Shards:0:Sources:0:Uri"] = "mysql://vgate:secret@db2:3306",
        ["VGate:Keyspaces:1:Shards:0:Sources:1:Uri"] = "mysql://vgate:secret@db2r:3306",
        ["VGate:Keyspaces:1:Shards:0:Sources:1:Role"] = "Replica",
        ["VGate:Keyspaces:1:Shards:1:Name"] = "80-",
        ["VGate:Keyspaces:1:Shards:1:Sources:0:Uri"] = "mysql://vgate:secret@db3:3306",
    };

    private readonly WebApplication _app;

    private TestServerHost(WebApplication app, LogSink logs, FakeVStreamGateway gateway, FakeTableLister tables)
    {
        _app = app;
        Logs = logs;
        Gateway = gateway;
        Tables = tables;
        var server = app.GetTestServer();
        Channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        Client = new Vtgateservice.Vitess.VitessClient(Channel);
    }

    public LogSink Logs { get; }

    public FakeVStreamGateway Gateway { get; }

    public FakeTableLister Tables { get; }

    public GrpcChannel Channel { get; }

    public Vtgateservice.Vitess.VitessClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public HttpClient CreateHttpClient() => _app.GetTestServer().CreateClient();

    /// <param name="settings">Configuration added to (or, without <paramref name="withTopology"/>, instead of) <see cref="Topology"/>.</param>
    /// <param name="withTopology">Whether <see cref="Topology"/> is configured.</param>
    /// <param name="logs">The log sink checked on dispose.</param>
    /// <param name="realTables">Read tables from the configured sources (the server's own lister) instead of <see cref="Tables"/>.</param>
    public static async Task<TestServerHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, bool withTopology = true, LogSink? logs = null, bool realTables = false)
    {
        logs ??= new LogSink();
        var builder = CreateBuilder(settings, withTopology, logs);
        var gateway = new FakeVStreamGateway();
        var tables = new FakeTableLister();
        builder.Services.AddSingleton<IVStreamGateway>(gateway);
        if (!realTables)
            builder.Services.AddSingleton<ITableLister>(tables);
        var app = VGateServer.Build(builder);
        await app.StartAsync();
        return new TestServerHost(app, logs, gateway, tables);
    }

    public static WebApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?>? settings, bool withTopology, LogSink logs)
    {
        var builder = VGateServer.CreateBuilder([]);
        if (withTopology)
            builder.Configuration.AddInMemoryCollection(Topology);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Logs.VerifyNoErrors();
    }
}
