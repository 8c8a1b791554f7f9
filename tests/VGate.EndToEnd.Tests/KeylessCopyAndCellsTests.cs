using System.Globalization;
using System.Text;
using Binlogdata;
using MySqlConnector;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Issue 15 §2/§3 through the gRPC server over real mariadbd: a table without any key (NULLs, identical rows) copied
/// and resumed from every VGTID with a lastpk the copy sent, each time checked against <c>SELECT</c>; and
/// <c>VStreamFlags.cells</c> selecting the source of a shard with two sources in two cells, whose FIELD carries the
/// timestamp of the ROW it precedes.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class KeylessCopyAndCellsTests(ITestOutputHelper output)
{
    private const string KeylessDdl = "CREATE TABLE nk (a INT, b VARCHAR(120), t TEXT)";

    [ServerFact]
    public Task VStream_KeylessTableWithDuplicatesAndNulls_CopiedAndResumedAtEveryLastPk_EqualsSelect() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(6), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token, extraDdl: KeylessDdl);
            var server = cluster.Shards[0].Server;
            // ~700 KB: several copy batches (of about 250 KB); every (a, b, t) value about six times, some NULLs.
            await server.ExecuteAsync(
                $"USE {ShardCluster.Database}; INSERT INTO nk SELECT IF(seq % 7 = 0, NULL, seq % 500), " +
                "IF(seq % 11 = 0, NULL, CONCAT(REPEAT('x', 100), seq % 500)), REPEAT('y', 100) FROM seq_1_to_3000", token);
            var expected = await SelectAsync(server, token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;

            var full = await CopyAsync(gateway, Request(""), token);
            var resumePoints = full.Where(p => p.Vgtid is not null).ToList();
            scenario.Log($"{expected.Count} rows, copy sent {full.Sum(p => p.Rows.Count)} rows in {resumePoints.Count} batches");
            Assert.Equal(expected, Sorted(full.SelectMany(p => p.Rows)));
            Assert.True(resumePoints.Count >= 3, $"only {resumePoints.Count} batches");

            for (var k = 0; k < resumePoints.Count; k++)
            {
                var before = full.Take(full.IndexOf(resumePoints[k]) + 1).SelectMany(p => p.Rows);
                var request = new VStreamRequest { Vgtid = resumePoints[k].Vgtid, Filter = Filter() };
                var after = await CopyAsync(gateway, request, token);
                Assert.True(expected.SequenceEqual(Sorted(before.Concat(after.SelectMany(p => p.Rows)))), $"resumed at batch {k + 1}");
            }
        });

    [ServerFact]
    public Task VStream_Cells_ReadsOnlyTheSourceInThoseCells_FieldCarriesItsRowsTimestamp() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(4), async scenario =>
        {
            var token = scenario.Deadline;
            // Two servers, both configured as sources of one unsharded shard: "east" and "west".
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var east = cluster.Shards[0].Server;
            var west = cluster.Shards[1].Server;
            var settings = new Dictionary<string, string?>
            {
                ["VGate:Keyspaces:0:Name"] = "cells",
                ["VGate:Keyspaces:0:Database"] = ShardCluster.Database,
                ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
                ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = east.ReplicationUri.ToString(),
                ["VGate:Keyspaces:0:Shards:0:Sources:0:Name"] = "east-1",
                ["VGate:Keyspaces:0:Shards:0:Sources:0:Cell"] = "east",
                ["VGate:Keyspaces:0:Shards:0:Sources:1:Uri"] = west.ReplicationUri.ToString(),
                ["VGate:Keyspaces:0:Shards:0:Sources:1:Name"] = "west-1",
                ["VGate:Keyspaces:0:Shards:0:Sources:1:Cell"] = "west",
            };
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            var request = new VStreamRequest
            {
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "cells", Shard = "0", Gtid = "current" } } },
                Flags = new VStreamFlags { Cells = "west" },
            };
            using var call = gateway.Client.VStream(request, cancellationToken: token);
            Assert.True(await call.ResponseStream.MoveNext(token)); // the start: current position of the source read

            // The east row is committed first: a stream reading east would deliver it (and never the west row) first.
            await east.ExecuteAsync($"INSERT INTO {ShardCluster.Database}.t VALUES (1, 0, 'east', 1)", token);
            await west.ExecuteAsync($"INSERT INTO {ShardCluster.Database}.t VALUES (2, 0, 'west', 1)", token);

            var events = new List<VEvent>();
            while (!events.Any(e => e.Type == VEventType.Row))
            {
                Assert.True(await call.ResponseStream.MoveNext(token));
                events.AddRange(call.ResponseStream.Current.Events);
            }
            var row = events.First(e => e.Type == VEventType.Row);
            Assert.Equal("2", Decode(row.RowEvent.RowChanges[0].After)[0]);
            var field = events.Last(e => e.Type == VEventType.Field);
            Assert.Equal(row.Timestamp, field.Timestamp);
            var vgtid = events.First(e => e.Type == VEventType.Vgtid).Vgtid.ShardGtids[0].Gtid;
            Assert.Contains($"-{west.ServerId}-", vgtid, StringComparison.Ordinal);

            // A cell no source is in: refused at once.
            request.Flags.Cells = "north";
            using var refused = gateway.Client.VStream(request, cancellationToken: token);
            var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => refused.ResponseStream.MoveNext(token));
            Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("flags.cells='north'", error.Status.Detail, StringComparison.Ordinal);
        });

    private static Filter Filter() => new() { Rules = { new Rule { Match = "nk" } } };

    private static VStreamRequest Request(string gtid) => new()
    {
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "0", Gtid = gtid } } },
        Filter = Filter(),
    };

    /// <summary>The copy until COPY_COMPLETED, as pieces: the rows sent, each piece ending at a VGTID holding a lastpk (or at the end).</summary>
    private static async Task<List<(List<IReadOnlyList<string?>> Rows, VGtid? Vgtid)>> CopyAsync(GatewayHost gateway, VStreamRequest request, CancellationToken token)
    {
        var pieces = new List<(List<IReadOnlyList<string?>>, VGtid?)>();
        var rows = new List<IReadOnlyList<string?>>();
        using var call = gateway.Client.VStream(request, cancellationToken: token);
        while (await call.ResponseStream.MoveNext(token))
        {
            foreach (var e in call.ResponseStream.Current.Events)
            {
                if (e.Type == VEventType.Row)
                {
                    rows.AddRange(e.RowEvent.RowChanges.Select(c => Decode(c.After)));
                }
                else if (e.Type == VEventType.Vgtid && e.Vgtid.ShardGtids[0].TablePKs.Any(pk => pk.Lastpk is not null))
                {
                    pieces.Add((rows, e.Vgtid.Clone()));
                    rows = [];
                }
                else if (e.Type == VEventType.CopyCompleted)
                {
                    pieces.Add((rows, null));
                    return pieces;
                }
            }
        }
        throw new Xunit.Sdk.XunitException("the stream ended before COPY_COMPLETED");
    }

    private static List<string?> Decode(Query.Row row)
    {
        var values = new List<string?>();
        var offset = 0;
        foreach (var length in row.Lengths)
        {
            if (length < 0)
            {
                values.Add(null);
                continue;
            }
            values.Add(Encoding.UTF8.GetString(row.Values.Span.Slice(offset, (int)length)));
            offset += (int)length;
        }
        return values;
    }

    private static List<string> Sorted(IEnumerable<IReadOnlyList<string?>> rows) =>
        rows.Select(Key).Order(StringComparer.Ordinal).ToList();

    private static string Key(IReadOnlyList<string?> values) => string.Join("|", values.Select(v => v ?? "<NULL>"));

    private static async Task<List<string>> SelectAsync(MariaDbServer server, CancellationToken token)
    {
        var rows = new List<IReadOnlyList<string?>>();
        await using var connection = new MySqlConnection(server.ConnectionString(ShardCluster.Database));
        await connection.OpenAsync(token);
        await using var command = new MySqlCommand("SELECT a, b, t FROM nk", connection);
        await using var reader = await command.ExecuteReaderAsync(token);
        while (await reader.ReadAsync(token))
        {
            var values = new string?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
                values[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            rows.Add(values);
        }
        return Sorted(rows);
    }
}
