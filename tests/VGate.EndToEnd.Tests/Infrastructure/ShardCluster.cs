using System.Globalization;
using VGate.Testing;
using VGate.VStreamer.KeyRanges;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>One shard of the test keyspace: its name (a key range) and the real mariadbd that holds it.</summary>
internal sealed record Shard(string Name, KeyRange Range, MariaDbServer Server);

/// <summary>
/// The sharded keyspace <see cref="Keyspace"/> on 2–4 real mariadbd processes (one per shard, each with its own
/// server_id and gtid_domain_id), database <see cref="Database"/> holding table <c>t</c> (a <c>hash</c> vindex on
/// <c>id</c>) on every shard, and the gateway settings that describe it.
/// </summary>
internal sealed class ShardCluster : IAsyncDisposable
{
    public const string Keyspace = "ks";
    public const string Database = "e2e";

    /// <summary>The table every test writes: <c>id</c> routes the row (hash vindex), the rest is payload.</summary>
    public const string TableDdl = "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, writer INT NOT NULL, v VARCHAR(100) NOT NULL, n INT NOT NULL)";

    private ShardCluster(IReadOnlyList<Shard> shards) => Shards = shards;

    public IReadOnlyList<Shard> Shards { get; }

    /// <summary>The shard names for <paramref name="count"/> equal key ranges (2: -80, 80-; 4: -40, 40-80, 80-c0, c0-).</summary>
    public static IReadOnlyList<string> ShardNames(int count) => count switch
    {
        1 => ["0"],
        2 => ["-80", "80-"],
        4 => ["-40", "40-80", "80-c0", "c0-"],
        _ => throw new ArgumentOutOfRangeException(nameof(count), count, "1, 2 or 4 shards"),
    };

    /// <summary>
    /// Starts one mariadbd per shard (in parallel) and creates the database and <see cref="TableDdl"/> on each, plus
    /// <paramref name="extraDdl"/>. <paramref name="options"/> may change a shard's server options (by shard index).
    /// </summary>
    public static async Task<ShardCluster> StartAsync(
        int count, CancellationToken cancellationToken, Func<int, MariaDbServerOptions, MariaDbServerOptions>? options = null, params string[] extraDdl)
    {
        var names = ShardNames(count);
        var starts = names.Select((name, i) =>
        {
            var serverOptions = new MariaDbServerOptions { Name = "e2e-" + name.Replace("-", "_", StringComparison.Ordinal) };
            return MariaDbServer.StartAsync(options?.Invoke(i, serverOptions) ?? serverOptions, cancellationToken);
        }).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
                await start.Result.DisposeAsync();
            throw;
        }

        var cluster = new ShardCluster(names.Select((name, i) => new Shard(name, KeyRange.Parse(name), starts[i].Result)).ToList());
        try
        {
            foreach (var shard in cluster.Shards)
            {
                await shard.Server.ExecuteAsync($"CREATE DATABASE {Database}", cancellationToken);
                foreach (var ddl in new[] { TableDdl }.Concat(extraDdl))
                    await shard.Server.ExecuteAsync($"USE {Database}; {ddl}", cancellationToken);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>The shard whose key range holds <paramref name="id"/>'s keyspace id.</summary>
    public Shard ShardFor(long id)
    {
        var keyspaceId = HashKeyspaceId.Of(id);
        return Shards.Single(s => s.Range.Contains(keyspaceId));
    }

    public Shard this[string name] => Shards.Single(s => s.Name == name);

    /// <summary>
    /// Gateway configuration keys (section <c>VGate</c>) for this keyspace, one primary source per shard;
    /// <paramref name="sourceUri"/> may replace a shard's source URI (e.g. a wrong password).
    /// </summary>
    public Dictionary<string, string?> GatewaySettings(Func<Shard, string>? sourceUri = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VGate:Keyspaces:0:Name"] = Keyspace,
            ["VGate:Keyspaces:0:Database"] = Database,
            ["VGate:Keyspaces:0:Sharded"] = Shards.Count > 1 ? "true" : "false",
            ["VGate:Keyspaces:0:Vindexes:t:Type"] = "hash",
            ["VGate:Keyspaces:0:Vindexes:t:Columns:0"] = "id",
        };
        for (var i = 0; i < Shards.Count; i++)
        {
            var shard = Shards[i];
            settings[Key(i, "Name")] = shard.Name;
            settings[Key(i, "Sources:0:Uri")] = sourceUri?.Invoke(shard) ?? shard.Server.ReplicationUri.ToString();
            settings[Key(i, "Sources:0:Name")] = "shard" + shard.Name;
        }
        return settings;

        static string Key(int shard, string rest) => string.Create(CultureInfo.InvariantCulture, $"VGate:Keyspaces:0:Shards:{shard}:{rest}");
    }

    /// <summary>Each shard's current position as a Vitess MariaDB position (<c>MariaDB/D-S-N</c>).</summary>
    public async Task<Dictionary<string, string>> PositionsAsync(CancellationToken cancellationToken)
    {
        var positions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var shard in Shards)
            positions[shard.Name] = "MariaDB/" + await shard.Server.GetGtidBinlogPosAsync(cancellationToken);
        return positions;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in Shards)
            await shard.Server.DisposeAsync();
    }
}
