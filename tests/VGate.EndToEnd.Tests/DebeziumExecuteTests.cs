using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// Debezium's Vitess connector against the real server and a real <c>mariadbd</c>: every statement it sends on Execute,
/// verbatim, for a keyspace whose name holds a LIKE wildcard (<c>my_ks</c>, next to a <c>myXks</c> the wildcard would
/// match), then the VStream it builds from the answer, with its default flags. If SHOW VITESS_SHARDS answered nothing,
/// Debezium would start from "current" and silently skip the initial snapshot; here the snapshot must arrive.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class DebeziumExecuteTests
{
    private static Dictionary<string, string?> Settings(MariaDbServer server) => new()
    {
        ["VGate:Keyspaces:0:Name"] = "my_ks",
        ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = server.ReplicationUri.ToString(),
        ["VGate:Keyspaces:1:Name"] = "myXks",
        ["VGate:Keyspaces:1:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:1:Shards:0:Sources:0:Uri"] = server.ReplicationUri.ToString(),
    };

    private static List<List<string>> Rows(ExecuteResponse response)
    {
        Assert.Null(response.Error);
        return response.Result.Rows.Select(row =>
        {
            var values = new List<string>();
            var offset = 0;
            foreach (var length in row.Lengths)
            {
                values.Add(System.Text.Encoding.UTF8.GetString(row.Values.Span.Slice(offset, (int)length)));
                offset += (int)length;
            }
            return values;
        }).ToList();
    }

    private static async Task<ExecuteResponse> ExecuteAsync(GatewayHost gateway, string sql, string? target, CancellationToken token) =>
        await gateway.Client.ExecuteAsync(
            new ExecuteRequest
            {
                Query = new Query.BoundQuery { Sql = sql },
                Session = target is null ? null : new Session { TargetString = target, Autocommit = true },
            },
            cancellationToken: token);

    [ServerFact]
    public async Task DebeziumStatementsAndSnapshot_KeyspaceWithWildcardInItsName_SnapshotNotSkipped()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(token);
        await server.ExecuteAsync("CREATE DATABASE my_ks", token);
        await server.ExecuteAsync("CREATE DATABASE myXks", token);
        await server.ExecuteAsync("CREATE TABLE my_ks.customer (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)", token);
        await server.ExecuteAsync("INSERT INTO my_ks.customer VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')", token);
        await server.ExecuteAsync("CREATE TABLE myXks.other (id INT PRIMARY KEY)", token);
        await using var gateway = await GatewayHost.StartAsync(Settings(server));

        // VitessMetadata.getVitessShards, the keyspace passed through LIKE and string escaping (Debezium 3.6 on).
        var shards = Rows(await ExecuteAsync(gateway, @"/*vt+ WORKLOAD_NAME=debezium */ SHOW VITESS_SHARDS LIKE 'my\_ks/%'", null, token));
        Assert.Equal([["my_ks/0"]], shards);
        // The same without escaping (earlier versions, and VitessConnector's config validation): the wildcard also
        // matches myXks, as on MySQL and vtgate.
        Assert.Equal([["my_ks/0"], ["myXks/0"]], Rows(await ExecuteAsync(gateway, "SHOW VITESS_SHARDS LIKE 'my_ks/%'", null, token)));

        // getVitessShardsFromTablets (exclude empty shards): columns 1 and 2 are keyspace and shard.
        var tablets = Rows(await ExecuteAsync(gateway, "SHOW VITESS_TABLETS", null, token));
        Assert.Equal([["my_ks", "0"], ["myXks", "0"]], tablets.Select(r => r.Skip(1).Take(2).ToList()));
        Assert.All(tablets, r => Assert.Equal("PRIMARY", r[3]));

        // getTables: from the keyspace, or targeted at a shard as "<keyspace>:<shard>@<tablet type>".
        Assert.Equal([["customer"]], Rows(await ExecuteAsync(gateway, "/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES FROM my_ks", null, token)));
        Assert.Equal([["customer"]], Rows(await ExecuteAsync(gateway, "/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES FROM `my_ks`", null, token)));
        Assert.Equal([["customer"]], Rows(await ExecuteAsync(gateway, "/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES", "my_ks:0@MASTER", token)));
        Assert.Equal([["customer"]], Rows(await ExecuteAsync(gateway, "/*vt+ WORKLOAD_NAME=debezium */ SHOW TABLES", "my_ks:0@PRIMARY", token)));
        Assert.Equal([["my_ks"], ["myXks"]], Rows(await ExecuteAsync(gateway, "/*vt+ WORKLOAD_NAME=debezium */ SHOW DATABASES;", null, token)));

        // snapshot.mode=initial: each listed shard with gtid "" (copy), and the connector's default flags.
        var vgtid = new VGtid();
        foreach (var row in shards)
            vgtid.ShardGtids.Add(new ShardGtid { Keyspace = "my_ks", Shard = row[0].Split('/')[1], Gtid = "" });
        var request = new VStreamRequest
        {
            TabletType = Topodata.TabletType.Primary,
            Vgtid = vgtid,
            Flags = new VStreamFlags { StopOnReshard = false, HeartbeatInterval = 1, StreamKeyspaceHeartbeats = false },
        };
        using var call = gateway.Client.VStream(request, cancellationToken: token);
        var copied = new List<string>();
        var copyCompleted = false;
        while (!copyCompleted && await call.ResponseStream.MoveNext(token))
        {
            foreach (var vevent in call.ResponseStream.Current.Events)
            {
                if (vevent.Type == VEventType.Row)
                    copied.AddRange(vevent.RowEvent.RowChanges.Select(_ => vevent.RowEvent.TableName));
                if (vevent.Type == VEventType.CopyCompleted && vevent.Keyspace.Length == 0)
                    copyCompleted = true;
            }
        }
        Assert.True(copyCompleted);
        Assert.Equal(["my_ks.customer", "my_ks.customer", "my_ks.customer"], copied);
    }

    /// <summary>
    /// vitess.stream.keyspace.heartbeats=true: with VGate's heartbeat writer on (configured as a server operator would), the
    /// stream carries ROW events of table my_ks.heartbeat, written by the hosted writer into _vt.heartbeat on the source.
    /// </summary>
    [ServerFact]
    public async Task VStream_StreamKeyspaceHeartbeats_WriterRowsArriveAsTableHeartbeat()
    {
        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(token);
        await server.ExecuteAsync("CREATE DATABASE my_ks", token);
        await server.ExecuteAsync($"GRANT CREATE, INSERT, UPDATE ON `_vt`.* TO '{server.ReplicationUser}'@'%'", token);
        var settings = Settings(server);
        settings["VGate:HeartbeatWriter:Interval"] = "00:00:00.200";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var request = new VStreamRequest
        {
            Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "my_ks", Gtid = "current" } } },
            Flags = new VStreamFlags { HeartbeatInterval = 1, StreamKeyspaceHeartbeats = true },
        };

        using var call = gateway.Client.VStream(request, cancellationToken: token);
        var keyspaceShards = new HashSet<string>(StringComparer.Ordinal);
        var fieldFirst = false;
        while (!keyspaceShards.Contains("my_ks/0") && await call.ResponseStream.MoveNext(token))
        {
            foreach (var vevent in call.ResponseStream.Current.Events)
            {
                if (vevent.Type == VEventType.Field && vevent.FieldEvent.TableName == "my_ks.heartbeat")
                    fieldFirst = true;
                if (vevent.Type != VEventType.Row || vevent.RowEvent.TableName != "my_ks.heartbeat")
                    continue;
                Assert.True(fieldFirst);
                foreach (var change in vevent.RowEvent.RowChanges)
                    keyspaceShards.Add(change.After.Values.ToStringUtf8()[..(int)change.After.Lengths[0]]);
            }
        }

        // Both keyspaces of the server write their row into the one _vt.heartbeat it has: the stream carries the table as it is.
        Assert.Contains("my_ks/0", keyspaceShards);
        Assert.Single(await server.QueryAsync("SELECT ts FROM _vt.heartbeat WHERE keyspaceShard = 'my_ks/0'", token));
    }
}
