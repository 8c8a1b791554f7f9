using System.Globalization;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;

namespace VGate.VStreamer.CopyPhase;

/// <summary>
/// MariaDB: <c>START TRANSACTION WITH CONSISTENT SNAPSHOT</c> is consistent with the binary log. While taking the read
/// view, the server also records the binlog file and offset of the last transaction group committed before it
/// (<c>binlog_snapshot_file</c>/<c>binlog_snapshot_position</c>, read under the same commit-ordering lock that makes
/// InnoDB commits and binlog writes happen in one order). So the snapshot sees exactly the transactions written before
/// that offset, and <c>BINLOG_GTID_POS(file, offset)</c> gives their GTID list. No table lock is needed.
/// See https://mariadb.com/kb/en/enhancements-for-start-transaction-with-consistent-snapshot/ and
/// https://mariadb.com/kb/en/binlog_gtid_pos/
/// </summary>
internal sealed class MariaDbCopySnapshot : CopySnapshot
{
    public override async Task<ReplicationPosition> BeginAsync(
        MySqlProtocolConnection connection, MySqlConnectionOptions source, string database, string table, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("START TRANSACTION WITH CONSISTENT SNAPSHOT", cancellationToken).ConfigureAwait(false);
        var status = await connection.QueryAsync("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'", cancellationToken).ConfigureAwait(false);
        string? file = null;
        string? offset = null;
        foreach (var row in status)
        {
            if (string.Equals(row[0], "Binlog_snapshot_file", StringComparison.OrdinalIgnoreCase))
                file = row[1];
            else if (string.Equals(row[0], "Binlog_snapshot_position", StringComparison.OrdinalIgnoreCase))
                offset = row[1];
        }
        if (string.IsNullOrEmpty(file) || !ulong.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            throw VStreamException.FailedPrecondition("the source reports no binlog snapshot position (is the binary log enabled?)");

        var gtid = await ScalarAsync(
            connection,
            string.Create(CultureInfo.InvariantCulture, $"SELECT BINLOG_GTID_POS({QuoteString(file)}, {position})"),
            cancellationToken).ConfigureAwait(false);
        return new ReplicationPosition(MariaDbGtidList.Parse(gtid));
    }

    public override async Task<ReplicationPosition> ReadCurrentPositionAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken) =>
        new(MariaDbGtidList.Parse(await ScalarAsync(connection, "SELECT @@GLOBAL.gtid_binlog_pos", cancellationToken).ConfigureAwait(false)));
}
