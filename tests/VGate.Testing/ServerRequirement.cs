namespace VGate.Testing;

/// <summary>
/// Decides what happens to a test that needs a real MariaDB server (npgsql's <c>IgnoreExceptOnBuildServer</c>).
/// <list type="bullet">
/// <item>By default a server that cannot start FAILS the test, with the reason: real tests must run.</item>
/// <item><c>CI=true</c>: always fail; <c>VGATE_SKIP_SERVER_TESTS</c> is ignored.</item>
/// <item><c>VGATE_SKIP_SERVER_TESTS=1</c> (and not CI): tests marked <see cref="ServerFactAttribute"/> or
/// <see cref="ServerTheoryAttribute"/> are reported as skipped with that reason, and <see cref="MariaDbFixture"/>
/// starts nothing.</item>
/// </list>
/// </summary>
public static class ServerRequirement
{
    /// <summary>The environment variable that lets a developer machine without MariaDB skip server tests.</summary>
    public const string SkipVariable = "VGATE_SKIP_SERVER_TESTS";

    /// <summary>Whether this run is on CI (<c>CI=true</c>), where server tests may never be skipped.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether server tests are to be skipped: <c>VGATE_SKIP_SERVER_TESTS=1</c> and not on CI.</summary>
    public static bool SkipRequested => !IsCi && Environment.GetEnvironmentVariable(SkipVariable) == "1";

    /// <summary>The skip reason shown by the test runner, or <see langword="null"/> when server tests run.</summary>
    public static string? SkipReason => SkipRequested
        ? $"{SkipVariable}=1: tests that need a real MariaDB server are skipped on this machine"
        : null;

    /// <summary>One sentence appended to server start failures saying how the failure is treated.</summary>
    internal static string FailureHint => IsCi
        ? "CI=true: tests that need a server fail when it cannot start."
        : $"Run ./scripts/test.sh, which installs MariaDB with apt when it is missing; to skip server tests on a machine without MariaDB set {SkipVariable}=1 (ignored when CI=true).";
}
