using System.Collections.Concurrent;
using System.Globalization;
using MySqlConnector;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>A row of table <c>t</c>.</summary>
internal sealed record TRow(long Id, int Writer, string V, int N)
{
    /// <summary>The cells as a VStream ROW carries them (Vitess text encoding).</summary>
    public string?[] Cells => [Id.ToString(CultureInfo.InvariantCulture), Writer.ToString(CultureInfo.InvariantCulture), V, N.ToString(CultureInfo.InvariantCulture)];
}

/// <summary>One statement of a writer's transaction and the row images it produced.</summary>
internal sealed record RowOp(TRow? Before, TRow? After);

/// <summary>A transaction a writer committed, with the GTID sequence number MariaDB gave it (<c>@@last_gtid</c>).</summary>
internal sealed record CommittedTransaction(int Writer, string Shard, long Sequence, IReadOnlyList<RowOp> Ops);

/// <summary>
/// Concurrent writers on table <c>t</c> of every shard: each writer, with its own <see cref="Random"/> seeded from the
/// workload seed, runs multi-statement transactions (1–4 INSERT/UPDATE/DELETE statements on rows it owns) on a shard it
/// picks at random, routing every new id to the shard that owns its keyspace id; after each COMMIT it records the GTID
/// MariaDB assigned, so the test knows exactly what each shard's binlog holds.
/// </summary>
internal sealed class Workload
{
    private readonly ShardCluster _cluster;
    private readonly int _seed;
    private readonly long _firstId;
    private readonly IReadOnlyList<Shard> _targets;

    /// <param name="cluster">The shards written to.</param>
    /// <param name="seed">Seeds every writer's <see cref="Random"/>.</param>
    /// <param name="generation">Distinguishes workloads run on the same tables, whose new ids must not collide.</param>
    /// <param name="onlyShard">Write to this shard only (default: every shard).</param>
    public Workload(ShardCluster cluster, int seed, int generation = 0, string? onlyShard = null)
    {
        _cluster = cluster;
        _seed = seed;
        _firstId = (generation + 1) * 10_000_000_000L;
        _targets = onlyShard is null ? cluster.Shards : [cluster[onlyShard]];
    }

    public ConcurrentQueue<CommittedTransaction> Committed { get; } = new();

    /// <summary>The committed transactions of one shard, in GTID order.</summary>
    public IReadOnlyList<CommittedTransaction> Of(string shard) =>
        Committed.Where(c => c.Shard == shard).OrderBy(c => c.Sequence).ToList();

