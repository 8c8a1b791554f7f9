namespace VGate.Testing;

/// <summary>
/// A <see cref="FactAttribute"/> for tests that need a live MySQL 8 server, which no package source here provides: they
/// run only when <c>VGATE_TEST_MYSQL</c> holds a <c>mysql://user:password@host:port</c> URI (the account needs CREATE,
/// DROP, INSERT, SELECT, LOCK TABLES, RELOAD, REPLICATION SLAVE and REPLICATION CLIENT) and are skipped otherwise, on CI
/// too (CI has no MySQL server). Everything else on the MySQL path is tested against <c>MySqlSource.MySqlSourceServer</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LiveMySqlFactAttribute : FactAttribute
{
    /// <summary>The environment variable with the live server's URI.</summary>
    public const string Variable = "VGATE_TEST_MYSQL";

    public LiveMySqlFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Uri))
        {
            Skip = $"{Variable} is not set: no live MySQL server to run against (none can be installed on these machines, " +
                "and CI has none, so this test is skipped there too); set it to mysql://user:password@host:port to run it";
        }
    }

    /// <summary>The URI of the live MySQL server, or null.</summary>
    public static string? Uri => Environment.GetEnvironmentVariable(Variable);
}
