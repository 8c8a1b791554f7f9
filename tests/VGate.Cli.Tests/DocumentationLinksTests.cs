using System.Text.RegularExpressions;

namespace VGate.Cli.Tests;

/// <summary>
/// README.md, CHANGELOG.md and docs/ link only inside the repository (the documentation ships with the code and must
/// not depend on pages elsewhere), and every relative link points at a file or folder that exists.
/// </summary>
public sealed partial class DocumentationLinksTests
{
    private static readonly string[] TopLevelFiles = ["README.md", "CHANGELOG.md"];

    [Fact]
    public void Links_InReadmeChangelogAndDocs_StayInsideTheRepositoryAndExist()
    {
        var root = DeploymentFilesTests.RepositoryRoot();
        var files = TopLevelFiles.Select(f => Path.Combine(root, f))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .ToList();
        var problems = new List<string>();
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(root, file);
            foreach (Match link in LinkPattern().Matches(File.ReadAllText(file)))
            {
                var target = link.Groups[1].Value;
                if (target.StartsWith('#'))
                    continue;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    problems.Add($"{name}: link outside the repository: {target}");
                    continue;
                }
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target.Split('#')[0]));
                if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    problems.Add($"{name}: link leaves the repository: {target}");
                else if (!File.Exists(path) && !Directory.Exists(path))
                    problems.Add($"{name}: link to a missing file: {target}");
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(files.Count >= 10, $"only {files.Count} documentation files found under {root}");
    }

    // [text](target) — not images' sizes or code, which hold no such pattern in these files.
    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkPattern();
}
