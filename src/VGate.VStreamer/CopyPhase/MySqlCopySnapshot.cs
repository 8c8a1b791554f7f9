using VGate.MySql.Positions;
using VGate.MySql.Protocol;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// MySQL: the executed GTID set and an InnoDB read view cannot be read atomically, so, as Vitess's rowstreamer does, the
/// table is read-locked on a second connection while the set is read and the snapshot started: no transaction can
/// change <c>table</c> between the two, so the snapshot holds exactly the table's rows as of <c>@@gtid_executed</c>
/// (transactions on other tables may slip in between; their changes are streamed after the copy and applied
/// idempotently). Needs LOCK TABLES on the database.
/// </summary>
internal sealed class MySqlCopySnapshot : CopySnapshot
{
    public override async Task<ReplicationPosition> BeginAsync(
        MySqlProtocolConnection connection, MySqlConnectionOptions source, string database, string table, CancellationToken cancellationToken)
    {
        await using var lockConnection = await MySqlProtocolConnection.ConnectAsync(source, cancellationToken).ConfigureAwait(false);
        await lockConnection.ExecuteAsync($"LOCK TABLES {QuoteIdentifier(database)}.{QuoteIdentifier(table)} READ", cancellationToken).ConfigureAwait(false);
        try
        {
            var executed = await ScalarAsync(lockConnection, "SELECT @@GLOBAL.gtid_executed", cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", cancellationToken).ConfigureAwait(false);
            return new ReplicationPosition(MySqlGtidSet.Parse(string.Concat(executed.Where(c => !char.IsWhiteSpace(c)))));
        }
        finally
        {
            await lockConnection.ExecuteAsync("UNLOCK TABLES", CancellationToken.None).ConfigureAwait(false);
        }
    }

    public override async Task<ReplicationPosition> ReadCurrentPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        var executed = await ScalarAsync(connection, "SELECT @@GLOBAL.gtid_executed", cancellationToken).ConfigureAwait(false);
        return new ReplicationPosition(MySqlGtidSet.Parse(string.Concat(executed.Where(c => !char.IsWhiteSpace(c)))));
    }
}
