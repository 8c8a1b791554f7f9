using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VGate.Gateway;
using VGate.Gateway.Topology;
using VGate.Server.Auth;
using VGate.Server.Configuration;
using VGate.Server.Errors;
using VGate.Server.Execute;
using VGate.Server.Probes;
using VGate.Server.Logging;
using VGate.Metrics;
using VGate.Server.Metrics;
using VGate.Server.Services;

namespace VGate.Server;

/// <summary>
/// Builds the VGate gRPC host. Configuration: <c>appsettings.json</c>, environment variables (<c>VGate__Keyspaces__0__Name</c>)
/// and the command line, with the topology in section <c>VGate</c> (<see cref="GatewayOptions"/>) and the front end in
/// <c>VGate:Server</c> (<see cref="ServerOptions"/>); listening addresses and TLS under <c>VGate:Server</c> (<c>Listen</c>,
/// <c>TlsCertificateFile</c>, <c>TlsKeyFile</c>, <c>MetricsListen</c>) or, when present, Kestrel's own
/// <c>Kestrel:Endpoints</c> section. Used by <c>Program.cs</c>, <c>vgate serve</c> and the tests.
/// </summary>
public static class VGateServer
{
    /// <summary>The Vitess gRPC service name, answered by grpc.health.v1 as the "" service is.</summary>
    public const string VitessServiceName = "vtgateservice.Vitess";

