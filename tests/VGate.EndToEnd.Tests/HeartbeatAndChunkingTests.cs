using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Gateway heartbeats on an idle stream (<c>heartbeat_interval</c>, vstream-spec §2.4, §2.10), and a 200 MB transaction
/// delivered with <c>transaction_chunk_size</c> under a response-size cap (§2.4, issue item "chunking of a 200 MB
/// transaction").
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class HeartbeatAndChunkingTests(ITestOutputHelper output)
{
    [ServerFact]
    public Task VStream_HeartbeatInterval_HeartbeatsWhileIdleAndDataStillFlows() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(3), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;
            var request = new VStreamRequest
            {
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Gtid = "current" } } },
                Flags = new VStreamFlags { HeartbeatInterval = 1 },
            };
            var checker = StreamChecker.ForAllShards(cluster, "current");
            var heartbeats = new List<VEvent>();
            using var reader = new VStreamReader(gateway.Client, request, checker, cancellationToken: token);

            await reader.ReadUntilAsync((c, e) => Collect(e) && heartbeats.Count >= 3, token);
            var workload = new Workload(cluster, scenario.Seed);
            await workload.RunAsync(writers: 1, transactionsPerWriter: 1, token);
            var written = workload.Committed.Single();
            await reader.ReadUntilAsync((c, _) => c.Of(written.Shard).Any(t => t.Sequence == written.Sequence), token);
            var beforeIdle = heartbeats.Count;
            await reader.ReadUntilAsync((c, e) => Collect(e) && heartbeats.Count >= beforeIdle + 2, token);

            Assert.All(heartbeats, h => Assert.True(h.Timestamp > 0 && h.CurrentTime > 0 && h.Vgtid is null));
            Assert.True(heartbeats.Zip(heartbeats.Skip(1)).All(p => p.Second.CurrentTime > p.First.CurrentTime), "heartbeat times go back");
            Assert.Equal(written.Ops.Count, checker.Of(written.Shard).Single(t => t.Sequence == written.Sequence).Changes.Count);
            scenario.Log($"{heartbeats.Count} heartbeats, {checker.Transactions.Count} units (VGTID+OTHER per shard, one transaction)");

            bool Collect(VEvent e)
            {
                if (e.Type == VEventType.Heartbeat)
                    heartbeats.Add(e);
                return e.Type == VEventType.Heartbeat;
            }
        });

    /// <summary>
    /// 3,300 rows of 64,000-byte blobs (211 MB) in ONE transaction on one shard while another shard keeps committing
    /// small ones; the server runs as its own process (<c>vgate serve</c>) with a 1,000,000-byte response cap and the
    /// client asks for 2 MiB chunks, keeping gRPC's default 4 MiB receive limit.
    /// </summary>
    [ServerFact]
    public Task VStream_TransactionOf200MB_ArrivesWholeInOrderSplitUnderTheCapWithoutTheServerHoldingIt() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(15), async scenario =>
        {
            const int RowCount = 3_300;
            const int PayloadBytes = 64_000;
            const int Cap = 1_000_000;
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token, extraDdl: "CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, payload LONGBLOB NOT NULL)");
            var settings = cluster.GatewaySettings();
            settings["VGate:Keyspaces:0:Vindexes:big:Type"] = "hash";
            settings["VGate:Keyspaces:0:Vindexes:big:Columns:0"] = "id";
            settings["VGate:MaxResponseBytes"] = Cap.ToString(CultureInfo.InvariantCulture);
            // One subscriber: the fan-out hub's ring (16 MiB by default) would only add a buffer this test does not measure.
            settings["VGate:FanOut:RingBytes"] = (8 * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
            // The managed heap may not grow past 160 MB, less than the transaction: a server that held it would fail.
            // (Peak RSS alone depends on when the GC runs: it once came within 2% of the transaction's size without holding it.)
            await using var server = await GatewayProcess.StartAsync(settings, token,
                new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0xA000000" });
            var (startRss, _) = server.Memory();

            var bigShard = cluster.Shards[0];
            var otherShard = cluster.Shards[1];
            var ids = Enumerable.Range(1, int.MaxValue).Select(i => (long)i).Where(id => cluster.ShardFor(id) == bigShard).Take(RowCount).ToList();
            var start = await cluster.PositionsAsync(token);
            var request = new VStreamRequest { Vgtid = new VGtid(), Flags = new VStreamFlags { TransactionChunkSize = 2 * 1024 * 1024, HeartbeatInterval = 1 } };
            foreach (var shard in cluster.Shards)
                request.Vgtid.ShardGtids.Add(new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = shard.Name, Gtid = start[shard.Name] });

            // The client checks every big row as it arrives (id order, payload = REPEAT(SHA2(id, 256), 1000)) and keeps none.
            var nextRow = 0;
            long payloadBytes = 0;
            long peakRss = 0;
            var checker = new StreamChecker(ShardCluster.Keyspace, request.Vgtid.ShardGtids)
            {
                KeepRows = false,
                RowObserver = e =>
                {
                    if (e.RowEvent.TableName != ShardCluster.Keyspace + ".big")
                        return;
                    foreach (var change in e.RowEvent.RowChanges)
                    {
                        var id = long.Parse(Encoding.ASCII.GetString(Rows.Cell(change.After, 0)!.Value.Span), CultureInfo.InvariantCulture);
                        var payload = Rows.Cell(change.After, 1)!.Value;
                        Assert.Equal(ids[nextRow++], id);
                        Assert.True(payload.Span.SequenceEqual(Payload(id)), $"row {id}: payload differs");
                        payloadBytes += payload.Length;
                    }
                    if (nextRow % 200 == 0)
                        peakRss = Math.Max(peakRss, server.Memory().Rss);
                },
            };
            var client = new Vtgateservice.Vitess.VitessClient(server.CreateChannel());
            using var reader = new VStreamReader(client, request, checker, cancellationToken: token);

            // The small transactions on the other shard run before, during and after the big one.
            using var stopWriters = CancellationTokenSource.CreateLinkedTokenSource(token);
            var writing = new Workload(cluster, scenario.Seed, onlyShard: otherShard.Name).RunAsync(writers: 1, int.MaxValue, stopWriters.Token, TimeSpan.FromMilliseconds(20));

            await using (var connection = await bigShard.Server.OpenConnectionAsync(ShardCluster.Database, cancellationToken: token))
            await using (var transaction = await connection.BeginTransactionAsync(token))
            {
                foreach (var chunk in ids.Chunk(50))
                {
                    using var insert = new MySqlConnector.MySqlCommand(
                        "INSERT INTO big (id, payload) VALUES " + string.Join(",", chunk.Select(id => string.Create(CultureInfo.InvariantCulture, $"({id}, REPEAT(SHA2({id}, 256), 1000))"))),
                        connection,
                        transaction);
                    await insert.ExecuteNonQueryAsync(token);
                }
                await transaction.CommitAsync(token);
            }
            var bigSequence = Positions.SequenceOfGtid((await bigShard.Server.ScalarAsync<string>("SELECT @@GLOBAL.gtid_binlog_pos", token))!);
            scenario.Log($"committed {RowCount} rows x {PayloadBytes} bytes = {(long)RowCount * PayloadBytes / 1e6:F1} MB in one transaction on {bigShard.Name} (sequence {bigSequence})");

            await reader.ReadUntilAsync((c, _) => !c.InTransaction && Positions.Sequence(c.PositionOf(bigShard.Name)) >= bigSequence, token);
            await stopWriters.CancelAsync();
            await writing;
            var end = await cluster.PositionsAsync(token);
            await reader.ReadUntilAsync((c, _) => !c.InTransaction && Positions.Sequence(c.PositionOf(otherShard.Name)) >= Positions.Sequence(end[otherShard.Name]), token);
            var (rss, peak) = server.Memory();

            var big = Assert.Single(checker.Of(bigShard.Name));
            Assert.Equal(bigSequence, big.Sequence);
            Assert.Equal(RowCount, big.RowCount);
            Assert.Equal(RowCount, nextRow);
            Assert.Equal((long)RowCount * PayloadBytes, payloadBytes);
            Assert.True(big.Responses > 200, $"the transaction came in {big.Responses} responses; with a {Cap}-byte cap it needs over 200");
            Assert.All(reader.ResponseSizes, size => Assert.True(size <= Cap, $"a response of {size} bytes exceeds the {Cap}-byte cap"));
            var otherUnits = checker.Of(otherShard.Name).ToList();
            Assert.Equal(Enumerable.Range(1, otherUnits.Count).Select(i => Positions.Sequence(start[otherShard.Name])!.Value + i), otherUnits.Select(t => t.Sequence!.Value));

            // The server streamed 211 MB without holding it: its resident memory grows by less than the transaction's size.
            scenario.Log($"{big.Responses} responses for the big transaction (largest response {reader.ResponseSizes.Max()} bytes), " +
                $"{otherUnits.Count} small transactions of {otherShard.Name} around it; server RSS at start {startRss / 1e6:F0} MB, " +
                $"sampled max while streaming {peakRss / 1e6:F0} MB, now {rss / 1e6:F0} MB, peak (VmHWM) {peak / 1e6:F0} MB");
            Assert.True(peak - startRss < (long)RowCount * PayloadBytes,
                $"the server's peak RSS grew by {(peak - startRss) / 1e6:F0} MB, not less than the transaction's {(long)RowCount * PayloadBytes / 1e6:F0} MB");
        });

    private static byte[] Payload(long id)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture))));
        return Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(sha, 1000)));
    }
}
