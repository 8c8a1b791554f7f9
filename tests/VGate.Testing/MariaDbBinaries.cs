namespace VGate.Testing;

/// <summary>Locates the MariaDB executables: PATH first, then the usual sbin/bin directories.</summary>
internal static class MariaDbBinaries
{
    private static readonly string[] FallbackDirectories =
        ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/local/mysql/bin"];

    /// <summary>The server daemon (<c>mariadbd</c>, or <c>mysqld</c> in old packages).</summary>
    public static string Server => Find("mariadbd", "mysqld");

    /// <summary>The data directory initialiser (<c>mariadb-install-db</c>, or <c>mysql_install_db</c>).</summary>
    public static string InstallDb => Find("mariadb-install-db", "mysql_install_db");

    private static string Find(params string[] names)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(FallbackDirectories).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            foreach (var directory in directories)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw MariaDbServerException.StartFailed(
            $"MariaDB executable '{names[0]}' was not found on PATH or in {string.Join(", ", FallbackDirectories)}.",
            "Install it with: apt-get install -y mariadb-server mariadb-client");
    }
}
