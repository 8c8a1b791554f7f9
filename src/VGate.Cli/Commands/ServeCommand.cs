using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VGate.Kafka.Cli;
using VGate.MySql.Protocol;
using VGate.Server;

namespace VGate.Cli.Commands;

/// <summary><c>vgate serve</c>: runs the VTGate-compatible gRPC server.</summary>
internal static class ServeCommand
{
    public const string Usage = """
        usage: vgate serve [--config FILE] [--listen HOST:PORT] [--shard KEYSPACE/SHARD=URI ...] [options]

        Serves the Vitess VStream gRPC API (vtgateservice.Vitess) plus health, reflection and /metrics
        (configuration reference: docs/server.md).

        options:
          --config FILE              JSON configuration (sections VGate and VGate:Server, optional Kestrel)
          --listen HOST:PORT         gRPC address (default localhost:15991; * or 0.0.0.0 for all interfaces,
                                     which needs --users-file or --allow-unauthenticated)
          --shard KS/SHARD=URI       a shard source, repeatable: 'commerce/0=mysql://user:{env:DB_PW}@db1:3306'
                                     (unsharded keyspaces use shard 0); use instead of keyspaces in --config. The
                                     password: {env:NAME} or {file:PATH}, or percent-encoded (visible in `ps`)
          --vschema FILE             a Vitess VSchema JSON file: a SrvVSchema ({"keyspaces": {…}}) for every keyspace,
                                     or one keyspace's VSchema when one keyspace is served; tables' primary vindexes
                                     then serve in_keyrange('-80') and key-range rules (docs/server.md, Vindexes)
          --vschema KS=FILE          one keyspace's VSchema, repeatable (keyspaces from --shard)
          --users-file FILE          users, passwords and Allow lists ([{"Username": …, "Password": …}]); off when absent
          --allow-unauthenticated    let a server without authentication listen beyond loopback (refused otherwise)
          --client-cert-mode MODE    NoCertificate (default), AllowCertificate or RequireCertificate (needs TLS)
          --client-ca FILE           PEM bundle of the CAs client certificates must chain to
          --tls-cert FILE            TLS certificate chain (PEM); with --tls-key, the gRPC port speaks TLS
          --tls-key FILE             TLS private key (PEM)
          --metrics-listen HOST:PORT an extra HTTP/1.1 address for Prometheus scrapes of /metrics
          --check-config             load and validate the configuration (files it names included), print one
                                     line and exit without listening or connecting to any source
          --log-format FORMAT        console logs as text (default) or json (one object per line)

          -h, --help                 this text

        exit status: 0 stopped (Ctrl-C) or configuration valid (--check-config), 1 the server failed or the
        configuration is invalid, 2 bad command line (docs/cli.md).

        """;

    /// <summary>The command's options (help text: <see cref="Usage"/>).</summary>
    public static Command CreateCommand() => new("serve", "Run the VStream gRPC server (vtgateservice.Vitess).")
    {
        CommandLineArguments.Text("config"),
        CommandLineArguments.Text("listen"),
        CommandLineArguments.Repeatable("shard"),
        CommandLineArguments.Text("users-file"),
        CommandLineArguments.Flag("allow-unauthenticated"),
        CommandLineArguments.Text("client-cert-mode"),
        CommandLineArguments.Text("client-ca"),
        CommandLineArguments.Text("tls-cert"),
        CommandLineArguments.Text("tls-key"),
        CommandLineArguments.Text("metrics-listen"),
        CommandLineArguments.Flag("check-config"),
        CommandLineArguments.Text("log-format"),
        CommandLineArguments.Repeatable("vschema"),
    };

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(CommandLineArguments.Parse(CreateCommand(), args), error, cancellationToken);

