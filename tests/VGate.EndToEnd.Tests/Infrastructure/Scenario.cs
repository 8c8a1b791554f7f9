using System.Diagnostics;
using System.Globalization;
using VGate.Testing;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs one end-to-end scenario: picks its random seed (or takes <c>VGATE_E2E_SEED</c> to replay one), writes it to
/// the test output first, gives the body a generous hang deadline, and on failure prefixes the message with the seed
/// and appends the server's warnings and errors, so any failure can be replayed.
/// </summary>
internal sealed class Scenario
{
    /// <summary>Set to a number to run every scenario with that seed.</summary>
    public const string SeedVariable = "VGATE_E2E_SEED";

    private readonly ITestOutputHelper _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private Scenario(ITestOutputHelper output, int seed, CancellationToken deadline)
    {
        _output = output;
        Seed = seed;
        Deadline = deadline;
    }

    public int Seed { get; }

    /// <summary>Cancelled when the hang deadline passes.</summary>
    public CancellationToken Deadline { get; }

    /// <summary>The gateway whose logs are appended to a failure message, once the body has one.</summary>
    public GatewayHost? Gateway { get; set; }

    /// <summary>Writes a line to the test output, with the time since the start.</summary>
    public void Log(string message) => _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,7:F2}s] {message}"));

    public static async Task RunAsync(ITestOutputHelper output, TimeSpan hangDeadline, Func<Scenario, Task> body)
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        using var deadline = TestDeadline.CreateTokenSource(hangDeadline);
        var scenario = new Scenario(output, seed, deadline.Token);
        scenario.Log($"seed {seed} (replay with {SeedVariable}={seed})");
        try
        {
            await body(scenario);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException || !ex.Message.StartsWith("seed ", StringComparison.Ordinal))
        {
            var logs = scenario.Gateway?.Logs.Dump(Microsoft.Extensions.Logging.LogLevel.Warning);
            var timedOut = deadline.IsCancellationRequested ? $" (hang deadline of {hangDeadline.TotalSeconds:0} s passed)" : "";
            throw new Xunit.Sdk.XunitException(
                $"seed {seed}{timedOut}: {ex.GetType().Name}: {ex.Message}" + (string.IsNullOrEmpty(logs) ? "" : "\nserver warnings and errors:\n" + logs) + "\n" + ex.StackTrace);
        }
    }
}
