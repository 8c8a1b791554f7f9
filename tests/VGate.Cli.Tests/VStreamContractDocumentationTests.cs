using System.Text.RegularExpressions;
using Binlogdata;
using Vtgate;

namespace VGate.Cli.Tests;

/// <summary>
/// docs/vstream-contract.md keeps up with the protos and the tests: it names every <c>VEventType</c> value of
/// proto/binlogdata.proto and every <c>VStreamFlags</c> field of proto/vtgate.proto (as <c>`NAME`</c>), every test class and
/// test method it cites as pinning a rule exists, and README.md and docs/architecture.md link it. A value added to a proto,
/// or a test renamed, fails here until the contract says what VGate does with it.
/// </summary>
public sealed partial class VStreamContractDocumentationTests
{
    private static readonly string Root = DeploymentFilesTests.RepositoryRoot();

    private static readonly Lazy<string> Contract = new(() => File.ReadAllText(Path.Combine(Root, "docs", "vstream-contract.md")));

    [Fact]
    public void Contract_NamesEveryVEventTypeOfTheProto()
    {
        var names = ProtoBlock("binlogdata.proto", "enum VEventType").Select(line => EnumValue().Match(line))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

        // The parse saw the whole enum: as many values as the generated code has.
        Assert.Equal(Enum.GetValues<VEventType>().Length, names.Count);
        var missing = names.Where(n => !Contract.Value.Contains($"`{n}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/vstream-contract.md does not name VEventType {string.Join(", ", missing)}");
    }

    [Fact]
    public void Contract_NamesEveryVStreamFlagsFieldOfTheProto()
    {
        var names = ProtoBlock("vtgate.proto", "message VStreamFlags").Select(line => MessageField().Match(line))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(VStreamFlags.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name), names);
        var missing = names.Where(n => !Contract.Value.Contains($"`{n}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/vstream-contract.md does not name VStreamFlags field {string.Join(", ", missing)}");
    }

    /// <summary>The test classes and methods the contract cites as pinning its rules exist under tests/.</summary>
    [Fact]
    public void Contract_TestsItCites_Exist()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToList();
        var classes = sources.SelectMany(s => ClassDeclaration().Matches(s)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var methods = sources.SelectMany(s => MethodDeclaration().Matches(s)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var citedClasses = TestClassName().Matches(Contract.Value).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        // `Method` or `SomeTests.Method` (the class part is checked as a cited class above).
        var citedMethods = CodeSpan().Matches(Contract.Value).Select(m => m.Groups[1].Value)
            .Select(span => span.Split('.') is [var type, var member] && type.EndsWith("Tests", StringComparison.Ordinal) ? member : span)
            .Where(IsTestMethodName).ToHashSet(StringComparer.Ordinal);

        Assert.True(citedClasses.Count >= 40, $"only {citedClasses.Count} test classes cited");
        Assert.True(citedMethods.Count >= 40, $"only {citedMethods.Count} test methods cited");
        var missing = citedClasses.Where(c => !classes.Contains(c)).Select(c => "class " + c)
            .Concat(citedMethods.Where(m => !methods.Contains(m)).Select(m => "method " + m)).ToList();
        Assert.True(missing.Count == 0, $"docs/vstream-contract.md cites tests that do not exist: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Contract_LinkedFromReadmeAndArchitecture()
    {
        Assert.Contains("](docs/vstream-contract.md)", File.ReadAllText(Path.Combine(Root, "README.md")), StringComparison.Ordinal);
        Assert.Contains("](vstream-contract.md)", File.ReadAllText(Path.Combine(Root, "docs", "architecture.md")), StringComparison.Ordinal);
    }

    /// <summary>The lines between <paramref name="header"/>'s opening brace and its closing brace in proto/<paramref name="file"/>.</summary>
    private static string[] ProtoBlock(string file, string header)
    {
        var text = File.ReadAllText(Path.Combine(Root, "proto", file));
        var start = text.IndexOf(header + " {", StringComparison.Ordinal);
        Assert.True(start >= 0, $"proto/{file} has no '{header} {{'");
        var end = text.IndexOf("\n}", start, StringComparison.Ordinal);
        Assert.True(end > start, $"proto/{file}: '{header}' is not closed");
        return text[start..end].Split('\n').Skip(1).ToArray();
    }

    /// <summary>A method name as the contract cites one: mixed case with an underscore (<c>Stream_Idle_SendsHeartbeats</c>).</summary>
    private static bool IsTestMethodName(string text) =>
        TestMethodShape().IsMatch(text) && text.Any(char.IsLower);

    // "  BEGIN = 2;"
    [GeneratedRegex(@"^\s*([A-Z][A-Z0-9_]*)\s*=\s*\d+\s*;")]
    private static partial Regex EnumValue();

    // "  repeated string tables_to_copy = 9;"
    [GeneratedRegex(@"^\s*(?:repeated\s+)?[\w.]+\s+(\w+)\s*=\s*\d+\s*;")]
    private static partial Regex MessageField();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*Tests\b")]
    private static partial Regex TestClassName();

    [GeneratedRegex(@"`([^`\s]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]+$")]
    private static partial Regex TestMethodShape();

    [GeneratedRegex(@"\bclass\s+([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"\b(?:void|Task)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex MethodDeclaration();
}