    public static async Task<int> RunAsync(CommandLineArguments arguments, TextWriter error, CancellationToken cancellationToken)
    {
        var config = arguments.GetString("config");
        var settings = BuildSettings(arguments);
        var checkOnly = arguments.GetFlag("check-config");
        if (config is not null && !File.Exists(config))
            throw new UsageException($"Configuration file '{config}' does not exist.");

        try
        {
            var builder = CreateBuilder(config, settings, Environment.GetEnvironmentVariables());
            if (checkOnly)
                builder.Logging.SetMinimumLevel(LogLevel.Warning); // the check's one line, and warnings
            if (UnknownKeys(builder.Configuration, Environment.GetEnvironmentVariables()) is { Count: > 0 } unknown)
            {
                await error.WriteLineAsync($"vgate: invalid configuration: {VGateConfiguration.DescribeUnknown(unknown)}");
                return 1;
            }
            await using var app = VGateServer.Build(builder);
            if (checkOnly)
            {
                await error.WriteLineAsync($"vgate: configuration valid: {CheckConfiguration(app.Services)}");
                return 0;
            }
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"vgate: invalid configuration: {string.Join(" ", ex.Failures)}");
            return 1;
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            // The start-up validator's way of reporting more than one invalid section: still one line.
            var failures = ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures);
            await error.WriteLineAsync($"vgate: invalid configuration: {string.Join(" ", failures)}");
            return 1;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The configuration binder's own error (a number or duration that is not one): a line, not a crash.
            await error.WriteLineAsync($"vgate: invalid configuration: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            await error.WriteLineAsync($"vgate: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// What <c>StartAsync</c> checks before it listens, without listening or connecting to a source: every option
    /// validated on start (topology, server, security, limits), the users file and TLS files loaded, and Kestrel's
    /// endpoints (listen addresses, keepalive) configured. Returns a one-line summary of the topology.
    /// </summary>
    internal static string CheckConfiguration(IServiceProvider services)
    {
        services.GetRequiredService<IStartupValidator>().Validate();
        // Constructing the hosted services (as StartAsync does, without starting them) builds the security state, which
        // loads the users file, the TLS certificate and key and the client CA bundle, and fails on a bad one.
        _ = services.GetServices<IHostedService>().ToList();
        _ = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value;
        var gateway = services.GetRequiredService<IOptions<VGate.Gateway.Topology.GatewayOptions>>().Value;
        var listen = services.GetRequiredService<IConfiguration>()["VGate:Server:Listen"] ?? "localhost:15991";
        var shards = gateway.Keyspaces.Sum(k => k.Shards.Count);
        var sources = gateway.Keyspaces.Sum(k => k.Shards.Sum(s => s.Sources.Count));
        var keyspaces = string.Join(", ", gateway.Keyspaces.Select(k => k.Name));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{gateway.Keyspaces.Count} keyspace(s) ({keyspaces}), {shards} shard(s), {sources} source(s); gRPC on {listen}");
    }

    /// <summary>
    /// The server's builder with the configuration model both processes share (docs/cli.md), later sources winning:
    /// <c>appsettings.json</c> in the working directory, <paramref name="configFile"/>, environment variables
    /// (<c>VGate__Server__Listen</c>, the unprefixed .NET form, then <c>VGATE_Server__Listen</c> from
    /// <paramref name="environment"/>), and the command line (<paramref name="commandLine"/>).
    /// </summary>
    internal static Microsoft.AspNetCore.Builder.WebApplicationBuilder CreateBuilder(string? configFile, IReadOnlyDictionary<string, string?> commandLine, System.Collections.IDictionary environment)
    {
        var builder = VGateServer.CreateBuilder([]);
        // ASP.NET Core reads the environment before any file we add; a --config file must not override it (docs said
        // so, the code did the opposite): move its unprefixed environment source after the file.
        var sources = builder.Configuration.Sources;
        var unprefixed = sources.OfType<EnvironmentVariablesConfigurationSource>().Where(s => string.IsNullOrEmpty(s.Prefix)).ToList();
        foreach (var source in unprefixed)
            sources.Remove(source);
        if (configFile is not null)
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        foreach (var source in unprefixed)
            sources.Add(source);
        builder.Configuration.AddInMemoryCollection(VGateConfiguration.EnvironmentSettings(environment));
        builder.Configuration.AddInMemoryCollection(commandLine);
        return builder;
    }

    /// <summary>
    /// Keys under <c>VGate</c> no server setting reads (<c>VGate:KafkaSink</c> is the sink's, so one file can serve both).
    /// A variable of <paramref name="environment"/> without <c>__</c> (<c>VGATE_DB_PASSWORD</c>) that is no top-level
    /// setting is not reported: such names hold secrets that <c>{env:NAME}</c> references.
    /// </summary>
    internal static IReadOnlyList<string> UnknownKeys(IConfiguration configuration, System.Collections.IDictionary environment)
    {
        var loose = VGateConfiguration.EnvironmentSettings(environment).Keys.Where(k => k.Count(c => c == ':') == 1).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. UnknownKeys(configuration).Where(k => !loose.Contains(k))];
    }

    private static IReadOnlyList<string> UnknownKeys(IConfiguration configuration)
    {
        var server = typeof(ServerOptions).Assembly;
        // SecurityOptions and the keep-alive settings are bound to VGate:Server inside VGate.Server (not public types).
        Type[] serverTypes =
        [
            typeof(ServerOptions),
            server.GetType("VGate.Server.Auth.SecurityOptions", throwOnError: true)!,
            server.GetType("VGate.Server.VGateServer+KeepAliveOptions", throwOnError: true)!,
        ];
        return
        [
            .. VGateConfiguration.UnknownKeys(configuration, "VGate", [typeof(VGate.Gateway.Topology.GatewayOptions)], "Server", "KafkaSink"),
            .. VGateConfiguration.UnknownKeys(configuration, ServerOptions.SectionName, serverTypes),
        ];
    }

