using System.Diagnostics;
using System.Globalization;

namespace VGate.Testing.Faults;

/// <summary>
/// A .NET program of the build (<c>dotnet NAME.dll ARGS</c>, e.g. <c>vgate serve</c> or <c>vgate-kafka</c>) as a child
/// process that can be killed with SIGKILL and started again with the same arguments, as a crashed service restarted
/// by its supervisor. Every run appends its console output to one log file.
/// </summary>
public sealed class RestartableProcess : IAsyncDisposable
{
    private readonly string _dll;
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Lock _gate = new();
    private Process? _process;

    /// <param name="name">For messages.</param>
    /// <param name="dll">The program's dll, next to the tests.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="logFile">Where every run's output is appended.</param>
    /// <param name="environment">Extra environment variables.</param>
    public RestartableProcess(string name, string dll, IReadOnlyList<string> arguments, string logFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        Name = name;
        _dll = File.Exists(dll) ? dll : throw new FileNotFoundException($"{name}: {dll} is not built next to the tests", dll);
        _arguments = arguments;
        LogFile = logFile;
        _environment = environment ?? new Dictionary<string, string>();
    }

    public string Name { get; }

    public string LogFile { get; }

    /// <summary>How many times the process was started.</summary>
    public int Starts { get; private set; }

    /// <summary>How many times it was killed while running (including a final stop).</summary>
    public int Kills { get; private set; }

    /// <summary>The running process's id, or null.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_gate)
                return _process is { HasExited: false } p ? p.Id : null;
        }
    }

    /// <summary>Exit code of a run that ended without being killed (a crash the test did not cause), else null.</summary>
    public int? UnexpectedExit { get; private set; }

    /// <summary>Starts the process (it must not be running).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
                throw new InvalidOperationException($"{Name} is already running");
            if (_process is { } old)
            {
                UnexpectedExit ??= old.ExitCode;
                old.Dispose();
            }

            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            // exec: the process id is the program's own, so the kill hits it and not a shell.
            start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >>\"$VGATE_FAULT_LOG\" 2>&1");
            start.ArgumentList.Add(DotnetHost());
            start.ArgumentList.Add(_dll);
            foreach (var argument in _arguments)
                start.ArgumentList.Add(argument);
            start.Environment["VGATE_FAULT_LOG"] = LogFile;
            foreach (var (key, value) in _environment)
                start.Environment[key] = value;
            File.AppendAllText(LogFile, string.Create(CultureInfo.InvariantCulture, $"==== {DateTime.UtcNow:HH:mm:ss.fff} start {Starts + 1} of {Name}\n"));
            _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start");
            Starts++;
        }
    }

    /// <summary>SIGKILL (no cleanup, no flush) and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        Process? process;
        lock (_gate)
            process = _process;
        if (process is null)
            return;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
            Kills++;
        }
        else
        {
            UnexpectedExit ??= process.ExitCode;
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        lock (_gate)
        {
            process.Dispose();
            _process = null;
        }

        try
        {
            File.AppendAllText(LogFile, string.Create(CultureInfo.InvariantCulture, $"==== {DateTime.UtcNow:HH:mm:ss.fff} killed {Name}\n"));
        }
        catch (IOException)
        {
            // The log's directory is gone (the run deleted it): nothing left to annotate.
        }
    }

    /// <summary>Resident memory (<c>VmRSS</c>) of the running process in bytes, or null.</summary>
    public long? Rss()
    {
        if (ProcessId is not { } id)
            return null;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
            // Gone between the check and the read.
        }

        return null;
    }

    /// <summary>The last <paramref name="lines"/> lines of the log.</summary>
    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException ex)
        {
            return $"(no log: {ex.Message})";
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync().ConfigureAwait(false);

    /// <summary>The dotnet host running this process (or DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        return "dotnet";
    }
}