    /// <summary>
    /// Runs <paramref name="writers"/> writers, each committing <paramref name="transactionsPerWriter"/> transactions (or
    /// until <paramref name="stop"/>), pausing <paramref name="pause"/> after each. Rows in <paramref name="adopt"/> (already
    /// in the tables) are shared out among the writers, which then update and delete them too.
    /// </summary>
    public Task RunAsync(int writers, int transactionsPerWriter, CancellationToken stop, TimeSpan? pause = null, IReadOnlyList<TRow>? adopt = null) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(
            () => WriterAsync(w, transactionsPerWriter, pause ?? TimeSpan.Zero, adopt?.Where((_, i) => i % writers == w).ToList() ?? [], stop),
            CancellationToken.None)));

    private async Task WriterAsync(int writer, int transactions, TimeSpan pause, List<TRow> adopted, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(_seed, writer));
        var connections = new Dictionary<string, MySqlConnection>(StringComparer.Ordinal);
        var alive = _cluster.Shards.ToDictionary(s => s.Name, s => adopted.Where(r => _cluster.ShardFor(r.Id) == s).ToList(), StringComparer.Ordinal);
        var nextId = _firstId + (writer * 100_000_000L);
        try
        {
            for (var t = 0; t < transactions && !stop.IsCancellationRequested; t++)
            {
                var shard = _targets[random.Next(_targets.Count)];
                if (!connections.TryGetValue(shard.Name, out var connection))
                    connections[shard.Name] = connection = await shard.Server.OpenConnectionAsync(ShardCluster.Database, cancellationToken: CancellationToken.None);
                var rows = alive[shard.Name];
                var ops = new List<RowOp>();
                await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None))
                {
                    var statements = random.Next(1, 5);
                    for (var s = 0; s < statements; s++)
                    {
                        var choice = rows.Count == 0 ? 0 : random.Next(10);
                        if (choice < 6)
                        {
                            do
                                nextId++;
                            while (_cluster.ShardFor(nextId) != shard);
                            var row = new TRow(nextId, writer, Text(random), random.Next(-1000, 1000));
                            await ExecuteAsync(connection, transaction, "INSERT INTO t (id, writer, v, n) VALUES (@id, @w, @v, @n)", row);
                            rows.Add(row);
                            ops.Add(new RowOp(null, row));
                        }
                        else if (choice < 9)
                        {
                            var index = random.Next(rows.Count);
                            var updated = rows[index] with { V = Text(random), N = random.Next(-1000, 1000) };
                            await ExecuteAsync(connection, transaction, "UPDATE t SET v = @v, n = @n WHERE id = @id", updated);
                            ops.Add(new RowOp(rows[index], updated));
                            rows[index] = updated;
                        }
                        else
                        {
                            var index = random.Next(rows.Count);
                            await ExecuteAsync(connection, transaction, "DELETE FROM t WHERE id = @id", rows[index]);
                            ops.Add(new RowOp(rows[index], null));
                            rows.RemoveAt(index);
                        }
                    }
                    await transaction.CommitAsync(CancellationToken.None);
                }
                using var gtid = new MySqlCommand("SELECT @@last_gtid", connection);
                var sequence = Positions.SequenceOfGtid((string)(await gtid.ExecuteScalarAsync(CancellationToken.None))!);
                Committed.Enqueue(new CommittedTransaction(writer, shard.Name, sequence, ops));
                if (pause > TimeSpan.Zero)
                    await Task.Delay(pause, CancellationToken.None);
            }
        }
        finally
        {
            foreach (var connection in connections.Values)
                await connection.DisposeAsync();
        }
    }

    private static async Task ExecuteAsync(MySqlConnection connection, MySqlTransaction transaction, string sql, TRow row)
    {
        using var command = new MySqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("@id", row.Id);
        command.Parameters.AddWithValue("@w", row.Writer);
        command.Parameters.AddWithValue("@v", row.V);
        command.Parameters.AddWithValue("@n", row.N);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>1–60 random letters and digits (plain ASCII, so text and bytes agree).</summary>
    private static string Text(Random random)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
        var chars = new char[random.Next(1, 61)];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = Alphabet[random.Next(Alphabet.Length)];
        return new string(chars);
    }

    /// <summary>
    /// Inserts <paramref name="count"/> rows (ids 1…count, writer −1, a <paramref name="width"/>-character value) into
    /// the shards that own them, 1000 rows per statement, and returns them.
    /// </summary>
    public static async Task<List<TRow>> InsertRowsAsync(ShardCluster cluster, int count, int width, CancellationToken cancellationToken)
    {
        var rows = Enumerable.Range(1, count)
            .Select(i => new TRow(i, -1, string.Create(CultureInfo.InvariantCulture, $"row-{i}-").PadRight(width, (char)('a' + (i % 26))), i % 1000))
            .ToList();
        foreach (var group in rows.GroupBy(r => cluster.ShardFor(r.Id)))
        {
            foreach (var chunk in group.Chunk(1000))
            {
                var values = string.Join(",", chunk.Select(r => string.Create(CultureInfo.InvariantCulture, $"({r.Id},{r.Writer},'{r.V}',{r.N})")));
                await group.Key.Server.ExecuteAsync($"INSERT INTO {ShardCluster.Database}.t (id, writer, v, n) VALUES {values}", cancellationToken);
            }
        }
        return rows;
    }

    /// <summary>
    /// The contents of <c>t</c> on <paramref name="shard"/> once its binlog holds exactly the transactions up to
    /// <paramref name="sequence"/>: <paramref name="initial"/> with every committed transaction up to there applied.
    /// </summary>
    public SortedDictionary<long, string?[]> StateAt(string shard, IEnumerable<TRow> initial, long sequence)
    {
        var table = new SortedDictionary<long, string?[]>();
        foreach (var row in initial.Where(r => _cluster.ShardFor(r.Id).Name == shard))
            table[row.Id] = row.Cells;
        foreach (var transaction in Of(shard).Where(c => c.Sequence <= sequence))
        {
            foreach (var op in transaction.Ops)
            {
                if (op.After is { } after)
                    table[after.Id] = after.Cells;
                else
                    table.Remove(op.Before!.Id);
            }
        }
        return table;
    }

    /// <summary>The rows of <c>t</c> on <paramref name="shard"/> as text cells, keyed by id.</summary>
    public static async Task<SortedDictionary<long, string?[]>> ReadTableAsync(Shard shard, CancellationToken cancellationToken)
    {
        var rows = await shard.Server.QueryAsync($"SELECT id, writer, v, n FROM {ShardCluster.Database}.t ORDER BY id", cancellationToken);
        var table = new SortedDictionary<long, string?[]>();
        foreach (var row in rows)
            table[Convert.ToInt64(row[0], CultureInfo.InvariantCulture)] = row.Select(Rows.Text).ToArray();
        return table;
    }
}
