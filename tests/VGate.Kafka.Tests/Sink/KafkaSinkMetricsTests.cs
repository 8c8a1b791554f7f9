using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using VGate.Kafka.Positions;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using Xunit.Abstractions;
using static VGate.Kafka.Tests.Framework.VEvents;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// The sink's <c>MetricsListen</c> endpoint, scraped over HTTP while the sink streams a scripted VStream into librdkafka's
/// mock cluster: its counters agree with what a Kafka consumer reads, the commit latency histogram has a sample per
/// source transaction, the lag gauge follows the events' source timestamps, and <c>/healthz</c> answers.
/// </summary>
public sealed partial class KafkaSinkMetricsTests(KafkaTestCluster kafka, ITestOutputHelper output) : IClassFixture<KafkaTestCluster>, IDisposable
{
    private readonly TestOutputLogger _log = new(output);

    public void Dispose() => _log.Dispose();

    private KafkaSinkOptions Options(GatewayHost host, string prefix, bool transactional)
    {
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        return new()
        {
            Gateway = host.Address,
            Keyspace = Keyspace,
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            Transactional = transactional,
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            KafkaTimeoutMs = 20_000,
            MetricsListen = "127.0.0.1:0",
        };
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Scrape_AfterThreeTransactions_CountersMatchWhatAConsumerReads(bool transactional)
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("orders"), Insert("orders", 1, "a"), Insert("orders", 2, "b"))]);
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("orders", 3, "c")));
        gateway.Add(Transaction("MariaDB/0-1-3", "0", Delete("orders", 3, "c")));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await using var run = SinkRun.Start(Options(host, prefix, transactional), _log);
        await run.WaitForCheckpointAsync(c => c.Vgtid.ShardGtids.Any(s => s.Gtid == "MariaDB/0-1-3"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://{run.Sink.MetricsEndPoint}/") };

        var records = TopicReader.ReadAll(kafka.BootstrapServers, TopicReader.Topics(kafka.BootstrapServers, prefix + "."));
        var sourceTransactions = records.Select(r => r.Header(PositionHeaders.Gtid)).Distinct().Count();
        Assert.Equal(5, records.Count); // two inserts, an insert, a delete and its tombstone
        Assert.Equal(3, sourceTransactions);
        // Counters move at the end of the batch, just after the checkpoint the test waited for.
        var text = await Eventually.UntilAsync(
            () => http.GetStringAsync(new Uri("metrics", UriKind.Relative)),
            t => Value(t, "vgate_kafka_records_total", prefix) == records.Count && Value(t, "vgate_kafka_source_transactions_total", prefix) == sourceTransactions,
            TestDeadline.Default);
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Contains("# TYPE vgate_kafka_records_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE vgate_kafka_commit_latency histogram", text, StringComparison.Ordinal);
        // One latency sample per source transaction committed, all within the +Inf bucket.
        Assert.Equal(sourceTransactions, Value(text, "vgate_kafka_commit_latency_count", prefix));
        Assert.Equal(sourceTransactions, Value(text, "vgate_kafka_commit_latency_bucket", prefix, "le=\"+Inf\""));
        // Batches (Kafka transactions): at least one, never more than the source transactions in them (plus none empty).
        var batches = Value(text, "vgate_kafka_transactions_total", prefix);
        Assert.InRange(batches, 1, sourceTransactions);
        Assert.InRange(Value(text, "vgate_kafka_checkpoints_total", prefix), 1, batches);
        Assert.Equal(0, Value(text, "vgate_kafka_reconnects_total", prefix));
        Assert.Equal(0, Value(text, "vgate_kafka_records_skipped_total", prefix));
        // The scripted events committed at 1,700,000,000 (VEvents): the lag is the time since then, whole seconds apart.
        Assert.InRange(Value(text, "vgate_kafka_lag", prefix), before - 1_700_000_000 - 1, after - 1_700_000_000 + 1);

        // Every metric the sink exposes is in docs/metrics.md's tables.
        var documented = DocumentedMetrics();
        var exposed = text.Split('\n').Where(l => l.StartsWith("# TYPE vgate_kafka_", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(10, exposed.Count);
        Assert.DoesNotContain(exposed, m => !documented.Contains(m));

        Assert.Equal("ok\n", await http.GetStringAsync(new Uri("healthz", UriKind.Relative)));
        using var missing = await http.GetAsync(new Uri("nothing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var post = await http.PostAsync(new Uri("metrics", UriKind.Relative), new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Scrape_GatewayDropsTheStream_CountsTheReconnectAndTheStreamError()
    {
        var gateway = new ScriptedGateway();
        gateway.Add([.. Transaction("MariaDB/0-1-1", "0", Field("t"), Insert("t", 1, "a"))]);
        gateway.Add(Transaction("MariaDB/0-1-2", "0", Insert("t", 2, "b")));
        gateway.FailOnce(afterResponses: 1, VGate.VStreamer.VStreamException.Unavailable("shard 0 lost its source"));
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();

        await using var run = SinkRun.Start(Options(host, prefix, transactional: true), _log);
        await run.WaitForCheckpointAsync(c => c.Vgtid.ShardGtids.Any(s => s.Gtid == "MariaDB/0-1-2"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://{run.Sink.MetricsEndPoint}/") };

        var text = await Eventually.UntilAsync(
            () => http.GetStringAsync(new Uri("metrics", UriKind.Relative)),
            t => Value(t, "vgate_kafka_reconnects_total", prefix) >= 1,
            TestDeadline.Default);
        Assert.True(Value(text, "vgate_kafka_errors_total", prefix, "kind=\"stream\"") >= 1, text);
    }

    [Fact]
    public async Task Endpoint_HalfARequestThenClose_KeepsServing()
    {
        var gateway = new ScriptedGateway();
        await using var host = await GatewayHost.StartAsync(gateway);
        var prefix = KafkaTestCluster.NewPrefix();
        await using var run = SinkRun.Start(Options(host, prefix, transactional: false), _log);
        var endpoint = await Eventually.UntilAsync(() => Task.FromResult(run.Sink.MetricsEndPoint), e => e is not null, TestDeadline.Default);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(endpoint!);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /metr"));
        }
        using (var client = new TcpClient())
        {
            // Not HTTP at all: a 400, and the connection is closed.
            await client.ConnectAsync(endpoint!);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("hello\r\n\r\n"));
            using var reader = new StreamReader(stream, Encoding.ASCII);
            Assert.Equal("HTTP/1.1 400 Bad Request", await reader.ReadLineAsync());
        }
        using var http = new HttpClient { BaseAddress = new Uri($"http://{endpoint}/") };
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri("healthz", UriKind.Relative)));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("::1:9000")]
    public void Validate_BadMetricsListen_NamesTheOption(string listen)
    {
        var options = new KafkaSinkOptions { Gateway = "localhost:15991", Keyspace = "ks", TopicPrefix = "p", BootstrapServers = "localhost:9092", MetricsListen = listen };

        var problems = SinkSettings.Validate(options);

        Assert.Contains(problems, p => p.Contains("MetricsListen", StringComparison.Ordinal));
    }

    /// <summary>The value of the series <paramref name="metric"/>{connector="…"[,<paramref name="extraLabel"/>]}; fails if absent.</summary>
    private static double Value(string text, string metric, string connector, string? extraLabel = null)
    {
        foreach (var line in text.Split('\n'))
        {
            var match = SeriesLine().Match(line);
            if (!match.Success || match.Groups["name"].Value != metric)
                continue;
            var labels = match.Groups["labels"].Value;
            if (!labels.Contains($"connector=\"{connector}\"", StringComparison.Ordinal) || (extraLabel is not null && !labels.Contains(extraLabel, StringComparison.Ordinal)))
                continue;
            return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        throw new Xunit.Sdk.XunitException($"No series {metric}{{connector=\"{connector}\"{(extraLabel is null ? "" : "," + extraLabel)}}} in:\n{text}");
    }

    private static HashSet<string> DocumentedMetrics()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "VGate.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        return File.ReadLines(Path.Combine(directory.FullName, "docs", "metrics.md"))
            .Select(l => DocumentedRow().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\| `(vgate_[a-z0-9_]+)` \|")]
    private static partial Regex DocumentedRow();

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>\S+)$")]
    private static partial Regex SeriesLine();
}
