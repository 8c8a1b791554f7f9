using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Every bad input and failing source, over the wire: the gRPC status code of Vitess's mapping (vstream-spec §1.5,
/// §2.12; DESIGN "Errors") and a message that says what is wrong and where; and a server that stays healthy after it.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class ErrorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(4);

    [ServerFact]
    public Task VStream_BadRequests_InvalidArgumentNamingTheProblem() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;
            var good = "MariaDB/" + await cluster.Shards[0].Server.GetGtidBinlogPosAsync(token);

            var cases = new (string Name, VStreamRequest Request, string[] Expected)[]
            {
                ("empty vgtid", Request(), ["vgtid must have at least one value"]),
                ("malformed position", Request(Entry("ks", "-80", "MariaDB/not-a-gtid")), ["invalid position 'MariaDB/not-a-gtid'", "ks/-80"]),
                ("unknown flavor", Request(Entry("ks", "-80", "Oracle/1-2-3")), ["invalid position 'Oracle/1-2-3'"]),
                ("shard \"\" with a position", Request(Entry("ks", "", good)), ["gtid must be 'current' or empty", "ks"]),
                ("unknown keyspace", Request(Entry("nope", "-80", "current")), ["keyspace nope not found"]),
                ("unknown shard", Request(Entry("ks", "40-80", "current")), ["shard 40-80 not found in keyspace ks"]),
                ("shard listed twice", Request(Entry("ks", "-80", "current"), Entry("ks", "-80", "current")), ["ks/-80 is listed more than once"]),
                ("bad keyspace regex", Request(Entry("/[", "", "current")), ["invalid keyspace regex '/['"]),
                ("no keyspace matches", Request(Entry("/^zzz$/", "", "current")), ["no keyspace matches '/^zzz$/'"]),
                ("empty keyspace with a position", Request(Entry("", "", good)), ["the gtid value must be 'current'"]),
                ("unsupported tablet type", Request(Topodata.TabletType.Backup, Entry("ks", "-80", "current")), ["tablet type Backup cannot be streamed"]),
                ("filter regex that does not compile", Request(Filter("/[", ""), Entry("ks", "-80", "current")), ["filter rule #1 match '/['", "error parsing regexp"]),
            };
            foreach (var (name, request, expected) in cases)
            {
                var error = await ErrorOfAsync(gateway.Client, request, token);
                AssertStatus(scenario, name, error, StatusCode.InvalidArgument, expected);
            }
            await AssertHealthyAsync(gateway, cluster, token);
        });

    /// <summary>
    /// A select filter can only be checked against the table's columns, so (as in Vitess) it fails when the first row of
    /// its table arrives: the stream then ends with INVALID_ARGUMENT naming the table and the offending text.
    /// </summary>
    [ServerFact]
    public Task VStream_FilterThatCannotApplyToItsTable_InvalidArgumentWhenTheTableIsReached() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;
            var shard = cluster.Shards[0];
            var cases = new (string Name, Filter Filter, string[] Expected)[]
            {
                ("filter that is not SQL", Filter("t", "select nope from"), ["table t", "nope"]),
                ("filter naming another table", Filter("t", "select * from other"), ["table t", "other"]),
                ("filter on an unknown column", Filter("t", "select id, nope from t"), ["table t", "nope"]),
                ("filter with an unsupported expression", Filter("t", "select id from t where id + 1 = 2"), ["table t"]),
                ("malformed key range", Filter("/.*", "80-zz"), ["table t", "80-zz"]),
            };
            var generation = 0;
            foreach (var (name, filter, expected) in cases)
            {
                var request = Request(filter, Entry("ks", shard.Name, "current"));
                var checker = new StreamChecker(ShardCluster.Keyspace, request.Vgtid.ShardGtids);
                using var reader = new VStreamReader(gateway.Client, request, checker, cancellationToken: token);
                await reader.ReadUntilAsync((c, _) => c.Transactions.Count > 0, token);
                await new Workload(cluster, scenario.Seed, generation++, onlyShard: shard.Name).RunAsync(1, 1, token);
                var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadUntilAsync((_, _) => false, token));
                AssertStatus(scenario, name, error, StatusCode.InvalidArgument, expected);
            }
            await AssertHealthyAsync(gateway, cluster, token);
        });

    [ServerFact]
    public Task VStream_PositionWhoseBinlogsArePurged_FailedPreconditionSayingSo() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var shard = cluster.Shards[0];
            await new Workload(cluster, scenario.Seed, onlyShard: shard.Name).RunAsync(1, 3, token);
            var old = "MariaDB/" + await shard.Server.GetGtidBinlogPosAsync(token);
            await new Workload(cluster, scenario.Seed, generation: 1, onlyShard: shard.Name).RunAsync(1, 3, token);
            await shard.Server.FlushLogsAsync(token);
            await new Workload(cluster, scenario.Seed, generation: 2, onlyShard: shard.Name).RunAsync(1, 3, token);
            await shard.Server.PurgeAllButCurrentAsync(token);
            await using var gateway = await GatewayHost.StartAsync(WithFastRetries(cluster.GatewaySettings()));
            scenario.Gateway = gateway;

            var error = await ErrorOfAsync(gateway.Client, Request(Entry("ks", shard.Name, old)), token);
            AssertStatus(scenario, $"resume from {old} after PURGE BINARY LOGS", error, StatusCode.FailedPrecondition, "ks/" + shard.Name, "purged");
            await AssertHealthyAsync(gateway, cluster, token);
        });

    [ServerFact]
    public Task VStream_SourceWithStatementBinlogFormat_FailedPreconditionNamingTheSetting() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token, (i, o) => i == 1 ? o with { BinlogFormat = BinlogFormat.Statement } : o);
            await using var gateway = await GatewayHost.StartAsync(WithFastRetries(cluster.GatewaySettings()));
            scenario.Gateway = gateway;

            var error = await ErrorOfAsync(gateway.Client, Request(Entry("ks", "", "current")), token);
            AssertStatus(scenario, $"shard {cluster.Shards[1].Name} with binlog_format=STATEMENT", error, StatusCode.FailedPrecondition,
                "ks/" + cluster.Shards[1].Name, "binlog_format", "ROW");
        });

    /// <summary>
    /// A MINIMAL row image is refused with Vitess's own words ("minimal binlog_row_image is not supported by Vitess
    /// VReplication", vreplicator.go / vstreamer_test.go TestMinimalMode), which clients match on, prefixed by the shard.
    /// </summary>
    [ServerFact]
    public Task VStream_SourceWithMinimalRowImage_FailedPreconditionWithVitessText() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token, (i, o) => i == 1 ? o with { BinlogRowImage = BinlogRowImage.Minimal } : o);
            await using var gateway = await GatewayHost.StartAsync(WithFastRetries(cluster.GatewaySettings()));
            scenario.Gateway = gateway;

            var error = await ErrorOfAsync(gateway.Client, Request(Entry("ks", "", "current")), token);
            AssertStatus(scenario, $"shard {cluster.Shards[1].Name} with binlog_row_image=MINIMAL", error, StatusCode.FailedPrecondition,
                "ks/" + cluster.Shards[1].Name);
            Assert.Contains("minimal binlog_row_image is not supported by Vitess VReplication", error.Status.Detail, StringComparison.Ordinal);
        });

    [ServerFact]
    public Task VStream_WrongSourcePasswordInTopology_FailedPreconditionNamingTheSource() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var wrong = cluster.Shards[1];
            var settings = cluster.GatewaySettings(s => s == wrong
                ? s.Server.ReplicationUri.ToString().Replace(s.Server.ReplicationPassword, "wrong-password", StringComparison.Ordinal)
                : s.Server.ReplicationUri.ToString());
            await using var gateway = await GatewayHost.StartAsync(WithFastRetries(settings));
            scenario.Gateway = gateway;

            var error = await ErrorOfAsync(gateway.Client, Request(Entry("ks", "", "current")), token);
            AssertStatus(scenario, $"wrong password for {wrong.Name}", error, StatusCode.FailedPrecondition, "ks/" + wrong.Name, "Access denied");
            Assert.DoesNotContain("wrong-password", error.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-password", gateway.Logs.Dump(Microsoft.Extensions.Logging.LogLevel.Trace), StringComparison.Ordinal);
        });

    [ServerFact]
    public Task VStream_ClientDisconnectsMidTransaction_ServerReleasesItsReadersAndServesTheNextClient() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var start = await cluster.PositionsAsync(token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;
            var workload = new Workload(cluster, scenario.Seed);
            await workload.RunAsync(writers: 2, transactionsPerWriter: 30, token);
            var end = await cluster.PositionsAsync(token);
            var request = Request(cluster.Shards.Select(s => Entry("ks", s.Name, start[s.Name])).ToArray());

            for (var client = 0; client < 3; client++)
            {
                var cut = new StreamChecker(ShardCluster.Keyspace, request.Vgtid.ShardGtids);
                using (var reader = new VStreamReader(gateway.Client, request, cut, cancellationToken: token))
                    await reader.ReadUntilAsync((c, e) => e.Type == VEventType.Row && c.Transactions.Count >= client * 5, token);
                Assert.True(cut.InTransaction);
            }

            // The readers of the abandoned streams are gone from the shards, and the server says it is fine.
            foreach (var shard in cluster.Shards)
            {
                await Eventually.AssertAsync(
                    async () => Assert.Equal(0L, await shard.Server.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'", token)),
                    TestDeadline.Default,
                    token);
            }
            await AssertHealthyAsync(gateway, cluster, token);

            // The next client gets everything, exactly once.
            var checker = new StreamChecker(ShardCluster.Keyspace, request.Vgtid.ShardGtids);
            using (var reader = new VStreamReader(gateway.Client, request, checker, cancellationToken: token))
            {
                await reader.ReadUntilAsync((c, _) => !c.InTransaction && cluster.Shards.All(s =>
                    Positions.Sequence(c.PositionOf(s.Name)) >= Positions.Sequence(end[s.Name])), token);
            }
            foreach (var shard in cluster.Shards)
            {
                Audit.StreamMatchesCommitted(checker.Transactions, workload.Committed.ToList(), shard.Name,
                    Positions.Sequence(start[shard.Name])!.Value, Positions.Sequence(end[shard.Name])!.Value);
            }
            Assert.DoesNotContain(gateway.Logs.Records, r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        });

    [ServerFact]
    public Task VStream_ShardKilledMidStream_UnavailableAfterRetriesNamingTheShard() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var victim = cluster.Shards[1];
            await using var gateway = await GatewayHost.StartAsync(WithFastRetries(cluster.GatewaySettings()));
            scenario.Gateway = gateway;
            var request = Request(Entry("ks", "", "current"));
            var checker = StreamChecker.ForAllShards(cluster, "current");
            using var reader = new VStreamReader(gateway.Client, request, checker, cancellationToken: token);
            await reader.ReadUntilAsync((c, _) => cluster.Shards.All(s => c.Of(s.Name).Any()), token);
            var workload = new Workload(cluster, scenario.Seed);
            await workload.RunAsync(writers: 1, transactionsPerWriter: 10, token);
            var positions = await cluster.PositionsAsync(token);
            await reader.ReadUntilAsync((c, _) => !c.InTransaction && cluster.Shards.All(s =>
                Positions.Sequence(c.PositionOf(s.Name)) >= Positions.Sequence(positions[s.Name])), token);

            await victim.Server.KillAsync();
            scenario.Log($"killed {victim.Name} (port {victim.Server.Port})");
            var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadUntilAsync((_, _) => false, token));
            AssertStatus(scenario, $"after killing {victim.Name}", error, StatusCode.Unavailable, "ks/" + victim.Name, "giving up");
            // The gateway lives on, and says it is not ready once its health check finds the shard's only source gone.
            await Eventually.AssertAsync(async () => Assert.Equal(NotServing, await gateway.HealthAsync(token)), TestDeadline.Default, token);
        });

    /// <summary>Logs the error and checks its code and that its message mentions each text (case-insensitively, as people read it).</summary>
    private static void AssertStatus(Scenario scenario, string what, RpcException error, StatusCode expected, params string[] mentions)
    {
        scenario.Log($"{what}: {error.StatusCode}: {error.Status.Detail}");
        Assert.True(error.StatusCode == expected, $"{what}: {error.StatusCode} ({error.Status.Detail}), expected {expected}");
        foreach (var text in mentions)
            Assert.True(error.Status.Detail.Contains(text, StringComparison.OrdinalIgnoreCase), $"{what}: '{error.Status.Detail}' does not mention '{text}'");
    }

    private static Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus HealthStatus => Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving;

    private static Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus NotServing => Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing;

    /// <summary>Retries 100 ms apart instead of 1 s, so the three attempts before UNAVAILABLE take no time.</summary>
    private static Dictionary<string, string?> WithFastRetries(Dictionary<string, string?> settings)
    {
        settings["VGate:RetryDelay"] = "00:00:00.100";
        return settings;
    }

    private static ShardGtid Entry(string keyspace, string shard, string gtid) => new() { Keyspace = keyspace, Shard = shard, Gtid = gtid };

    private static Filter Filter(string match, string filter) => new() { Rules = { new Rule { Match = match, Filter = filter } } };

    private static VStreamRequest Request(params ShardGtid[] entries) => Request(null, Topodata.TabletType.Primary, entries);

    private static VStreamRequest Request(Filter filter, params ShardGtid[] entries) => Request(filter, Topodata.TabletType.Primary, entries);

    private static VStreamRequest Request(Topodata.TabletType tabletType, params ShardGtid[] entries) => Request(null, tabletType, entries);

    private static VStreamRequest Request(Filter? filter, Topodata.TabletType tabletType, ShardGtid[] entries)
    {
        var request = new VStreamRequest { Vgtid = new VGtid(), TabletType = tabletType };
        request.Vgtid.ShardGtids.AddRange(entries);
        if (filter is not null)
            request.Filter = filter;
        return request;
    }

    /// <summary>Calls VStream and reads until the call fails; returns the status.</summary>
    private static async Task<RpcException> ErrorOfAsync(Vtgateservice.Vitess.VitessClient client, VStreamRequest request, CancellationToken cancellationToken)
    {
        using var call = client.VStream(request, cancellationToken: cancellationToken);
        try
        {
            while (await call.ResponseStream.MoveNext(cancellationToken))
            {
            }
        }
        catch (RpcException ex)
        {
            return ex;
        }
        throw new Xunit.Sdk.XunitException("the stream ended without an error");
    }

    /// <summary>Health SERVING (within a deadline), and a fresh stream of every shard from <c>current</c> works.</summary>
    private static async Task AssertHealthyAsync(GatewayHost gateway, ShardCluster cluster, CancellationToken cancellationToken)
    {
        // Ready again once the health checks have seen every shard's source back (polled: they run every Health:Interval).
        await Eventually.AssertAsync(async () => Assert.Equal(HealthStatus, await gateway.HealthAsync(cancellationToken)), TestDeadline.Default, cancellationToken);
        var checker = StreamChecker.ForAllShards(cluster, "current");
        using var reader = new VStreamReader(gateway.Client, Request(Entry("ks", "", "current")), checker, cancellationToken: cancellationToken);
        await reader.ReadUntilAsync((c, _) => cluster.Shards.All(s => c.Of(s.Name).Any()), cancellationToken);
    }
}
