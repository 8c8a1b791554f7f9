using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VGate.Gateway.Health;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;

namespace VGate.Gateway;

/// <summary>Registers the gateway in a host: <c>services.AddVGateGateway()</c> after binding <see cref="GatewayOptions"/>.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SourceHealthMonitor"/> (started with the host when <see cref="SourceHealthOptions.Enabled"/>),
    /// <see cref="IShardStreamFactory"/> (<see cref="ShardStreamerFactory"/> ranking sources by health) and
    /// <see cref="IVStreamGateway"/> (<see cref="VStreamGateway"/>, with the fan-out hub unless disabled). Registrations
    /// already present are kept, so tests can substitute fakes. Uses <see cref="TimeProvider"/> from the container when
    /// registered.
    /// </summary>
    public static IServiceCollection AddVGateGateway(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new SourceHealthMonitor(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<SourceHealthMonitor>>()));
        services.AddHostedService<SourceHealthMonitorStarter>();
        services.TryAddSingleton(sp => new Heartbeats.HeartbeatWriter(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<Heartbeats.HeartbeatWriter>>()));
        services.AddHostedService<HeartbeatWriterStarter>();
        services.TryAddSingleton<IShardStreamFactory>(sp => new ShardStreamerFactory(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<SourceHealthMonitor>()));
        services.TryAddSingleton<IVStreamGateway>(sp => new VStreamGateway(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetRequiredService<IShardStreamFactory>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<VStreamGateway>>()));
        return services;
    }

    /// <summary>Starts the health checks when the host starts (the container disposes the monitor at shutdown).</summary>
    private sealed class SourceHealthMonitorStarter(SourceHealthMonitor monitor) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            monitor.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Starts the heartbeat writer (when a keyspace has one) with the host and stops it with the host.</summary>
    private sealed class HeartbeatWriterStarter(Heartbeats.HeartbeatWriter writer) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            writer.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => writer.DisposeAsync().AsTask();
    }
}
