using System.Diagnostics;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the <c>vgate</c> CLI built next to the tests as a child process and collects its output.</summary>
internal static class CliProcess
{
    public static Task<(int Exit, string Output, string Error)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(arguments, null, cancellationToken);

    /// <summary>The same, with <paramref name="environment"/> variables set for the child.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(GatewayProcess.DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vgate.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
            start.Environment[variable] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("vgate did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        return (process.ExitCode, await output, await error);
    }
}
