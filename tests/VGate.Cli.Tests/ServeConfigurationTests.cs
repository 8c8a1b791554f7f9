using System.Collections;
using VGate.Cli.Commands;

namespace VGate.Cli.Tests;

/// <summary>
/// <c>vgate serve</c>'s configuration model (docs/cli.md): file &lt; VGATE_ environment &lt; command line, unknown keys
/// rejected by name, and <c>--check-config</c>.
/// </summary>
public sealed class ServeConfigurationTests : IDisposable
{
    private const string Keyspace = "\"Keyspaces\": [{ \"Name\": \"ks\", \"Shards\": [{ \"Name\": \"0\", \"Sources\": [{ \"Uri\": \"mysql://u:p@127.0.0.1:1\" }] }] }]";

    private readonly string _directory = Directory.CreateTempSubdirectory("vgate-serve-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private static Dictionary<string, string?> CommandLine(params string[] args) =>
        ServeCommand.BuildSettings(CommandLineArguments.Parse(ServeCommand.CreateCommand(), args));

    [Fact]
    public void Load_FileThenEnvironmentThenCommandLine_LaterSourcesWin()
    {
        var file = Write($$"""{ "VGate": { {{Keyspace}}, "Server": { "Listen": "127.0.0.1:1001", "MetricsListen": "127.0.0.1:2001", "Cell": "file" }, "MaxConsecutiveShardFailures": 7 } }""");
        var environment = new Hashtable
        {
            ["VGATE_Server__Listen"] = "127.0.0.1:1002",
            ["VGATE_SERVER__METRICSLISTEN"] = "127.0.0.1:2002",
            ["VGATE_MaxConsecutiveShardFailures"] = "9",
            ["UNRELATED"] = "x",
        };

        var configuration = ServeCommand.CreateBuilder(file, CommandLine("--listen", "127.0.0.1:1003"), environment).Configuration;

        Assert.Equal("127.0.0.1:1003", configuration["VGate:Server:Listen"]);
        Assert.Equal("127.0.0.1:2002", configuration["VGate:Server:MetricsListen"]);
        Assert.Equal("file", configuration["VGate:Server:Cell"]);
        Assert.Equal("9", configuration["VGate:MaxConsecutiveShardFailures"]);
        Assert.Empty(ServeCommand.UnknownKeys(configuration, environment));
    }

    [Fact]
    public void UnknownKeys_EverySettingTheServerReads_NoneReported()
    {
        // Nested lists and objects, the security and keep-alive settings bound to VGate:Server, and the sink's section.
        var file = Write($$"""
            { "VGate": { {{Keyspace}}, "Limits": { "MaxRequestBytes": 100 }, "RetryDelay": "00:00:02",
              "Server": { "Listen": "127.0.0.1:1", "UsersFile": "u.json", "ClientCertificateMode": "AllowCertificate", "Cell": "c" },
              "KafkaSink": { "Gateway": "x:1", "Whatever": "the sink checks its own section" } },
              "Logging": { "LogLevel": { "Default": "Warning" } } }
            """);

        // VGATE_DB_PASSWORD: a secret for {env:VGATE_DB_PASSWORD}, not a setting.
        var environment = new Hashtable { ["VGATE_DB_PASSWORD"] = "secret" };
        var configuration = ServeCommand.CreateBuilder(file, new Dictionary<string, string?>(), environment).Configuration;

        Assert.Empty(ServeCommand.UnknownKeys(configuration, environment));
    }

    [Fact]
    public void UnknownKeys_DotNetFormOfAVGateVariable_NotTakenAsAPrefixedOne()
    {
        // VGate__FanOut__ShareReaders is .NET's form of VGate:FanOut:ShareReaders (docs/cli.md); the VGATE_ prefix is
        // case-insensitive, and it once turned this name into the unknown key VGate:_FanOut:ShareReaders.
        var file = Write($$"""{ "VGate": { {{Keyspace}} } }""");
        var environment = new Hashtable { ["VGate__FanOut__ShareReaders"] = "false", ["VGATE_FanOut__ShareReaders"] = "true" };

        var configuration = ServeCommand.CreateBuilder(file, new Dictionary<string, string?>(), environment).Configuration;

        Assert.Empty(ServeCommand.UnknownKeys(configuration, environment));
        Assert.Equal("true", configuration["VGate:FanOut:ShareReaders"]);
        Assert.DoesNotContain(VGate.Kafka.Cli.VGateConfiguration.EnvironmentSettings(environment).Keys, key => key.Contains(":_", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownKeys_TyposInFileAndEnvironment_NamedWithTheirFullKey()
    {
        var file = Write($$"""{ "VGate": { {{Keyspace}}, "Server": { "Listn": "127.0.0.1:1" }, "Keyspaces": [{ "Shards": [{ "Sourcs": [] , "Sources": [{ "Url": "x" }] }] }] } }""");
        var environment = new Hashtable { ["VGATE_Limits__MaxRequestByte"] = "1" };

        var configuration = ServeCommand.CreateBuilder(file, new Dictionary<string, string?>(), environment).Configuration;

        Assert.Equal(["VGate:Keyspaces:0:Shards:0:Sources:0:Url", "VGate:Keyspaces:0:Shards:0:Sourcs", "VGate:Limits:MaxRequestByte", "VGate:Server:Listn"],
            ServeCommand.UnknownKeys(configuration, environment));
    }

    [Fact]
    public async Task CheckConfig_Valid_Exit0WithoutListening()
    {
        var file = Write($$"""{ "VGate": { {{Keyspace}} } }""");
        using var error = new StringWriter();

        var exit = await ServeCommand.RunAsync(["--config", file, "--listen", "127.0.0.1:1", "--check-config"], error, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.StartsWith("vgate: configuration valid: 1 keyspace(s)", Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "VGate": { KS, "Server": { "Lisen": "127.0.0.1:1" } } }""", "vgate: invalid configuration: unknown setting 'VGate:Server:Lisen'")]
    [InlineData("""{ "VGate": { KS, "RetryDelay": "soon" } }""", "vgate: invalid configuration: Failed to convert configuration value 'soon' at 'VGate:RetryDelay'")]
    [InlineData("""{ "VGate": { KS, "Server": { "Listen": "0.0.0.0:1" } } }""", "vgate: invalid configuration: VGate:Server:Listen '0.0.0.0:1' listens beyond loopback")]
    public async Task CheckConfig_Invalid_Exit1WithOneLineNamingTheSetting(string json, string expected)
    {
        var file = Write(json.Replace("KS", Keyspace, StringComparison.Ordinal));
        using var error = new StringWriter();

        var exit = await ServeCommand.RunAsync(["--config", file, "--check-config"], error, CancellationToken.None);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }
}
