using System.Text.Json;
using System.Text.RegularExpressions;
using Vtgate;
using VGate.Server.Tests.Infrastructure;

namespace VGate.Server.Tests;

/// <summary>
/// docs/metrics.md documents every metric the server exposes and every metric the shipped Grafana dashboard
/// (deploy/grafana/vgate-dashboard.json) queries; the dashboard is valid JSON.
/// </summary>
public sealed partial class DashboardTests
{
    [Fact]
    public void Dashboard_EveryQueriedMetric_DocumentedInMetricsMd()
    {
        var documented = DocumentedMetrics();
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "grafana", "vgate-dashboard.json")));

        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(queried);
        // A histogram is queried through its series: name_bucket, name_sum, name_count.
        Assert.DoesNotContain(queried, m => !documented.Contains(m) && !documented.Contains(HistogramSeries().Replace(m, "")));
    }

    [Fact]
    public async Task Metrics_EveryExposedMetric_DocumentedInMetricsMd()
    {
        var documented = DocumentedMetrics();
        await using var host = await TestServerHost.StartAsync();
        await host.Client.ExecuteAsync(new ExecuteRequest { Query = new Query.BoundQuery { Sql = "SHOW VITESS_SHARDS" } });
        using (var call = host.Client.VStream(new VStreamRequest()))
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        }
        using var http = host.CreateHttpClient();

        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var exposed = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();

        Assert.Contains("vgate_server_shard_ready", exposed);
        Assert.Contains("vgate_server_vstreams_total", exposed);
        Assert.DoesNotContain(exposed, m => !documented.Contains(m));
    }

    /// <summary>The metric names in the first column of docs/metrics.md's tables.</summary>
    private static HashSet<string> DocumentedMetrics() =>
        File.ReadLines(Path.Combine(RepositoryRoot(), "docs", "metrics.md"))
            .Select(l => DocumentedRow().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VGate.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("VGate.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    [GeneratedRegex("vgate_[a-z0-9_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^\| `([a-z_][a-z0-9_]*)` \|")]
    private static partial Regex DocumentedRow();
}
