using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using VGate.Testing.Differential;

namespace VGate.Benchmarks;

/// <summary>
/// <c>mixed-load</c>: writes the mixed workload of the benchmarks (<see cref="RandomWorkload.RunMixedAsync"/>: every
/// column type, multi-row events, 1–70 KB texts and blobs, JSON, utf8mb4) into a database of a running server, for
/// <c>bench/live-read.sh … mixed</c>, <c>bench/record-binlog.sh mixed</c> and the gateway scenarios.
/// </summary>
/// <remarks>
///   VGate.LoadHarness mixed-load &lt;mysql://user:pw@127.0.0.1:port&gt; &lt;database&gt; &lt;row changes&gt; [seed]
/// The database must exist. Prints one progress line per 10 % on stderr and a RESULT line on stdout.
/// </remarks>
internal static class MixedLoadMode
{
    public const int DefaultSeed = 20261208;

    public static async Task<int> RunAsync(string uri, string database, long rowChanges, int seed)
    {
        var server = new Uri(uri);
        var credentials = Uri.UnescapeDataString(server.UserInfo).Split(':', 2);
        var builder = new MySqlConnectionStringBuilder
        {
            Server = server.Host,
            Port = (uint)server.Port,
            UserID = credentials[0],
            Password = credentials.Length > 1 ? credentials[1] : "",
            SslMode = MySqlSslMode.None,
            MaximumPoolSize = 2,
        };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        // The session the generator's literals assume (see RandomWorkload.OpenSessionAsync).
        await using (var session = new MySqlCommand("SET time_zone = '+00:00', sql_mode = 'NO_ENGINE_SUBSTITUTION'", connection))
            await session.ExecuteNonQueryAsync();

        var workload = new RandomWorkload(seed, database, new WorkloadOptions { LargeTransactionRows = 0 });
        foreach (var statement in workload.CreateMixedTables())
        {
            await using var create = new MySqlCommand(statement, connection);
            await create.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        var nextReport = rowChanges / 10;
        await workload.RunMixedAsync(connection, rowChanges, CancellationToken.None, done =>
        {
            if (done < nextReport)
                return;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mixed-load: {done:N0} of {rowChanges:N0} row changes, {clock.Elapsed.TotalSeconds:F0} s"));
            nextReport += rowChanges / 10;
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT row_changes={workload.MixedRowChanges} transactions={workload.MixedTransactions} seed={seed} seconds={clock.Elapsed.TotalSeconds:F1}"));
        return 0;
    }
}
