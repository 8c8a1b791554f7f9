using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace VGate.Testing;

/// <summary>
/// Owns <c>$TMPDIR/vgate-test-servers/</c>, where every throwaway server of every test process lives in a
/// directory named <c>&lt;test-process-id&gt;-…</c>. Makes sure no server outlives its test process:
/// live servers are killed on <see cref="AppDomain.ProcessExit"/>, and servers left behind by a test process
/// that died without running its exit handlers are killed and removed when the next test process starts one.
/// The shared template data directory (<c>template-&lt;hash&gt;</c>, see <see cref="MariaDbTemplate"/>) is a cache
/// and stays.
/// </summary>
internal static class ServerDirectories
{
    /// <summary>Marker file in a server directory kept for debugging (<c>VGATE_KEEP_TEST_SERVERS=1</c>).</summary>
    public const string KeepMarker = "KEPT-FOR-DEBUGGING";

    /// <summary>Name of the pid file inside a server directory.</summary>
    public const string PidFileName = "mariadbd.pid";

    private static readonly ConcurrentDictionary<MariaDbServer, byte> LiveServers = new();
    private static readonly Lock InitLock = new();
    private static string? _root;

    /// <summary>Whether <c>VGATE_KEEP_TEST_SERVERS=1</c>: stopped servers keep their directories.</summary>
    public static bool KeepServers => Environment.GetEnvironmentVariable("VGATE_KEEP_TEST_SERVERS") == "1";

    /// <summary>The shared root, created on first use (which also cleans up after dead test processes).</summary>
    public static string Root
    {
        get
        {
            lock (InitLock)
            {
                if (_root is null)
                {
                    var root = Path.Combine(ShortTempPath(), "vgate-test-servers");
                    Directory.CreateDirectory(root);
                    RemoveOrphans(root);
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllForExit();
                    _root = root;
                }

                return _root;
            }
        }
    }

    /// <summary>The directory prefix owned by this test process.</summary>
    public static string ProcessPrefix { get; } = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-";

    public static void Register(MariaDbServer server) => LiveServers.TryAdd(server, 0);

    public static void Unregister(MariaDbServer server) => LiveServers.TryRemove(server, out _);

    private static void KillAllForExit()
    {
        foreach (var server in LiveServers.Keys)
        {
            server.KillForProcessExit();
        }
    }

    /// <summary>
    /// Unix socket paths are limited to 107 bytes, so a long <c>TMPDIR</c> is replaced by <c>/tmp</c>.
    /// </summary>
    private static string ShortTempPath()
    {
        var temp = Path.GetTempPath();
        return temp.Length <= 40 || !Directory.Exists("/tmp") ? temp : "/tmp";
    }

    private static void RemoveOrphans(string root)
    {
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(directory);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0
                || !int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ownerPid)
                || ownerPid == Environment.ProcessId
                || IsAlive(ownerPid)
                || File.Exists(Path.Combine(directory, KeepMarker)))
            {
                continue;
            }

            KillServerIn(directory);
            TempDirectory.DeleteQuietly(directory);
        }
    }

    private static bool IsAlive(int pid) => !OperatingSystem.IsLinux() || Directory.Exists($"/proc/{pid}");

    /// <summary>Kills the server whose pid file is in <paramref name="directory"/>, if its command line names that directory.</summary>
    private static void KillServerIn(string directory)
    {
        try
        {
            var pidFile = Path.Combine(directory, PidFileName);
            if (!OperatingSystem.IsLinux()
                || !File.Exists(pidFile)
                || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                return;
            }

            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            if (!commandLine.Contains(directory, StringComparison.Ordinal))
            {
                return;
            }

            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not ours to kill.
        }
    }
}
