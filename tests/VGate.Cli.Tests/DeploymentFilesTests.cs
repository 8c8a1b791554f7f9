using System.Diagnostics;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using VGate.Cli.Commands;
using VGate.Kafka.Cli;

namespace VGate.Cli.Tests;

/// <summary>
/// The container files at the repository root (Dockerfile, .dockerignore, docker-compose.yml) and the configuration
/// files docker-compose.yml mounts from deploy/: what can be checked without Docker. The compose file is validated by
/// Debian's docker-compose 1.29 (scripts/test.sh installs it; without CI=true the test is skipped when it is missing),
/// the VGate configuration files are loaded by the real commands' <c>--check-config</c>.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = RepositoryRoot();

    [ComposeFact]
    public async Task DockerCompose_Config_IsValidForDockerCompose129()
    {
        var (exit, output, error) = await RunAsync("docker-compose", ["-f", Path.Combine(Root, "docker-compose.yml"), "config", "-q"], Root);
        Assert.True(exit == 0, $"docker-compose config -q exited {exit}: {output}{error}");
        Assert.Equal("", error.Trim());
    }

    [ComposeFact]
    public async Task DockerCompose_Services_StartInOrderWithHealthChecks()
    {
        // The file as docker-compose resolved it (anchors merged), so the assertions see what Compose would run.
        var (exit, output, error) = await RunAsync("docker-compose", ["-f", Path.Combine(Root, "docker-compose.yml"), "config"], Root);
        Assert.True(exit == 0, error);
        foreach (var service in new[] { "shard1", "shard2", "kafka", "vgate", "kafka-sink" })
            Assert.Contains($"\n  {service}:\n", output, StringComparison.Ordinal);
        var vgate = ServiceBlock(output, "vgate");
        Assert.Contains("condition: service_healthy", vgate, StringComparison.Ordinal);
        Assert.Contains("healthcheck:", vgate, StringComparison.Ordinal);
        Assert.Contains("shard1:", vgate, StringComparison.Ordinal);
        var sink = ServiceBlock(output, "kafka-sink");
        Assert.Contains("kafka:", sink, StringComparison.Ordinal);
        Assert.Contains("vgate:", sink, StringComparison.Ordinal);
        var kafka = ServiceBlock(output, "kafka");
        Assert.Contains("PLAINTEXT://kafka:9092", kafka, StringComparison.Ordinal);
        Assert.Contains("//localhost:9094", kafka, StringComparison.Ordinal);
        Assert.Contains("healthcheck:", ServiceBlock(output, "shard1"), StringComparison.Ordinal);
    }

    [Fact]
    public void DockerCompose_MountedFiles_ExistInTheRepository()
    {
        var compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        Assert.DoesNotMatch(@"(?m)^name:", compose); // docker-compose 1.29 refuses the top-level name key
        var mounts = MountPattern().Matches(compose).Select(m => (Host: m.Groups[1].Value, Container: m.Groups[2].Value)).ToList();
        Assert.Contains(mounts, m => m.Container == "/etc/vgate");
        Assert.Contains(mounts, m => m.Container == "/docker-entrypoint-initdb.d");
        foreach (var (host, _) in mounts)
            Assert.True(Directory.Exists(Path.Combine(Root, host)), $"docker-compose.yml mounts ./{host}, which does not exist");
        var configFiles = ConfigArgumentPattern().Matches(compose).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, configFiles.Count);
        foreach (var file in configFiles)
            Assert.True(File.Exists(Path.Combine(Root, "deploy", "vgate", file)), $"docker-compose.yml runs --config /etc/vgate/{file}, not in deploy/vgate");
        var usersFile = File.ReadAllText(Path.Combine(Root, "deploy", "vgate", "vgate.json"));
        Assert.Contains("\"/etc/vgate/users.json\"", usersFile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "deploy", "vgate", "users.json")));
    }

    [Fact]
    public async Task ServeCheckConfig_ComposeConfiguration_IsValid()
    {
        // As mounted in the container, except the users file path, which is /etc/vgate there; the password variable
        // docker-compose.yml sets must be set (the check fails naming it otherwise).
        Environment.SetEnvironmentVariable("VGATE_MYSQL_PASSWORD", "vgate-password");
        using var error = new StringWriter();
        var exit = await ServeCommand.RunAsync(
            ["--config", Path.Combine(Root, "deploy", "vgate", "vgate.json"), "--users-file", Path.Combine(Root, "deploy", "vgate", "users.json"), "--check-config"],
            error, CancellationToken.None);
        Assert.True(exit == 0, error.ToString());
        Assert.Equal(
            "vgate: configuration valid: 1 keyspace(s) (commerce), 2 shard(s), 2 source(s); gRPC on 0.0.0.0:15991",
            error.ToString().Trim());
    }

    [Fact]
    public async Task ServeCheckConfig_InvalidConfiguration_ExitsOneWithOneLine()
    {
        Environment.SetEnvironmentVariable("VGATE_MYSQL_PASSWORD", "vgate-password");
        var directory = Directory.CreateTempSubdirectory("vgate-check-");
        try
        {
            // Listening beyond loopback without a users file is refused at start; --check-config says so without starting.
            var config = Path.Combine(directory.FullName, "vgate.json");
            await File.WriteAllTextAsync(config, File.ReadAllText(Path.Combine(Root, "deploy", "vgate", "vgate.json")).Replace("\"/etc/vgate/users.json\"", "null", StringComparison.Ordinal));
            using var error = new StringWriter();
            var exit = await ServeCommand.RunAsync(["--config", config, "--check-config"], error, CancellationToken.None);
            Assert.Equal(1, exit);
            var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.StartsWith("vgate: invalid configuration: VGate:Server:Listen '0.0.0.0:15991' and VGate:Server:MetricsListen '0.0.0.0:15992' listens beyond loopback without authentication", line, StringComparison.Ordinal);

            // Two invalid sections at once (a password variable that is not set, and the open listener): the check
            // reports both on one line (the start-up validator throws them together, as an AggregateException); a real
            // start stops at the first (the host builds the security state before it validates the rest), also one line.
            var twice = Path.Combine(directory.FullName, "twice.json");
            await File.WriteAllTextAsync(twice, File.ReadAllText(config).Replace("VGATE_MYSQL_PASSWORD", "VGATE_TEST_UNSET_PASSWORD_7F3", StringComparison.Ordinal));
            using (var both = new StringWriter())
            {
                exit = await ServeCommand.RunAsync(["--config", twice, "--check-config"], both, CancellationToken.None);
                Assert.Equal(1, exit);
                var single = Assert.Single(both.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith("vgate: invalid configuration: ", single, StringComparison.Ordinal);
                Assert.Contains("'VGATE_TEST_UNSET_PASSWORD_7F3' is not set", single, StringComparison.Ordinal);
                Assert.Contains("listens beyond loopback without authentication", single, StringComparison.Ordinal);
            }
            using (var started = new StringWriter())
            {
                exit = await ServeCommand.RunAsync(["--config", twice], started, CancellationToken.None);
                Assert.Equal(1, exit);
                Assert.StartsWith("vgate: invalid configuration: ", Assert.Single(started.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            }

            // A users file that does not exist: the security state fails to load it.
            using var missing = new StringWriter();
            exit = await ServeCommand.RunAsync(
                ["--config", Path.Combine(Root, "deploy", "vgate", "vgate.json"), "--users-file", Path.Combine(directory.FullName, "absent.json"), "--check-config"],
                missing, CancellationToken.None);
            Assert.Equal(1, exit);
            Assert.Contains("absent.json", Assert.Single(missing.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task KafkaSinkCheckConfig_ComposeConfiguration_IsValid()
    {
        Environment.SetEnvironmentVariable("VGATE_CDC_PASSWORD", "cdc-password");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await KafkaSinkCommand.RunAsync(
            ["--config", Path.Combine(Root, "deploy", "vgate", "kafka-sink.json"), "--check-config"], output, error, "vgate kafka-sink", CancellationToken.None);
        Assert.True(exit == 0, error.ToString());
        Assert.Equal("vgate kafka-sink: configuration valid: keyspace commerce from vgate:15991 into kafka:9092, topics demo.commerce.*", output.ToString().Trim());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task KafkaSinkCheckConfig_MissingRequiredOption_ExitsOne()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await KafkaSinkCommand.RunAsync(
            ["--gateway", "vgate:15991", "--keyspace", "commerce", "--bootstrap-servers", "kafka:9092", "--check-config"], output, error, "vgate kafka-sink", CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains("TopicPrefix", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Dockerfile_EveryCopySource_ExistsAndIsInTheBuildContext()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
        var allowed = File.ReadAllLines(Path.Combine(Root, ".dockerignore"))
            .Where(l => l.StartsWith('!'))
            .Select(l => l[1..].TrimEnd('/'))
            .ToHashSet(StringComparer.Ordinal);
        var sources = new List<string>();
        foreach (var line in dockerfile.Select(l => l.Trim()).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            if (words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal)))
                continue; // from an earlier stage, not the build context
            sources.AddRange(words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1));
        }
        Assert.Contains("src/", sources);
        foreach (var source in sources)
        {
            var path = Path.Combine(Root, source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"Dockerfile copies {source}, which does not exist");
            Assert.True(allowed.Contains(source.TrimEnd('/')), $"Dockerfile copies {source}, which .dockerignore leaves out of the build context");
        }

        // Every project the published command builds lies in the copied folders (a new project elsewhere breaks the image).
        var copied = sources.Select(s => s.TrimEnd('/')).ToList();
        foreach (var project in ProjectClosure(Path.Combine(Root, "src", "VGate.Cli", "VGate.Cli.csproj")))
        {
            var relative = Path.GetRelativePath(Root, project).Replace('\\', '/');
            Assert.True(copied.Any(c => relative.StartsWith(c + "/", StringComparison.Ordinal)), $"{relative} is built by the image but not copied");
        }
        Assert.Contains(dockerfile, l => l.TrimStart().StartsWith("USER ", StringComparison.Ordinal) && !l.Contains("root", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dockerfile_PublishCommand_WorksHereAndTheResultRuns()
    {
        // The Dockerfile's own command line, with the output directory replaced: ReadyToRun for linux-x64 needs the
        // runtime and crossgen packs from NuGet, exactly as in the image build.
        var text = File.ReadAllText(Path.Combine(Root, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var command = PublishPattern().Match(text);
        Assert.True(command.Success, "no dotnet publish line in the Dockerfile");
        var arguments = command.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var output = Directory.CreateTempSubdirectory("vgate-publish-");
        try
        {
            var o = arguments.IndexOf("-o");
            Assert.True(o >= 0 && o + 1 < arguments.Count);
            arguments[o + 1] = output.FullName;
            var (exit, stdout, stderr) = await RunAsync("dotnet", ["publish", .. arguments], Root);
            Assert.True(exit == 0, $"dotnet publish failed ({exit}): {stdout}{stderr}");
            var (versionExit, version, _) = await RunAsync(Path.Combine(output.FullName, "vgate"), ["--version"], Root);
            Assert.Equal(0, versionExit);
            Assert.StartsWith(Program.Version, version.Trim(), StringComparison.Ordinal);

            // The image starts from precompiled code (bench/cold-start.sh: cold start is the issue-16 target): our own
            // assemblies and the hot third-party ones carry a ReadyToRun header, not IL alone.
            foreach (var assembly in new[] { "vgate.dll", "VGate.MySql.dll", "VGate.VStreamer.dll", "VGate.Gateway.dll", "VGate.Server.dll", "VGate.Protocol.dll", "Google.Protobuf.dll", "Grpc.AspNetCore.Server.dll" })
                Assert.True(IsReadyToRun(Path.Combine(output.FullName, assembly)), $"{assembly} in the published image is not ReadyToRun-compiled");
            // …and runs without dynamic PGO's extra instrumented tier (VGate.Cli.csproj says why).
            var runtimeConfig = await File.ReadAllTextAsync(Path.Combine(output.FullName, "vgate.runtimeconfig.json"));
            Assert.Contains("\"System.Runtime.TieredPGO\": false", runtimeConfig, StringComparison.Ordinal);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ToolPackage_InstalledInAToolPath_RunsVgate()
    {
        // The `vgate` .NET tool from the build the tests run on (in this class, so never at the same time as the
        // publish above, whose restore rewrites the same project.assets.json), installed into a temporary tool path.
        var directory = Directory.CreateTempSubdirectory("vgate-tool-");
        try
        {
            var packages = Path.Combine(directory.FullName, "packages");
            var tools = Path.Combine(directory.FullName, "tools");
            var (exit, output, error) = await RunAsync("dotnet", ["pack", "src/VGate.Cli", "-c", "Release", "--no-build", "-o", packages], Root);
            Assert.True(exit == 0, $"dotnet pack failed ({exit}): {output}{error}");
            Assert.True(File.Exists(Path.Combine(packages, $"vgate.{Program.Version}.nupkg")), string.Join(", ", Directory.GetFiles(packages)));
            // Only the package just made: a NuGet configuration with no other source, so nothing is fetched and no
            // package of the same name elsewhere can be installed instead.
            var nugetConfig = Path.Combine(directory.FullName, "nuget.config");
            await File.WriteAllTextAsync(
                nugetConfig,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration><packageSources><clear /><add key=\"local\" value=\""
                + System.Security.SecurityElement.Escape(packages) + "\" /></packageSources></configuration>\n");
            (exit, output, error) = await RunAsync(
                "dotnet", ["tool", "install", "vgate", "--tool-path", tools, "--configfile", nugetConfig, "--version", Program.Version], directory.FullName);
            Assert.True(exit == 0, $"dotnet tool install failed ({exit}): {output}{error}");
            (exit, output, error) = await RunAsync(Path.Combine(tools, "vgate"), ["--version"], Root);
            Assert.True(exit == 0, error);
            Assert.StartsWith(Program.Version, output.Trim(), StringComparison.Ordinal);
            (exit, output, _) = await RunAsync(Path.Combine(tools, "vgate"), ["--help"], Root);
            Assert.Equal(0, exit);
            Assert.Contains("kafka-sink", output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// True when the assembly holds ReadyToRun native code: its CLI header points to a managed native (READYTORUN)
    /// header and has the IL-library flag, which crossgen2 sets and a plain IL build never does.
    /// </summary>
    internal static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        var cor = reader.PEHeaders.CorHeader ?? throw new InvalidOperationException($"{path} is not a .NET assembly");
        return cor.ManagedNativeHeaderDirectory.Size > 0 && (cor.Flags & CorFlags.ILLibrary) != 0;
    }

    [Fact]
    public void IsReadyToRun_BuildOutput_IsNot()
    {
        // The check itself against what it must reject: the plain IL build these tests run on.
        Assert.False(IsReadyToRun(Path.Combine(AppContext.BaseDirectory, "VGate.MySql.dll")));
        Assert.False(IsReadyToRun(Path.Combine(AppContext.BaseDirectory, "vgate.dll")));
    }

    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
                continue;
            foreach (Match reference in ProjectReferencePattern().Matches(File.ReadAllText(next)))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, reference.Groups[1].Value.Replace('\\', '/'))));
        }
        return seen;
    }

    private static string ServiceBlock(string config, string service)
    {
        var start = config.IndexOf($"\n  {service}:\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no service {service}");
        var end = ServiceStartPattern().Match(config, start + service.Length + 5);
        return end.Success ? config[start..end.Index] : config[start..];
    }

    internal static async Task<(int Exit, string Output, string Error)> RunAsync(string program, IEnumerable<string> arguments, string directory)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VGate.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no VGate.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"(?m)^\s*-\s*\./([^:\s]+):(/[^:\s]+)")]
    private static partial Regex MountPattern();

    [GeneratedRegex(@"""--config"",\s*""/etc/vgate/([^""]+)""")]
    private static partial Regex ConfigArgumentPattern();

    [GeneratedRegex(@"dotnet publish ([^\n]+)")]
    private static partial Regex PublishPattern();

    [GeneratedRegex(@"<ProjectReference Include=""([^""]+)""")]
    private static partial Regex ProjectReferencePattern();

    [GeneratedRegex(@"\n  [a-z0-9-]+:\n")]
    private static partial Regex ServiceStartPattern();
}

/// <summary>
/// A test that needs Debian's <c>docker-compose</c>: skipped when it is not on PATH, except under CI=true, where
/// scripts/test.sh installs it and a missing one fails the test.
/// </summary>
public sealed class ComposeFactAttribute : FactAttribute
{
    public ComposeFactAttribute()
    {
        if (!Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "docker-compose")))
            && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "docker-compose is not installed (scripts/test.sh installs it; CI=true makes this a failure)";
        }
    }
}
