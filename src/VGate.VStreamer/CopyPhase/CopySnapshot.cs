using VGate.MySql.Protocol;
using VGate.MySql.Positions;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// Opens a consistent-snapshot transaction on the copy connection and tells the exact binlog position (GTID set or
/// list) the snapshot corresponds to. The one place for the flavor differences of the copy phase.
/// </summary>
internal abstract class CopySnapshot
{
    /// <summary>The implementation for the source's flavor.</summary>
    public static CopySnapshot For(bool isMariaDb) => isMariaDb ? new MariaDbCopySnapshot() : new MySqlCopySnapshot();

    /// <summary>
    /// Starts <c>START TRANSACTION WITH CONSISTENT SNAPSHOT</c> on <paramref name="connection"/> and returns the position
    /// whose transactions, and only those, the snapshot sees (for <paramref name="table"/> at least).
    /// </summary>
    public abstract Task<ReplicationPosition> BeginAsync(
        MySqlProtocolConnection connection, MySqlConnectionOptions source, string database, string table, CancellationToken cancellationToken);

    /// <summary>The source's current executed position (used when there is nothing to copy).</summary>
    public abstract Task<ReplicationPosition> ReadCurrentPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken);

    /// <summary>Ends the snapshot transaction.</summary>
    public static Task EndAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync("ROLLBACK", cancellationToken);

    protected static async Task<string> ScalarAsync(MySqlProtocolConnection connection, string sql, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 && rows[0].Length > 0 ? rows[0][0] ?? "" : "";
    }

    protected static string QuoteIdentifier(string name) => SqlSession.QuoteIdentifier(name);

    protected static string QuoteString(string value) => SqlSession.QuoteString(value);
}
