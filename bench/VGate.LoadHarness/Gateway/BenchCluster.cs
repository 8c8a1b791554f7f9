using System.Globalization;
using VGate.Testing;

/// <summary>
/// The benchmark keyspace <c>bench</c>: two real mariadbd shards (<c>-80</c>, <c>80-</c>) started through
/// VGate.Testing (throwaway data directories, free ports, removed on exit), tuned for load (256 MB buffer pool, no
/// fsync per commit), each holding the 10-column table <c>t10</c> of the other benchmarks and the latency table <c>lat</c>.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    public const string Keyspace = "bench";
    public const string Database = "bench";

    private BenchCluster(IReadOnlyList<(string Name, MariaDbServer Server)> shards) => Shards = shards;

    public IReadOnlyList<(string Name, MariaDbServer Server)> Shards { get; }

    public static async Task<BenchCluster> StartAsync()
    {
        string[] names = ["-80", "80-"];
        var servers = await Task.WhenAll(names.Select(name => MariaDbServer.StartAsync(new MariaDbServerOptions
        {
            Name = "bench" + name.Replace("-", "_", StringComparison.Ordinal),
            ExtraArguments = ["--innodb-buffer-pool-size=256M", "--innodb-flush-log-at-trx-commit=0", "--sync-binlog=0", "--max-connections=500"],
        })));
        var cluster = new BenchCluster(names.Zip(servers).ToList());
        foreach (var (_, server) in cluster.Shards)
        {
            await server.ExecuteAsync($"CREATE DATABASE {Database}");
            await server.ExecuteAsync($"""
                USE {Database};
                CREATE TABLE t10 (
                    id INT NOT NULL PRIMARY KEY, big BIGINT NOT NULL, name VARCHAR(64) NOT NULL, amount DECIMAL(12,2) NOT NULL,
                    created DATETIME(6) NOT NULL, ratio DOUBLE NOT NULL, flag TINYINT NOT NULL, code CHAR(8) NOT NULL,
                    day DATE NOT NULL, counter INT UNSIGNED NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
                CREATE TABLE lat (id BIGINT NOT NULL PRIMARY KEY, sent BIGINT NOT NULL, pad VARCHAR(64) NOT NULL) ENGINE=InnoDB;
                """);
            // One prepared single-row INSERT per row, committed every `batch` rows (bench/lib/load-single.sql, shared with
            // the shell benchmarks): one TABLE_MAP and one single-row WRITE_ROWS event per row, the OLTP shape of bench/live-read.sh.
            await server.ExecuteAsync($"USE {Database};\n" + LoadSingleProcedure());
        }
        return cluster;
    }

    /// <summary>The gateway configuration for this keyspace (one primary source per shard).</summary>
    public Dictionary<string, string> GatewaySettings()
    {
        var settings = new Dictionary<string, string>
        {
            ["VGate:Keyspaces:0:Name"] = Keyspace,
            ["VGate:Keyspaces:0:Database"] = Database,
            ["VGate:Keyspaces:0:Sharded"] = "true",
        };
        for (var i = 0; i < Shards.Count; i++)
        {
            settings[string.Create(CultureInfo.InvariantCulture, $"VGate:Keyspaces:0:Shards:{i}:Name")] = Shards[i].Name;
            settings[string.Create(CultureInfo.InvariantCulture, $"VGate:Keyspaces:0:Shards:{i}:Sources:0:Uri")] = Shards[i].Server.ReplicationUri.ToString();
        }
        return settings;
    }

    /// <summary>Each shard's position, <c>MariaDB/D-S-N</c>.</summary>
    public async Task<Dictionary<string, string>> PositionsAsync()
    {
        var positions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, server) in Shards)
            positions[name] = "MariaDB/" + await server.GetGtidBinlogPosAsync();
        return positions;
    }

    /// <summary>The sequence number of a single-domain MariaDB position.</summary>
    public static long Sequence(string position) =>
        position.Contains('-', StringComparison.Ordinal) ? long.Parse(position.AsSpan(position.LastIndexOf('-') + 1), CultureInfo.InvariantCulture) : 0;

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, server) in Shards)
            await server.DisposeAsync();
    }

    /// <summary>The <c>load_single</c> procedure's CREATE statement (bench/lib/load-single.sql, embedded).</summary>
    private static string LoadSingleProcedure()
    {
        using var stream = typeof(BenchCluster).Assembly.GetManifestResourceStream("load-single.sql")
            ?? throw new InvalidOperationException("load-single.sql is not embedded in the harness");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
