using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace VGate.Testing;

/// <summary>
/// Owns <c>$TMPDIR/vgate-test-servers/</c>, where every throwaway server of every test process lives in a
/// directory named <c>&lt;owner&gt;-…</c>, where the owner id is the test process's pid plus a random suffix.
/// Makes sure no server outlives its test process: live servers are killed on <see cref="AppDomain.ProcessExit"/>,
/// and servers left behind by a test process that died without running its exit handlers are killed and removed
/// when the next test process starts one.
/// <para>
/// Liveness is an exclusive lock on <c>owners/&lt;owner&gt;.lock</c> that the owning process holds for its whole life
/// (the kernel drops it when the process dies, however it dies). Pids are not enough: test processes in another pid
/// namespace (a container sharing <c>/tmp</c>) are invisible in <c>/proc</c>, and a pid can be reused.
/// </para>
/// The shared template data directory (<c>template-&lt;hash&gt;</c>, see <see cref="MariaDbTemplate"/>) is a cache
/// and stays.
/// </summary>
internal static class ServerDirectories
{
    /// <summary>Marker file in a server directory kept for debugging (<c>VGATE_KEEP_TEST_SERVERS=1</c>).</summary>
    public const string KeepMarker = "KEPT-FOR-DEBUGGING";

    /// <summary>Name of the pid file inside a server directory.</summary>
    public const string PidFileName = "mariadbd.pid";

    private const string OwnersDirectoryName = "owners";

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static readonly ConcurrentDictionary<MariaDbServer, byte> LiveServers = new();
    private static readonly Lock InitLock = new();
    private static string? _root;

    /// <summary>Held open (exclusively locked) for the life of this process; never disposed on purpose.</summary>
    private static FileStream? _ownerLock;

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
                    var owners = Directory.CreateDirectory(Path.Combine(root, OwnersDirectoryName)).FullName;
                    _ownerLock = new FileStream(Path.Combine(owners, OwnerId + ".lock"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
                    RemoveOrphans(root, owners);
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllForExit();
                    _root = root;
                }

                return _root;
            }
        }
    }

    /// <summary>This test process's owner id: <c>&lt;pid&gt;x&lt;random hex&gt;</c>.</summary>
    public static string OwnerId { get; } = string.Create(
        CultureInfo.InvariantCulture, $"{Environment.ProcessId}x{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>The directory prefix owned by this test process.</summary>
    public static string ProcessPrefix { get; } = OwnerId + "-";

    public static void Register(MariaDbServer server) => LiveServers.TryAdd(server, 0);

    public static void Unregister(MariaDbServer server) => LiveServers.TryRemove(server, out _);

    private static void KillAllForExit()
    {
        foreach (var server in LiveServers.Keys)
        {
            server.KillForProcessExit();
        }

        if (_ownerLock is { } ownerLock)
        {
            var path = ownerLock.Name;
            ownerLock.Dispose();
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The next test process removes it.
            }
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

    private static void RemoveOrphans(string root, string owners)
    {
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(directory);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !IsOwnerId(name.AsSpan(0, dash)) || File.Exists(Path.Combine(directory, KeepMarker)))
            {
                continue; // the shared template cache, the owners directory, or kept for debugging
            }

            var owner = name[..dash];
            if (owner == OwnerId || IsOwnerAlive(Path.Combine(owners, owner + ".lock")))
            {
                continue;
            }

            KillServerIn(directory);
            TempDirectory.DeleteQuietly(directory);
        }

        foreach (var lockFile in Directory.EnumerateFiles(owners, "*.lock"))
        {
            if (Path.GetFileNameWithoutExtension(lockFile) != OwnerId && !IsOwnerAlive(lockFile))
            {
                try
                {
                    File.Delete(lockFile);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Another test process is cleaning up at the same time.
                }
            }
        }
    }

    /// <summary><c>&lt;digits&gt;x&lt;hex&gt;</c>; directories of older layouts (bare pids) count as orphans too.</summary>
    private static bool IsOwnerId(ReadOnlySpan<char> candidate)
    {
        var x = candidate.IndexOf('x');
        var pid = x < 0 ? candidate : candidate[..x];
        return pid.Length > 0 && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && (x < 0 || (x + 1 < candidate.Length && !candidate[(x + 1)..].ContainsAnyExcept(HexDigits)));
    }

    /// <summary>Whether the owner still holds its lock. No lock file means an owner from an older layout or one that is gone.</summary>
    private static bool IsOwnerAlive(string lockFile)
    {
        if (!File.Exists(lockFile))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true; // locked: the owner is running
        }
        catch (UnauthorizedAccessException)
        {
            return true; // another user's process: leave it alone
        }
    }

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
