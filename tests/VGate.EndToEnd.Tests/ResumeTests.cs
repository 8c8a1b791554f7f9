using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Resume (vstream-spec §2.5, §2.12): a client that stops at any point and reconnects with the VGTID of the last unit
/// it finished gets every later transaction exactly once.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class ResumeTests(ITestOutputHelper output)
{
    private enum StopMode
    {
        /// <summary>After N events, whatever they are.</summary>
        AfterEvents,

        /// <summary>At a ROW (after N events), i.e. after a ROW and before its COMMIT.</summary>
        AfterRow,

        /// <summary>At a VGTID inside a transaction (after N events): the position arrived, the COMMIT did not.</summary>
        AfterVgtidBeforeCommit,
    }

    [ServerFact]
    public Task VStream_ClientStopsAtRandomPointsAndResumes_EveryTransactionOnceAndReplayMatchesTables() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(8), async scenario =>
        {
            var token = scenario.Deadline;
            var random = new Random(scenario.Seed);
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var start = await cluster.PositionsAsync(token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;

            using var stopWriters = CancellationTokenSource.CreateLinkedTokenSource(token);
            var workload = new Workload(cluster, scenario.Seed);
            var writing = workload.RunAsync(writers: 4, transactionsPerWriter: int.MaxValue, stopWriters.Token, pause: TimeSpan.FromMilliseconds(2));

            var resume = new VGtid();
            foreach (var shard in cluster.Shards)
                resume.ShardGtids.Add(new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = shard.Name, Gtid = start[shard.Name] });
            var received = new List<StreamedTransaction>();
            Dictionary<string, string>? end = null;
            var cutMidTransaction = 0;
            const int StoppedRounds = 30;
            for (var round = 1; ; round++)
            {
                if (round > StoppedRounds && end is null)
                {
                    await stopWriters.CancelAsync();
                    await writing;
                    end = await cluster.PositionsAsync(token);
                    scenario.Log($"writers stopped after {workload.Committed.Count} transactions; positions {string.Join(", ", end.Select(p => p.Key + "=" + p.Value))}");
                }

                var checker = new StreamChecker(ShardCluster.Keyspace, resume.ShardGtids);
                var request = new VStreamRequest { Vgtid = resume.Clone(), Flags = new VStreamFlags { HeartbeatInterval = 1 } };
                var mode = (StopMode)random.Next(3);
                var after = random.Next(0, 300);
                using (var reader = new VStreamReader(gateway.Client, request, checker, cancellationToken: token))
                {
                    if (end is not null)
                    {
                        await reader.ReadUntilAsync((c, _) => !c.InTransaction && cluster.Shards.All(s =>
                            Positions.Sequence(c.PositionOf(s.Name)) >= Positions.Sequence(end[s.Name])), token);
                    }
                    else if (after == 0)
                    {
                        // Gone before the first response: the server must cope with a client that leaves at once.
                    }
                    else
                    {
                        await reader.ReadUntilAsync((c, e) => c.Events >= after && mode switch
                        {
                            StopMode.AfterEvents => true,
                            StopMode.AfterRow => e.Type == VEventType.Row,
                            _ => e.Type == VEventType.Vgtid && c.InTransaction,
                        }, token);
                    }
                }

                var cut = checker.InTransaction;
                if (cut)
                    cutMidTransaction++;
                checker.AbandonOpenTransaction();
                received.AddRange(checker.Transactions);
                scenario.Log($"round {round}: {(end is null ? mode + " after " + after : "to the end")}: {checker.Events} events, " +
                    $"{checker.Transactions.Count} transactions{(cut ? ", cut mid-transaction" : "")}; resume from " +
                    string.Join(", ", (checker.ResumeVgtid ?? resume).ShardGtids.Select(s => s.Shard + "=" + s.Gtid)));
                resume = checker.ResumeVgtid ?? resume;
                if (end is not null)
                    break;
            }

            Assert.True(cutMidTransaction > 0, "no round stopped inside a transaction; the scenario did not test what it should");
            var committed = workload.Committed.ToList();
            foreach (var shard in cluster.Shards)
            {
                Audit.StreamMatchesCommitted(received, committed, shard.Name,
                    Positions.Sequence(start[shard.Name])!.Value, Positions.Sequence(end![shard.Name])!.Value);

                var replayed = new SortedDictionary<long, string?[]>();
                foreach (var unit in received.Where(t => t.Shard == shard.Name))
                    Audit.Apply(replayed, unit.Changes);
                Audit.TablesEqual(shard.Name, await Workload.ReadTableAsync(shard, token), replayed);
            }
            scenario.Log($"{received.Count} transactions received over {StoppedRounds + 1} connections, {cutMidTransaction} cut mid-transaction; " +
                $"{committed.Count} committed; tables match the replay");
        });
}
