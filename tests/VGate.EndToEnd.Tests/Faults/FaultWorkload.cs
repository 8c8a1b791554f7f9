using System.Globalization;
using Binlogdata;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>Rows for fault tests: ids in ranges, written as multi-row transactions straight to a server (never through a proxy).</summary>
internal static class FaultWorkload
{
    /// <summary>
    /// Inserts ids <paramref name="from"/>..<paramref name="to"/> into <c>t</c> of <paramref name="database"/>, in
    /// transactions of <paramref name="rowsPerTransaction"/> rows (one INSERT … SELECT over the sequence engine each).
    /// </summary>
    public static async Task InsertAsync(MariaDbServer server, long from, long to, int rowsPerTransaction, CancellationToken cancellationToken,
        string database = ShardCluster.Database)
    {
        await using var connection = await server.OpenConnectionAsync(database, cancellationToken: cancellationToken);
        for (var first = from; first <= to; first += rowsPerTransaction)
        {
            var last = Math.Min(to, first + rowsPerTransaction - 1);
            await using var insert = connection.CreateCommand();
            insert.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO t (id, writer, v, n) SELECT seq, 0, REPEAT('x', 100), seq FROM seq_{first}_to_{last}");
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A VGTID of keyspace <c>ks</c> with each shard at its current position.</summary>
    public static async Task<VGtid> CurrentAsync(ShardCluster cluster, CancellationToken cancellationToken)
    {
        var vgtid = new VGtid();
        foreach (var (shard, position) in await cluster.PositionsAsync(cancellationToken))
            vgtid.ShardGtids.Add(new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = shard, Gtid = position });
        return vgtid;
    }

    /// <summary>Fails unless <paramref name="detail"/> (an error's text) contains every one of <paramref name="texts"/>.</summary>
    public static void AssertMentions(string detail, params string[] texts)
    {
        foreach (var text in texts)
            Assert.True(detail.Contains(text, StringComparison.Ordinal), $"'{detail}' does not mention '{text}'");
    }
}
