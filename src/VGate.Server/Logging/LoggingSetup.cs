using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace VGate.Server.Logging;

/// <summary>
/// The server's log defaults: quiet at Information (ASP.NET Core's per-request lines, five per <c>/metrics</c> scrape, only
/// from Warning up, unless <c>Logging:LogLevel:Microsoft.AspNetCore</c> says otherwise), and the console format from
/// <c>VGate:Server:LogFormat</c>: <c>text</c> (default, one line per entry) or <c>json</c> (one JSON object per line,
/// Microsoft.Extensions.Logging's JSON console formatter: Timestamp, EventId, LogLevel, Category, Message and State with the
/// message's named fields such as Keyspace and Shard — the fields the Kafka sink's <c>--log-format json</c> writes too).
/// </summary>
internal static class LoggingSetup
{
    /// <summary>The configuration key of the console log format.</summary>
    public const string FormatKey = "VGate:Server:LogFormat";

    public static void Configure(WebApplicationBuilder builder)
    {
        // Lowest priority: appsettings, environment, command line and `vgate serve --config` all override it.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                // The health check service logs every unhealthy result at Error, i.e. every grpc.health.v1 Check and every
                // publisher round while a shard has no healthy source; SourceHealthMonitor logs each change of a source once.
                ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
            },
        });
        // Read when the logger is built, after `vgate serve` has added its settings.
        // Only when set: Logging:Console:FormatterName keeps working otherwise.
        builder.Services.AddOptions<ConsoleLoggerOptions>().Configure<IConfiguration>((console, configuration) =>
        {
            if (configuration[FormatKey] is { } format)
                console.FormatterName = FormatterName(format);
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(console =>
        {
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }

    /// <summary>The console formatter for a <c>LogFormat</c> value; a clear error for anything but text and json.</summary>
    internal static string FormatterName(string format) => format.ToLowerInvariant() switch
    {
        "text" or "" => ConsoleFormatterNames.Simple,
        "json" => ConsoleFormatterNames.Json,
        _ => throw new OptionsValidationException(ServerOptions.SectionName, typeof(ServerOptions),
            [$"{FormatKey} must be text or json, not '{format}'."]),
    };
}
