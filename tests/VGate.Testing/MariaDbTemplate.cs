using System.Diagnostics;

namespace VGate.Testing;

/// <summary>
/// One data directory initialised by <c>mariadb-install-db</c> per test process; every server starts from a copy
/// of it, which takes a few milliseconds instead of a second or more per server.
/// </summary>
internal static class MariaDbTemplate
{
    /// <summary>InnoDB redo log size used at initialisation and at every start, so the copied log matches.</summary>
    public const string InnoDbLogFileSize = "8M";

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
                var directory = Path.Combine(ServerDirectories.Root, ServerDirectories.ProcessPrefix + "template");
                TempDirectory.DeleteQuietly(directory);
                Directory.CreateDirectory(directory);
                var data = Path.Combine(directory, "data");
                await InstallAsync(data, Path.Combine(directory, "install.log"), cancellationToken).ConfigureAwait(false);
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

    public static void DeleteForProcessExit()
    {
        if (_dataDirectory is { } data && !ServerDirectories.KeepServers)
        {
            TempDirectory.DeleteQuietly(Path.GetDirectoryName(data)!);
        }
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
