using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using VGate.Server.Tests.Infrastructure;

namespace VGate.Server.Tests;

/// <summary>The server's log defaults: scrapes and probes log nothing at Information; <c>VGate:Server:LogFormat</c> picks the console formatter.</summary>
public sealed class LoggingSetupTests
{
    [Fact]
    public async Task Scrape_AndProbes_NoAspNetCoreLinesBelowWarning()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["VGate:Health:Enabled"] = "false" });
        using var http = host.CreateHttpClient();

        using var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var alive = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.True(metrics.IsSuccessStatusCode);
        Assert.True(ready.IsSuccessStatusCode);
        Assert.True(alive.IsSuccessStatusCode);
        Assert.DoesNotContain(host.Logs.Records, r => r.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && r.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task Scrape_AspNetCoreLevelConfigured_OperatorsSettingWins()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["VGate:Health:Enabled"] = "false",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        });
        using var http = host.CreateHttpClient();

        using var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains(host.Logs.Records, r => r.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && r.Level == LogLevel.Information);
    }

    [Theory]
    [InlineData("json", ConsoleFormatterNames.Json)]
    [InlineData("JSON", ConsoleFormatterNames.Json)]
    [InlineData("text", ConsoleFormatterNames.Simple)]
    public async Task LogFormat_Setting_PicksConsoleFormatter(string format, string formatter)
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["VGate:Server:LogFormat"] = format });

        Assert.Equal(formatter, host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public void LogFormat_Unknown_ErrorNamesSettingAndChoices()
    {
        var error = Assert.Throws<OptionsValidationException>(() => VGate.Server.Logging.LoggingSetup.FormatterName("xml"));

        Assert.Equal("VGate:Server:LogFormat must be text or json, not 'xml'.", error.Message);
    }
}