    /// <summary>Turns the command-line options into configuration keys (they override files and the environment).</summary>
    internal static Dictionary<string, string?> BuildSettings(CommandLineArguments arguments)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (arguments.GetString("listen") is { } listen)
            settings["VGate:Server:Listen"] = CheckHostPort(listen, "listen");
        if (arguments.GetString("metrics-listen") is { } metrics)
            settings["VGate:Server:MetricsListen"] = CheckHostPort(metrics, "metrics-listen");
        if (arguments.GetString("log-format") is { } format)
        {
            if (format.ToLowerInvariant() is not ("text" or "json"))
                throw new UsageException($"Option --log-format must be text or json, not '{format}'.");
            settings["VGate:Server:LogFormat"] = format;
        }
        if (arguments.GetString("users-file") is { } users)
            settings["VGate:Server:UsersFile"] = users;
        if (arguments.GetFlag("allow-unauthenticated"))
            settings["VGate:Server:AllowUnauthenticated"] = "true";
        if (arguments.GetString("client-cert-mode") is { } mode)
        {
            if (mode.ToUpperInvariant() is not ("NOCERTIFICATE" or "ALLOWCERTIFICATE" or "REQUIRECERTIFICATE"))
                throw new UsageException($"Option --client-cert-mode must be NoCertificate, AllowCertificate or RequireCertificate, not '{mode}'.");
            settings["VGate:Server:ClientCertificateMode"] = mode;
        }
        if (arguments.GetString("client-ca") is { } clientCa)
            settings["VGate:Server:ClientCaFile"] = clientCa;
        var certificate = arguments.GetString("tls-cert");
        var key = arguments.GetString("tls-key");
        if (certificate is null != key is null)
            throw new UsageException("Options --tls-cert and --tls-key must be given together.");
        if (certificate is not null)
        {
            settings["VGate:Server:TlsCertificateFile"] = certificate;
            settings["VGate:Server:TlsKeyFile"] = key;
        }

        var keyspaces = new List<(string Name, List<(string Shard, string Uri)> Shards)>();
        foreach (var value in arguments.GetStrings("shard"))
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var slash = equals < 0 ? -1 : value.AsSpan(0, equals).IndexOf('/');
            if (equals < 0 || slash <= 0 || slash == equals - 1)
                throw new UsageException($"Option --shard must be KEYSPACE/SHARD=mysql://user:password@host:port, not '{Redact(value)}'.");
            var keyspace = value[..slash];
            var shard = value[(slash + 1)..equals];
            var uri = value[(equals + 1)..];
            try
            {
                MySqlConnectionOptions.Parse(uri);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new UsageException($"Option --shard {keyspace}/{shard}: {ex.Message}");
            }
            var entry = keyspaces.FirstOrDefault(k => k.Name == keyspace);
            if (entry.Name is null)
                keyspaces.Add(entry = (keyspace, []));
            entry.Shards.Add((shard, uri));
        }
        foreach (var value in arguments.GetStrings("vschema"))
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var keyspace = equals > 0 ? value[..equals] : null;
            if (keyspace is null || keyspace.AsSpan().IndexOfAny('/', '\\') >= 0)
            {
                if (settings.ContainsKey("VGate:VSchemaFile"))
                    throw new UsageException("Option --vschema FILE may be given once; name the keyspace of each further file with --vschema KEYSPACE=FILE.");
                settings["VGate:VSchemaFile"] = CheckFile(value, "vschema");
                continue;
            }

            var index = keyspaces.FindIndex(k => k.Name == keyspace);
            if (index < 0)
            {
                throw new UsageException($"Option --vschema {keyspace}=…: no --shard defines keyspace '{keyspace}' " +
                    "(for keyspaces from --config, set their VSchemaFile there).");
            }
            settings[$"VGate:Keyspaces:{index}:VSchemaFile"] = CheckFile(value[(equals + 1)..], "vschema");
        }
        for (var k = 0; k < keyspaces.Count; k++)
        {
            var (name, shards) = keyspaces[k];
            settings[$"VGate:Keyspaces:{k}:Name"] = name;
            settings[$"VGate:Keyspaces:{k}:Sharded"] = shards.Any(s => s.Shard is not ("0" or "-")) ? "true" : "false";
            var shardNames = shards.Select(s => s.Shard).Distinct(StringComparer.Ordinal).ToList();
            for (var s = 0; s < shardNames.Count; s++)
            {
                settings[$"VGate:Keyspaces:{k}:Shards:{s}:Name"] = shardNames[s];
                var sources = shards.Where(x => x.Shard == shardNames[s]).ToList();
                for (var i = 0; i < sources.Count; i++)
                    settings[$"VGate:Keyspaces:{k}:Shards:{s}:Sources:{i}:Uri"] = sources[i].Uri;
            }
        }
        return settings;
    }

    private static string CheckHostPort(string value, string option)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !ushort.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            throw new UsageException($"Option --{option} must be HOST:PORT, not '{value}'.");
        return value;
    }

    private static string CheckFile(string path, string option) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new UsageException($"Option --{option}: file '{path}' does not exist.");

    private static string Redact(string value) => MySqlConnectionOptions.Redact(value);
}
