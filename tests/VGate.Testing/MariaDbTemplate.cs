using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VGate.Testing;

/// <summary>
/// One data directory initialised by <c>mariadb-install-db</c>, shared by all test processes that use the same
/// <c>mariadbd</c> binary; every server starts from a copy of it, which takes a few milliseconds instead of one to
/// three seconds per server. It lives in <c>vgate-test-servers/template-&lt;hash&gt;</c>, where the hash covers the
/// server binary (path, size, modification time) and the initialisation arguments, so an upgraded MariaDB gets a
/// new template. It is built in a private directory and published by an atomic rename, so concurrent test
/// processes never see a half-written one; it holds no server and is kept between runs as a cache.
/// </summary>
internal static class MariaDbTemplate
{
    /// <summary>InnoDB redo log size used at initialisation and at every start, so the copied log matches.</summary>
    public const string InnoDbLogFileSize = "8M";

    /// <summary>Bump when <see cref="InstallAsync"/> changes what it creates, to invalidate cached templates.</summary>
    private const int InstallArgumentsVersion = 1;

    private const string ReadyMarker = "READY";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _dataDirectory;

    /// <summary>Returns the template data directory, creating it on first use.</summary>
    public static async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _dataDirectory) is { } ready)
        {
            return ready;
        }

        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_dataDirectory is null)
            {
                var server = MariaDbBinaries.Server;
                var published = Path.Combine(ServerDirectories.Root, "template-" + Fingerprint(server));
                var data = Path.Combine(published, "data");
                if (!File.Exists(Path.Combine(published, ReadyMarker)))
                {
                    var building = Path.Combine(ServerDirectories.Root, ServerDirectories.ProcessPrefix + "template-building");
                    TempDirectory.DeleteQuietly(building);
                    Directory.CreateDirectory(building);
                    await InstallAsync(Path.Combine(building, "data"), Path.Combine(building, "install.log"), cancellationToken).ConfigureAwait(false);
                    await File.WriteAllTextAsync(Path.Combine(building, ReadyMarker), server + "\n", cancellationToken).ConfigureAwait(false);
                    try
                    {
                        Directory.Move(building, published);
                    }
                    catch (IOException) when (File.Exists(Path.Combine(published, ReadyMarker)))
                    {
                        // Another test process published the same template first; use theirs.
                        TempDirectory.DeleteQuietly(building);
                    }
                }

                Volatile.Write(ref _dataDirectory, data);
            }

            return _dataDirectory;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Copies the template into <paramref name="destination"/>, which must not exist yet.</summary>
    public static void CopyTo(string template, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var source in Directory.EnumerateFileSystemEntries(template, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(template, source));
            if (Directory.Exists(source))
            {
                Directory.CreateDirectory(target);
            }
            else
            {
                File.Copy(source, target);
            }
        }
    }

    /// <summary>Identifies the server binary and the initialisation arguments.</summary>
    private static string Fingerprint(string server)
    {
        var binary = new FileInfo(server);
        var identity = string.Create(
            CultureInfo.InvariantCulture,
            $"{binary.FullName}|{binary.Length}|{binary.LastWriteTimeUtc.Ticks}|{InstallArgumentsVersion}|{Environment.IsPrivilegedProcess}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
    }

    private static async Task InstallAsync(string dataDirectory, string logFile, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(MariaDbBinaries.InstallDb)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[]
        {
            "--no-defaults",
            "--auth-root-authentication-method=normal",
            $"--datadir={dataDirectory}",
            "--skip-test-db",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=32M",
            $"--innodb-log-file-size={InnoDbLogFileSize}",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (Environment.IsPrivilegedProcess)
        {
            startInfo.ArgumentList.Add("--user=root");
        }

        using var process = Process.Start(startInfo)
            ?? throw MariaDbServerException.StartFailed("mariadb-install-db did not start.", startInfo.FileName);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        await File.WriteAllTextAsync(logFile, output, cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw MariaDbServerException.StartFailed(
                $"mariadb-install-db exited with code {process.ExitCode} initialising {dataDirectory}. Output tail:",
                Tail(output, 30));
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of <paramref name="text"/>.</summary>
    public static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
