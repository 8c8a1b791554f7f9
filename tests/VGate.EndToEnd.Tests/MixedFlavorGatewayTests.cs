using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using VGate.Testing.MySqlSource;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// One gateway, two keyspaces: one shard on MySQL (<see cref="MySqlSourceServer"/> replaying binlog bytes a MySQL 8.0.28
/// server wrote, over verified TLS with caching_sha2_password) and one on a real MariaDB. Both stream in one VStream,
/// each with its flavor's GTIDs in the VGTID, and a new VStream from that VGTID resumes both exactly after what was
/// received.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class MixedFlavorGatewayTests
{
    private const string MySqlKeyspace = "my";
    private const string MariaKeyspace = "maria";
    private const string EnumUuid = "93e95066-a2f4-11ec-9b69-9657f0ae95e2";

    [ServerFact]
    public async Task VStream_MySqlShardAndMariaDbShard_StreamsBothAndResumesFromTheVgtid()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(3));
        var token = deadline.Token;
        using var directory = TempDirectory.Create("mixed-flavor");
        var tls = TestCertificates.Create(directory.Path);
        await using var mysql = MySqlSourceServer.Start(new MySqlSourceOptions
        {
            BinlogFile = MySqlBinlogFixtures.PathOf(MySqlBinlogFixtures.EnumStringSet),
            Tls = tls,
            Tables =
            [
                new MySqlSourceTable("mysql", "t",
                [
                    new MySqlSourceColumn("f1", "char", "char(128)"),
                    new MySqlSourceColumn("f2", "varchar", "varchar(300)"),
                    new MySqlSourceColumn("f3", "enum", "enum('var1','variant2','foo')"),
                    new MySqlSourceColumn("f4", "set", "set('one','two','three','four')"),
                    new MySqlSourceColumn("f5", "text", "text"),
                ]),
            ],
        });
        await using var maria = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "mixed-maria" }, token);
        await maria.ExecuteAsync("CREATE DATABASE m; CREATE TABLE m.u (id INT PRIMARY KEY, v VARCHAR(10))", token);
        var mariaStart = "MariaDB/" + await maria.GetGtidBinlogPosAsync(token);
        await maria.ExecuteAsync("INSERT INTO m.u VALUES (1, 'one')", token);

        var mysqlUri = $"mysql://{mysql.User.Name}:{mysql.User.Password}@{mysql.Host}:{mysql.Port}?ssl-ca={Uri.EscapeDataString(tls.CaCertificateFile)}";
        var settings = new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:0:Name"] = MySqlKeyspace,
            ["VGate:Keyspaces:0:Database"] = "mysql",
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = mysqlUri,
            ["VGate:Keyspaces:1:Name"] = MariaKeyspace,
            ["VGate:Keyspaces:1:Database"] = "m",
            ["VGate:Keyspaces:1:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:1:Shards:0:Sources:0:Uri"] = maria.ReplicationUri.ToString(),
        };

        // MySQL from after its CREATE TABLE (GTIDs 1-2): the INSERT, UPDATE and DELETE of mysql.t; MariaDB: the INSERT.
        Received first;
        await using (var gateway = await GatewayHost.StartAsync(settings))
            first = await ReadAsync(gateway, Request($"MySQL56/{EnumUuid}:1-2", mariaStart), mysqlCommits: 3, mariaCommits: 1, token);

        Assert.Equal([RowEventType.Insert, RowEventType.Update, RowEventType.Delete], first.Rows(MySqlKeyspace).Select(r => r.Kind));
        Assert.Equal("field1", first.Rows(MySqlKeyspace)[1].After[0]);
        Assert.Equal(["1", "one"], first.Rows(MariaKeyspace).Single().After);
        var vgtid = first.LastVgtid!;
        Assert.Equal($"MySQL56/{EnumUuid}:1-5", vgtid.ShardGtids.Single(g => g.Keyspace == MySqlKeyspace).Gtid);
        Assert.Equal("MariaDB/" + await maria.GetGtidBinlogPosAsync(token), vgtid.ShardGtids.Single(g => g.Keyspace == MariaKeyspace).Gtid);
        Assert.Empty(mysql.UnexpectedQueries);

        // New transactions on both; a new VStream from the VGTID, on a new gateway, gets exactly those.
        mysql.AppendTransaction(templateIndex: 2); // the INSERT of GTID 3 again, as GTID 6
        await maria.ExecuteAsync("INSERT INTO m.u VALUES (2, 'two')", token);
        await using var restarted = await GatewayHost.StartAsync(settings);
        var resumed = await ReadAsync(restarted, new VStreamRequest { Vgtid = vgtid, Filter = new Filter { Rules = { new Rule { Match = "/.*" } } }, Flags = new VStreamFlags { HeartbeatInterval = 1 } }, mysqlCommits: 1, mariaCommits: 1, token);

        Assert.Equal([RowEventType.Insert], resumed.Rows(MySqlKeyspace).Select(r => r.Kind));
        Assert.Equal(string.Concat(Enumerable.Repeat("0123456789", 10)), resumed.Rows(MySqlKeyspace)[0].After[0]);
        Assert.Equal(["2", "two"], resumed.Rows(MariaKeyspace).Single().After);
        Assert.Equal($"MySQL56/{EnumUuid}:1-6", resumed.LastVgtid!.ShardGtids.Single(g => g.Keyspace == MySqlKeyspace).Gtid);
        // The dumps asked for the VGTIDs' sets, as the source decodes them.
        Assert.Equal([$"{EnumUuid}:1-2", $"{EnumUuid}:1-5"], mysql.DumpRequests);
        Assert.Empty(mysql.UnexpectedQueries);
        Assert.Empty(mysql.Errors);
        Assert.Contains(mysql.Logins, l => l.ClientName == "VGate" && l.Tls && l.Method == MySqlSourceAuthMethod.CachingSha2Fast);
    }

    private static VStreamRequest Request(string mysqlPosition, string mariaPosition) => new()
    {
        Vgtid = new VGtid
        {
            ShardGtids =
            {
                new ShardGtid { Keyspace = MySqlKeyspace, Shard = "0", Gtid = mysqlPosition },
                new ShardGtid { Keyspace = MariaKeyspace, Shard = "0", Gtid = mariaPosition },
            },
        },
        Filter = new Filter { Rules = { new Rule { Match = "/.*" } } },
        Flags = new VStreamFlags { HeartbeatInterval = 1 },
    };

    private sealed record Row(RowEventType Kind, IReadOnlyList<string?> After);

    private sealed class Received
    {
        public Dictionary<string, List<Row>> RowsByKeyspace { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Commits { get; } = new(StringComparer.Ordinal);

        public VGtid? LastVgtid { get; set; }

        public List<Row> Rows(string keyspace) => RowsByKeyspace.GetValueOrDefault(keyspace) ?? [];
    }

    /// <summary>Reads until each keyspace's shard has sent the given number of COMMITs (the VGTID before the last one covers all).</summary>
    private static async Task<Received> ReadAsync(GatewayHost gateway, VStreamRequest request, int mysqlCommits, int mariaCommits, CancellationToken token)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(token);
        using var call = gateway.Client.VStream(request, cancellationToken: cancel.Token);
        var received = new Received();
        while (await call.ResponseStream.MoveNext(cancel.Token))
        {
            foreach (var e in call.ResponseStream.Current.Events)
            {
                switch (e.Type)
                {
                    case VEventType.Row:
                        foreach (var change in e.RowEvent.RowChanges)
                        {
                            var kind = change.Before is null ? RowEventType.Insert : change.After is null ? RowEventType.Delete : RowEventType.Update;
                            var list = received.RowsByKeyspace.TryGetValue(e.RowEvent.Keyspace, out var l) ? l : received.RowsByKeyspace[e.RowEvent.Keyspace] = [];
                            list.Add(new Row(kind, Values(change.After ?? change.Before!)));
                        }
                        break;
                    case VEventType.Commit:
                        received.Commits[e.Keyspace] = received.Commits.GetValueOrDefault(e.Keyspace) + 1;
                        break;
                    case VEventType.Vgtid:
                        received.LastVgtid = e.Vgtid;
                        break;
                }
                if (e.Type == VEventType.Commit && received.Commits.GetValueOrDefault(MySqlKeyspace) >= mysqlCommits &&
                    received.Commits.GetValueOrDefault(MariaKeyspace) >= mariaCommits)
                {
                    Assert.Equal(mysqlCommits, received.Commits[MySqlKeyspace]);
                    Assert.Equal(mariaCommits, received.Commits[MariaKeyspace]);
                    return received;
                }
            }
        }
        throw new Xunit.Sdk.XunitException("the stream ended before every shard's transactions arrived");
    }

    private static string?[] Values(Query.Row row)
    {
        var values = new string?[row.Lengths.Count];
        var bytes = row.Values.Span;
        var offset = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var length = (int)row.Lengths[i];
            if (length < 0)
                continue;
            values[i] = System.Text.Encoding.UTF8.GetString(bytes.Slice(offset, length));
            offset += length;
        }
        return values;
    }

    private enum RowEventType
    {
        Insert,
        Update,
        Delete,
    }
}
