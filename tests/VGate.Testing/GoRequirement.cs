namespace VGate.Testing;

/// <summary>
/// Decides what happens to a test that builds and runs the stock Go client (<c>examples/go</c>) with Debian's Go and
/// protobuf packages, the way <see cref="ServerRequirement"/> does for MariaDB:
/// <list type="bullet">
/// <item><c>CI=true</c>: never skipped; a missing tool fails the test (through <c>examples/go/build.sh</c>'s message).</item>
/// <item>Otherwise, when a tool or Debian's Go sources are missing, the test is skipped with a reason naming what is
/// missing and how to install it (<c>./scripts/test.sh</c> installs them with apt).</item>
/// <item>Server tests skipped (<see cref="ServerRequirement.SkipRequested"/>): skipped too, as the client needs a server.</item>
/// </list>
/// </summary>
public static class GoRequirement
{
    /// <summary>The programs <c>examples/go/build.sh</c> runs.</summary>
    public static IReadOnlyList<string> Tools { get; } = ["go", "protoc", "protoc-gen-go", "protoc-gen-go-grpc"];

    /// <summary>Where Debian's <c>golang-*-dev</c> packages put their Go sources (a GOPATH).</summary>
    public const string DebianGoPath = "/usr/share/gocode";

    /// <summary>The Debian packages that provide <see cref="Tools"/> and the Go libraries the client imports.</summary>
    public const string Packages =
        "golang-go protobuf-compiler protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev golang-github-golang-protobuf-1-5-dev";

    private static readonly Lazy<string?> LazyMissing = new(FindMissing);

    /// <summary>What is missing to build the Go client (a tool or a library directory), or <see langword="null"/>.</summary>
    public static string? Missing => LazyMissing.Value;

    /// <summary>The skip reason shown by the test runner, or <see langword="null"/> when the Go tests run.</summary>
    public static string? SkipReason =>
        ServerRequirement.SkipReason
        ?? (ServerRequirement.IsCi || Missing is not { } missing
            ? null
            : $"{missing} not found: the stock Go client cannot be built here. Run ./scripts/test.sh, which installs {Packages} with apt (with CI=true this test fails instead of being skipped).");

    private static string? FindMissing()
    {
        foreach (var tool in Tools)
        {
            if (FindOnPath(tool) is null)
                return tool;
        }
        foreach (var library in new[] { "google.golang.org/grpc", "google.golang.org/protobuf" })
        {
            var directory = Path.Combine(DebianGoPath, "src", library);
            if (!Directory.Exists(directory))
                return directory;
        }
        // 1.3 (golang-github-golang-protobuf-1-3-dev) builds but cannot decode what protoc-gen-go 1.28 generates; 1.4+
        // is a wrapper over google.golang.org/protobuf and says so in its go.mod.
        var legacy = Path.Combine(DebianGoPath, "src", "github.com", "golang", "protobuf", "go.mod");
        if (!File.Exists(legacy) || !File.ReadAllText(legacy).Contains("google.golang.org/protobuf", StringComparison.Ordinal))
            return "github.com/golang/protobuf 1.4 or later (golang-github-golang-protobuf-1-5-dev)";
        return null;
    }

    /// <summary>The full path of <paramref name="program"/> on <c>PATH</c>, or <see langword="null"/>.</summary>
    public static string? FindOnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