    /// <summary>A builder with VGate's configuration sources and services; callers may add configuration or replace services before <see cref="Build"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        LoggingSetup.Configure(builder);
        AddServices(builder.Services, builder.Configuration);
        builder.WebHost.ConfigureKestrel((context, kestrel) => ConfigureKestrel(context.Configuration, kestrel));
        return builder;
    }

    /// <summary>Builds the application and maps the gRPC services, health, reflection and <c>/metrics</c>.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        // Listen before any VGate meter creates instruments, so none are missed.
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        _ = app.Services.GetRequiredService<Readiness>(); // its vgate.server.shard.ready gauge from the first scrape on
        app.MapGrpcService<VitessService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        // Probes: open on every port (a kubelet or load balancer has no credentials); they name keyspaces and shards only.
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain; charset=utf-8"));
        app.MapGet("/readyz", (Readiness readiness) =>
        {
            var notReady = readiness.NotReadyShards();
            return Results.Text(Readiness.ToJson(notReady), "application/json; charset=utf-8", statusCode: notReady.Count == 0 ? 200 : 503);
        });
        // With authentication on, /metrics (keyspace, shard and source names, rates) needs the same credentials as gRPC,
        // on every port, unless the operator serves it open on purpose.
        app.MapGet("/metrics", (HttpContext http, SecurityState security, IOptions<SecurityOptions> options) =>
            options.Value.MetricsAllowUnauthenticated || MetricsAccess.IsAllowed(http, security)
            ? new PrometheusTextResult(exporter)
            : MetricsAccess.Challenge(http));
        return app;
    }

    /// <summary>Registers VGate's server services; <see cref="IVStreamGateway"/> and <see cref="ITableLister"/> only if not registered yet.</summary>
    public static IServiceCollection AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddOptions<ServerOptions>().Bind(configuration.GetSection(ServerOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(ServerOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<SecurityState>();
        services.AddHostedService<SecurityReloadService>();

        services.AddGrpc(options =>
        {
            // VGate:Limits:MaxRequestBytes (docs/security/limits.md); 0 keeps gRPC's default.
            var maxRequestBytes = configuration.GetValue<int?>("VGate:Limits:MaxRequestBytes") ?? new LimitsOptions().MaxRequestBytes;
            if (maxRequestBytes > 0)
                options.MaxReceiveMessageSize = maxRequestBytes;
            options.Interceptors.Add<StaticAuthInterceptor>();
            options.Interceptors.Add<ErrorMappingInterceptor>();
        });
        services.AddSingleton<StaticAuthInterceptor>();
        // grpc.health.v1 follows readiness (Readiness: every shard has a healthy source), for the "" service and Vitess's own;
        // Check runs the health check at each call, Watch follows the health check publisher.
        services.AddSingleton<Readiness>();
        services.AddGrpcHealthChecks(options => options.Services.Map(VitessServiceName, _ => true))
            .AddCheck<ReadinessHealthCheck>("ready");
        services.AddGrpcReflection();
        services.AddMetrics();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ServerMetrics>();
        services.AddOptions<MetricsExportOptions>().Bind(configuration.GetSection(ServerOptions.SectionName));
        services.AddSingleton(sp => new PrometheusExporter(ExportedMeters.For(sp.GetRequiredService<IOptions<MetricsExportOptions>>().Value, sp.GetRequiredService<IMeterFactory>())));
        services.AddSingleton<ExecuteHandler>();
        services.AddSingleton<StreamAdmission>();
        services.TryAddSingleton<ITableLister, MySqlTableLister>();
        // The merge gateway: source health checks, shard stream factory, fan-out hub and VStream merge.
        services.AddVGateGateway();
        return services;
    }

    private static void ConfigureKestrel(IConfiguration configuration, KestrelServerOptions kestrel)
    {
        var keepAlive = new KeepAliveOptions();
        configuration.GetSection(ServerOptions.SectionName).Bind(keepAlive);
        ConfigureKeepAlive(kestrel, keepAlive);
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
            return; // Kestrel's own endpoint configuration wins.
        var options = new SecurityOptions();
        configuration.GetSection(ServerOptions.SectionName).Bind(options);
        var tls = options.TlsCertificateFile is { Length: > 0 } && options.TlsKeyFile is { Length: > 0 };
        Listen(kestrel, options.Listen, "VGate:Server:Listen", listen =>
        {
            if (!tls)
            {
                listen.Protocols = HttpProtocols.Http2; // cleartext gRPC needs HTTP/2 with prior knowledge
                return;
            }
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            // The certificate and the client CAs come from SecurityState at each handshake, so a renewed file is used
            // without a restart (SecurityReloadService).
            var state = kestrel.ApplicationServices.GetRequiredService<SecurityState>();
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateSelector = (_, _) => state.ServerCertificate,
                ClientCertificateMode = options.ClientCertificates ?? ClientCertificateMode.NoCertificate,
                ClientCertificateValidation = (certificate, chain, _) => state.ValidateClientCertificate(certificate, chain),
                CheckCertificateRevocation = false,
            });
        });
        if (options.MetricsListen is { Length: > 0 } metrics)
            Listen(kestrel, metrics, "VGate:Server:MetricsListen", listen => listen.Protocols = HttpProtocols.Http1);
    }

    /// <summary>
    /// HTTP/2 keepalive on every endpoint: after <c>KeepAlivePingDelay</c> without a frame from the client Kestrel sends a PING,
    /// and a client that has not acknowledged it within <c>KeepAlivePingTimeout</c> is dead: its connection is closed, which
    /// cancels its calls and frees their streams (a half-open TCP connection would otherwise hold them for ever).
    /// </summary>
    private static void ConfigureKeepAlive(KestrelServerOptions kestrel, KeepAliveOptions options)
    {
        kestrel.Limits.Http2.KeepAlivePingDelay = Checked(options.KeepAlivePingDelay, "KeepAlivePingDelay");
        kestrel.Limits.Http2.KeepAlivePingTimeout = Checked(options.KeepAlivePingTimeout, "KeepAlivePingTimeout");

        // Kestrel turns the ping off with TimeSpan.MaxValue; configuration says Infinite (-00:00:00.001).
        static TimeSpan Checked(TimeSpan value, string name)
        {
            if (value == Timeout.InfiniteTimeSpan)
                return TimeSpan.MaxValue;
            if (value < TimeSpan.FromSeconds(1))
            {
                throw new OptionsValidationException(ServerOptions.SectionName, typeof(ServerOptions),
                    [$"VGate:Server:{name} must be at least 1 s, or Infinite (-00:00:00.001) to turn keepalive off (is {value})."]);
            }
            return value;
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string address, string setting, Action<ListenOptions> configure)
    {
        var (host, port) = ParseHostPort(address, setting);
        if (host is "localhost")
            kestrel.ListenLocalhost(port, configure);
        else if (host is "" or "*" or "0.0.0.0" or "::" or "[::]")
            kestrel.ListenAnyIP(port, configure);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
            kestrel.Listen(ip, port, configure);
        else
            throw new OptionsValidationException(ServerOptions.SectionName, typeof(ServerOptions), [$"{setting} '{address}': the host must be localhost, an IP address or *."]);
    }

    /// <summary>Splits <c>host:port</c> (<c>[::1]:15991</c>, <c>:15991</c>).</summary>
    internal static (string Host, int Port) ParseHostPort(string address, string setting)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw new OptionsValidationException(ServerOptions.SectionName, typeof(ServerOptions), [$"{setting} '{address}' is not host:port."]);
        return (address[..colon], port);
    }

    /// <summary>The HTTP/2 keepalive settings of <c>VGate:Server</c>, read while Kestrel is configured.</summary>
    private sealed class KeepAliveOptions
    {
        /// <summary>Idle time on a connection before the server pings the client. Default 30 s.</summary>
        public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>How long the client has to acknowledge a ping before its connection is closed. Default 20 s.</summary>
        public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);
    }
}
