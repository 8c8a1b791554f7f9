using System.Globalization;

namespace VGate.Gateway.Health;

/// <summary>
/// Reads a replica's replication state from the rows of MariaDB's <c>SHOW ALL SLAVES STATUS</c> or MySQL's
/// <c>SHOW REPLICA STATUS</c> / <c>SHOW SLAVE STATUS</c> (one row per channel).
/// </summary>
internal static class ReplicationStatus
{
    /// <summary>
    /// Whether every channel replicates (IO and SQL threads <c>Yes</c>), the largest lag among them (null when any is
    /// unknown), and a description of what is wrong.
    /// </summary>
    public static (bool Running, TimeSpan? Lag, string? Problem) Read(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows)
    {
        if (rows.Count == 0)
            return (false, null, "replication is not configured (no replication channel)");

        var running = true;
        TimeSpan? lag = TimeSpan.Zero;
        var problems = new List<string>();
        foreach (var row in rows)
        {
            var channel = Text(row, "Connection_name") ?? Text(row, "Channel_Name") ?? "";
            var where = channel.Length == 0 ? "" : $"channel '{channel}': ";
            var io = Text(row, "Slave_IO_Running") ?? Text(row, "Replica_IO_Running");
            var sql = Text(row, "Slave_SQL_Running") ?? Text(row, "Replica_SQL_Running");
            if (!string.Equals(io, "Yes", StringComparison.OrdinalIgnoreCase) || !string.Equals(sql, "Yes", StringComparison.OrdinalIgnoreCase))
            {
                running = false;
                var error = FirstNonEmpty(Text(row, "Last_IO_Error"), Text(row, "Last_SQL_Error"), Text(row, "Last_Error"));
                problems.Add($"{where}replication is not running (IO thread: {io ?? "?"}, SQL thread: {sql ?? "?"})" +
                    (error is null ? "" : ": " + error));
            }

            var seconds = Number(row, "Seconds_Behind_Master") ?? Number(row, "Seconds_Behind_Source");
            if (seconds is null)
                lag = null;
            else if (lag is { } current)
                lag = TimeSpan.FromSeconds(Math.Max(current.TotalSeconds, seconds.Value));
        }
        return (running, lag, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static string? Text(IReadOnlyDictionary<string, string?> row, string column) =>
        row.TryGetValue(column, out var value) ? value : null;

    private static double? Number(IReadOnlyDictionary<string, string?> row, string column) =>
        Text(row, column) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
