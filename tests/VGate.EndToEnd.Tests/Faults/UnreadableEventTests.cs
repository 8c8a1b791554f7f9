using System.Globalization;
using Grpc.Core;
using MySqlConnector;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using VGate.Testing.Network;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>
/// Events a stream must not pass end it with INTERNAL and a message naming the shard, the event and the position, instead
/// of being skipped: a real INCIDENT written by mariadbd, and (through a <see cref="TcpFaultProxy"/> that edits the real
/// replication stream, checksums recomputed) an event whose header declares more bytes than its packet holds and an event
/// type nobody knows. An unknown event marked LOG_EVENT_IGNORABLE_F is skipped, as the servers' own replicas skip it.
/// After each error the client resumes from its last committed VGTID and has every row once.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class UnreadableEventTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(4);

    /// <summary>
    /// MariaDB writes INCIDENT (LOST_EVENTS) when the changes of a non-transactional statement do not fit in
    /// <c>max_binlog_stmt_cache_size</c>: the rows are in the table, but not in the binlog. The stream stops at the incident,
    /// every time it is resumed before it; resuming from a position in a later binlog file goes on.
    /// </summary>
    [ServerFact]
    public Task Incident_WrittenByMariaDb_EndsTheStreamWithInternalNamingShardEventAndPosition() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token, extraDdl: "CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(1000)) ENGINE=Aria");
            var server = cluster.Shards[0].Server;
            await server.ExecuteAsync("SET GLOBAL max_binlog_stmt_cache_size = 4096", token);
            await using var gateway = await GatewayHost.StartAsync(cluster.GatewaySettings());
            scenario.Gateway = gateway;

            using var client = new RowClient(() => gateway.Client, await FaultWorkload.CurrentAsync(cluster, token));
            await FaultWorkload.InsertAsync(server, 1, 100, 10, token);
            await client.ReadUntilAsync(c => c.HasAll(1, 100), resumeOnError: false, token);
            var beforeIncident = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);

            var refused = await Assert.ThrowsAsync<MySqlException>(() =>
                server.ExecuteAsync($"USE {ShardCluster.Database}; INSERT INTO a SELECT seq, REPEAT('x', 900) FROM seq_1_to_50", token));
            scenario.Log($"the server refused the statement: {refused.Message}");
            Assert.Equal(1705, refused.Number); // ER_STMT_CACHE_FULL: the Aria rows are in the table but not in the binlog
            var incident = await FindEventAsync(server, "Incident", token);
            scenario.Log($"the server wrote {incident.Type} at {incident.File}:{incident.Position}: {incident.Info}");
            await FaultWorkload.InsertAsync(server, 101, 150, 50, token);
            // MariaDB sends the incident to every dump that reads its binlog file, also to one that starts at a GTID after
            // it (the server reads the file from its start and skips whole transactions only): a position the stream can
            // resume past it from is in a later file.
            await server.FlushLogsAsync(token);
            var nextFile = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);
            await FaultWorkload.InsertAsync(server, 151, 200, 50, token);

            var error = await client.ReadToErrorAsync(token);
            scenario.Log($"{error.StatusCode}: {error.Status.Detail}");
            Assert.Equal(StatusCode.Internal, error.StatusCode);
            FaultWorkload.AssertMentions(error.Status.Detail, "ks/0", "INCIDENT", "LOST_EVENTS", $"{incident.File}:{incident.Position}", beforeIncident);
            client.AssertExactly(1, 100, "client before the incident");

            // The same position meets the same incident: never a silent skip on a retry.
            var again = await client.ReadToErrorAsync(token);
            Assert.Equal(StatusCode.Internal, again.StatusCode);
            client.AssertExactly(1, 100, "client after a second try");

            // The operator moves past it (rows 101-150, in the incident's file, are for a re-copy): from the start of the next
            // binlog file on, every row arrives once.
            using var past = new RowClient(() => gateway.Client, Vgtid(nextFile));
            await past.ReadUntilAsync(c => c.HasAll(151, 200), resumeOnError: false, token);
            past.AssertExactly(151, 200, "client resumed past the incident");
        });

    /// <summary>
    /// A WRITE_ROWS event whose header says it is 1,000 bytes longer than the packet that carries it (CRC32 recomputed, so
    /// only the length is wrong) ends the stream with INTERNAL naming the shard, the event and the last position; the
    /// transaction is not delivered in part. Resumed (the proxy edits nothing more), the client has every row once.
    /// </summary>
    [ServerFact]
    public Task EventLongerThanItsPacket_EndsTheStreamWithInternalThenResumeDeliversEveryRowOnce() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var editor = new BinlogStreamEditor(
                e => e.Type is 23 or 30, // WRITE_ROWS v1 (MariaDB) or v2 (MySQL)
                e => [BinlogEventBytes.WithDeclaredLength(e, e.DeclaredLength + 1000)]);
            await RunEditedAsync(scenario, editor, async (server, client, gateway, token) =>
            {
                var before = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);
                editor.Arm();
                await FaultWorkload.InsertAsync(server, 101, 200, 50, token);
                var error = await client.ReadToErrorAsync(token);
                var edited = await editor.Edited;
                scenario.Log($"{error.StatusCode}: {error.Status.Detail}");
                Assert.Equal(StatusCode.Internal, error.StatusCode);
                FaultWorkload.AssertMentions(error.Status.Detail, "ks/0", "unreadable binlog data", $"declares {edited.DeclaredLength + 1000} bytes", before);
                client.AssertExactly(1, 100, "client at the error");

                await client.ReadUntilAsync(c => c.HasAll(1, 200), resumeOnError: true, token);
                client.AssertExactly(1, 200, "client after resuming");
            });
        });

    /// <summary>An event of a type no server defines (200), not marked ignorable, in front of a transaction: INTERNAL naming it.</summary>
    [ServerFact]
    public Task UnknownEventType_NotIgnorable_EndsTheStreamWithInternalNamingIt() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var editor = new BinlogStreamEditor(e => e.Type == 162, e => [UnknownEvent(e, flags: 0), e.Bytes]);
            await RunEditedAsync(scenario, editor, async (server, client, gateway, token) =>
            {
                editor.Arm();
                await FaultWorkload.InsertAsync(server, 101, 200, 50, token);
                var error = await client.ReadToErrorAsync(token);
                var gtid = await editor.Edited;
                scenario.Log($"{error.StatusCode}: {error.Status.Detail}");
                Assert.Equal(StatusCode.Internal, error.StatusCode);
                FaultWorkload.AssertMentions(error.Status.Detail, "ks/0", "unknown binlog event type 200", "not marked ignorable");
                Assert.Contains(string.Create(CultureInfo.InvariantCulture, $":{gtid.StartPosition - UnknownEventLength(gtid)} "), error.Status.Detail, StringComparison.Ordinal);
                client.AssertExactly(1, 100, "client at the error");

                await client.ReadUntilAsync(c => c.HasAll(1, 200), resumeOnError: true, token);
                client.AssertExactly(1, 200, "client after resuming");
            });
        });

    /// <summary>The same unknown event with LOG_EVENT_IGNORABLE_F set is skipped: no error, every row once.</summary>
    [ServerFact]
    public Task UnknownEventType_MarkedIgnorable_IsSkipped() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var editor = new BinlogStreamEditor(e => e.Type == 162, e => [UnknownEvent(e, flags: 0x0080), e.Bytes]);
            await RunEditedAsync(scenario, editor, async (server, client, gateway, token) =>
            {
                editor.Arm();
                await FaultWorkload.InsertAsync(server, 101, 200, 50, token);
                await editor.Edited;
                await client.ReadUntilAsync(c => c.HasAll(1, 200), resumeOnError: false, token);
                client.AssertExactly(1, 200, "client");
                Assert.Equal(1, client.Calls);
            });
        });

    /// <summary>
    /// One shard whose source the gateway reaches through a proxy with <paramref name="editor"/>, a client that has rows
    /// 1–100 already, then <paramref name="body"/>.
    /// </summary>
    private static async Task RunEditedAsync(Scenario scenario, BinlogStreamEditor editor,
        Func<MariaDbServer, RowClient, GatewayHost, CancellationToken, Task> body)
    {
        var token = scenario.Deadline;
        await using var cluster = await ShardCluster.StartAsync(1, token);
        var server = cluster.Shards[0].Server;
        await using var proxy = TcpFaultProxy.Start(MariaDbServer.Host, server.Port, editor.ProxyOptions);
        var settings = cluster.GatewaySettings(shard => proxy.Rewrite(shard.Server.ReplicationUri).ToString());
        settings["VGate:RetryDelay"] = "00:00:00.100";
        await using var gateway = await GatewayHost.StartAsync(settings);
        scenario.Gateway = gateway;
        using var client = new RowClient(() => gateway.Client, await FaultWorkload.CurrentAsync(cluster, token));
        await FaultWorkload.InsertAsync(server, 1, 100, 10, token);
        await client.ReadUntilAsync(c => c.HasAll(1, 100), resumeOnError: false, token);
        await body(server, client, gateway, token);
    }

    private const int UnknownBodyLength = 8;

    /// <summary>An event of type 200 with an 8-byte body that ends where <paramref name="next"/> starts.</summary>
    private static byte[] UnknownEvent(StreamedEvent next, ushort flags) =>
        BinlogEventBytes.Event(next.Timestamp, 200, next.ServerId, next.StartPosition, flags, new byte[UnknownBodyLength], next.HasChecksum);

    private static uint UnknownEventLength(StreamedEvent next) => (uint)(StreamedEvent.HeaderSize + UnknownBodyLength + (next.HasChecksum ? 4 : 0));

    private static Binlogdata.VGtid Vgtid(string position) =>
        new() { ShardGtids = { new Binlogdata.ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = "0", Gtid = position } } };

    private sealed record BinlogEventRow(string File, long Position, string Type, string Info);

    /// <summary>The first event of <paramref name="type"/> in the server's binlogs, as <c>SHOW BINLOG EVENTS</c> lists it.</summary>
    private static async Task<BinlogEventRow> FindEventAsync(MariaDbServer server, string type, CancellationToken cancellationToken)
    {
        foreach (var file in await server.QueryAsync("SHOW BINARY LOGS", cancellationToken))
        {
            var name = Convert.ToString(file[0], CultureInfo.InvariantCulture)!;
            foreach (var row in await server.QueryAsync($"SHOW BINLOG EVENTS IN '{name}'", cancellationToken))
            {
                if (string.Equals(Convert.ToString(row[2], CultureInfo.InvariantCulture), type, StringComparison.Ordinal))
                    return new BinlogEventRow(name, Convert.ToInt64(row[1], CultureInfo.InvariantCulture), type, Convert.ToString(row[5], CultureInfo.InvariantCulture) ?? "");
            }
        }
        throw new Xunit.Sdk.XunitException($"no {type} event in the binlogs of {server}");
    }
}
