using System.Diagnostics;
using System.Text;

namespace VGate.Kafka.Tests.Framework;

/// <summary>
/// The real <c>vgate-kafka</c> executable (built next to the tests) as a child process, so it can be killed with
/// SIGKILL like a crashed production process. Its log (standard error) is kept for the test output.
/// </summary>
public sealed class SinkProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private SinkProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>Starts <c>dotnet vgate-kafka.dll <paramref name="arguments"/></c>.</summary>
    public static SinkProcess Start(IEnumerable<string> arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "vgate-kafka.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException("vgate-kafka.dll is not next to the tests; the test project references VGate.Kafka.Cli to copy it.", dll);
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return new SinkProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start vgate-kafka"));
    }

    /// <summary>SIGKILL: no cleanup, no final checkpoint, no flush.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the process to exit on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.AppendLine(line);
    }

    /// <summary>The dotnet host running this test (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        return "dotnet";
    }
}
