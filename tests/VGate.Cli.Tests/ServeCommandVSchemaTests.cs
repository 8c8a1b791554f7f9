using VGate.Cli.Commands;

namespace VGate.Cli.Tests;

/// <summary><c>vgate serve --vschema</c>: the option's configuration keys and its usage errors.</summary>
public sealed class ServeCommandVSchemaTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"vgate-serve-{Guid.NewGuid():N}");
    private readonly string _file;

    public ServeCommandVSchemaTests()
    {
        Directory.CreateDirectory(_directory);
        _file = Path.Combine(_directory, "vschema.json");
        File.WriteAllText(_file, "{}");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void VSchema_File_SetsVSchemaFile()
    {
        var settings = Build("--shard", "ks/0=mysql://u:p@127.0.0.1:3306", "--vschema", _file);

        Assert.Equal(_file, settings["VGate:VSchemaFile"]);
    }

    [Fact]
    public void VSchema_KeyspaceEqualsFile_SetsThatKeyspacesFile()
    {
        var settings = Build("--shard", "a/0=mysql://u:p@127.0.0.1:3306", "--shard", "b/-80=mysql://u:p@127.0.0.1:3307",
            "--shard", "b/80-=mysql://u:p@127.0.0.1:3308", "--vschema", "b=" + _file);

        Assert.Equal("b", settings["VGate:Keyspaces:1:Name"]);
        Assert.Equal(_file, settings["VGate:Keyspaces:1:VSchemaFile"]);
        Assert.False(settings.ContainsKey("VGate:Keyspaces:0:VSchemaFile"));
    }

    [Theory]
    [InlineData("c={file}", "Option --vschema c=…: no --shard defines keyspace 'c'")]
    [InlineData("missing.json", "Option --vschema: file 'missing.json' does not exist.")]
    [InlineData("a=missing.json", "Option --vschema: file 'missing.json' does not exist.")]
    public void VSchema_Bad_UsageError(string value, string message)
    {
        var ex = Assert.Throws<UsageException>(() => Build("--shard", "a/0=mysql://u:p@127.0.0.1:3306", "--vschema", value.Replace("{file}", _file, StringComparison.Ordinal)));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VSchema_TwoUnnamedFiles_UsageError()
    {
        var ex = Assert.Throws<UsageException>(() => Build("--vschema", _file, "--vschema", _file));

        Assert.Contains("--vschema KEYSPACE=FILE", ex.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Build(params string[] args) =>
        ServeCommand.BuildSettings(CommandLineArguments.Parse(ServeCommand.CreateCommand(), args));
}
