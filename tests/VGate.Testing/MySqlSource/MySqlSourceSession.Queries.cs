using System.Globalization;
using System.Text.RegularExpressions;

namespace VGate.Testing.MySqlSource;

/// <summary>The COM_QUERY statements the source answers: what VGate and MySqlConnector send to a MySQL source.</summary>
internal sealed partial class MySqlSourceSession
{
    private const byte TypeLongLong = 0x08;
    private const byte TypeVarString = 0xFD;

    private sealed record Column(string Name, bool IsNumber = false);

    private sealed record ResultSet(IReadOnlyList<Column> Columns, IReadOnlyList<string?[]> Rows);

    private async Task QueryAsync(string sql, CancellationToken cancellationToken)
    {
        _server.RecordQuery(sql);
        var normalized = Whitespace().Replace(sql.Trim(), " ").TrimEnd(';');
        ResultSet? result;
        try
        {
            result = Answer(normalized);
        }
        catch (UnexpectedQueryException)
        {
            _server.RecordUnexpected(sql);
            await WriteAsync(Error(1235, "42000", $"The VGate MySQL test source does not answer this query: {sql}"), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (result is null)
            await WriteAsync(Ok(), cancellationToken).ConfigureAwait(false);
        else
            await WriteResultSetAsync(result, cancellationToken).ConfigureAwait(false);
    }

    private ResultSet? Answer(string sql)
    {
        if (sql.StartsWith("SET ", StringComparison.OrdinalIgnoreCase))
        {
            // Session settings: sql_mode, the replication connection's @source_* variables (the heartbeat period matters).
            var heartbeat = HeartbeatPeriod().Match(sql);
            if (heartbeat.Success)
                _heartbeatNanos = long.Parse(heartbeat.Groups[1].Value, CultureInfo.InvariantCulture);
            return null;
        }

        switch (sql.ToUpperInvariant())
        {
            case "SELECT VERSION()":
            case "SELECT @@VERSION":
                return Scalar("VERSION()", _server.Options.ServerVersion);
            case "SELECT @@GLOBAL.GTID_EXECUTED":
                return Scalar("@@GLOBAL.gtid_executed", _server.GtidExecuted);
            case "SELECT @@GLOBAL.GTID_PURGED":
                return Scalar("@@GLOBAL.gtid_purged", _server.GtidPurged);
            case "SELECT @@GLOBAL.SERVER_UUID":
            case "SELECT @@SERVER_UUID":
                return Scalar("@@GLOBAL.server_uuid", _server.ServerUuid);
            case "SELECT CONNECTION_ID(), VERSION()":
                return new ResultSet([new Column("CONNECTION_ID()", IsNumber: true), new Column("VERSION()")],
                    [[_connectionId.ToString(CultureInfo.InvariantCulture), _server.Options.ServerVersion]]);
            case "SHOW BINARY LOGS":
            case "SHOW MASTER LOGS":
                return new ResultSet([new Column("Log_name"), new Column("File_size", IsNumber: true), new Column("Encrypted")],
                    [[_server.Binlog.FileName, _server.Binlog.EndPosition.ToString(CultureInfo.InvariantCulture), "No"]]);
            case "SHOW BINARY LOG STATUS":
            case "SHOW MASTER STATUS":
                return new ResultSet(
                    [new Column("File"), new Column("Position", IsNumber: true), new Column("Binlog_Do_DB"), new Column("Binlog_Ignore_DB"), new Column("Executed_Gtid_Set")],
                    [[_server.Binlog.FileName, _server.Binlog.EndPosition.ToString(CultureInfo.InvariantCulture), "", "", _server.GtidExecuted]]);
            case "SHOW REPLICA STATUS":
            case "SHOW SLAVE STATUS":
                return ReplicaStatus();
            case "SHOW GLOBAL STATUS LIKE 'UPTIME'":
                return new ResultSet([new Column("Variable_name"), new Column("Value")], [["Uptime", "3600"]]);
        }

        var variables = ShowVariablesIn().Match(sql);
        if (variables.Success)
        {
            var names = Quoted().Matches(variables.Groups[1].Value).Select(m => m.Groups[1].Value);
            return VariablesResult(names);
        }
        var like = ShowVariablesLike().Match(sql);
        if (like.Success)
            return VariablesResult([like.Groups[1].Value]);

        if (sql.Contains("FROM information_schema.COLUMNS c", StringComparison.OrdinalIgnoreCase))
            return Catalog(sql);

        throw new UnexpectedQueryException();
    }

    private ResultSet VariablesResult(IEnumerable<string> names)
    {
        var all = Variables();
        var rows = new List<string?[]>();
        foreach (var name in names)
        {
            if (all.TryGetValue(name, out var value))
                rows.Add([name, value]);
        }
        return new ResultSet([new Column("Variable_name"), new Column("Value")], rows);
    }

    private Dictionary<string, string> Variables()
    {
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["log_bin"] = "ON",
            ["binlog_format"] = "ROW",
            ["binlog_row_image"] = "FULL",
            ["gtid_mode"] = "ON",
            ["enforce_gtid_consistency"] = "ON",
            ["binlog_checksum"] = _server.Binlog.Crc32Enabled ? "CRC32" : "NONE",
            ["version"] = _server.Options.ServerVersion,
            ["server_uuid"] = _server.ServerUuid,
            ["server_id"] = _server.Binlog.ServerId.ToString(CultureInfo.InvariantCulture),
            ["gtid_executed"] = _server.GtidExecuted,
            ["gtid_purged"] = _server.GtidPurged,
        };
        // binlog_row_metadata exists from MySQL 8.0.1 on; a 5.7 server does not know it.
        if (!_server.Options.ServerVersion.StartsWith("5.", StringComparison.Ordinal))
            variables["binlog_row_metadata"] = "FULL";
        foreach (var (name, value) in _server.Options.Variables ?? new Dictionary<string, string>())
            variables[name] = value;
        return variables;
    }

    private ResultSet ReplicaStatus()
    {
        if (_server.ReplicaStatus is not { } status)
            return new ResultSet([new Column("Replica_IO_State"), new Column("Source_Host"), new Column("Replica_IO_Running"), new Column("Replica_SQL_Running")], []);
        var columns = status.Keys.Select(k => new Column(k)).ToList();
        return new ResultSet(columns, [[.. status.Values]]);
    }

    private ResultSet Catalog(string sql)
    {
        // VGate's SchemaCatalog query (MySqlConnector substitutes @database as a quoted literal).
        var database = CatalogDatabase().Match(sql);
        if (!database.Success)
            throw new UnexpectedQueryException();
        var name = database.Groups[1].Value;
        var rows = new List<string?[]>();
        foreach (var table in _server.Options.Tables.Where(t => t.Database == name).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var column in table.Columns)
            {
                rows.Add([table.Name, column.Name, column.DataType.ToLowerInvariant(), column.ColumnType, column.ColumnKey, "",
                    column.Nullable ? "1" : "0", "0"]);
            }
        }
        return new ResultSet(
            [new Column("TABLE_NAME"), new Column("COLUMN_NAME"), new Column("DATA_TYPE"), new Column("COLUMN_TYPE"), new Column("COLUMN_KEY"),
                new Column("EXTRA"), new Column("NULLABLE", IsNumber: true), new Column("DEFAULT_NOW", IsNumber: true)],
            rows);
    }

    private static ResultSet Scalar(string name, string? value) => new([new Column(name)], [[value]]);

    private async Task WriteResultSetAsync(ResultSet result, CancellationToken cancellationToken)
    {
        var count = new List<byte>();
        AppendLengthEncoded(count, (ulong)result.Columns.Count);
        await WriteAsync([.. count], cancellationToken).ConfigureAwait(false);
        foreach (var column in result.Columns)
        {
            // Protocol::ColumnDefinition41.
            var definition = new List<byte>();
            AppendLengthEncodedString(definition, "def");
            AppendLengthEncodedString(definition, "");
            AppendLengthEncodedString(definition, "");
            AppendLengthEncodedString(definition, "");
            AppendLengthEncodedString(definition, column.Name);
            AppendLengthEncodedString(definition, column.Name);
            definition.Add(0x0C);
            AppendUInt16(definition, column.IsNumber ? (ushort)63 : (ushort)255);
            AppendUInt32(definition, column.IsNumber ? 21u : 1024u);
            definition.Add(column.IsNumber ? TypeLongLong : TypeVarString);
            AppendUInt16(definition, column.IsNumber ? (ushort)0x80 : (ushort)0); // BINARY_FLAG for numbers, as MySQL sends
            definition.Add(0);
            AppendUInt16(definition, 0);
            await WriteAsync([.. definition], cancellationToken).ConfigureAwait(false);
        }
        if (!UseDeprecateEof)
            await WriteAsync(Eof(), cancellationToken).ConfigureAwait(false);
        foreach (var row in result.Rows)
        {
            var bytes = new List<byte>();
            foreach (var value in row)
                AppendLengthEncodedString(bytes, value);
            await WriteAsync([.. bytes], cancellationToken).ConfigureAwait(false);
        }
        if (UseDeprecateEof)
        {
            // An OK packet with the EOF header.
            byte[] ok = [0xFE, 0, 0, 0, 0, 0, 0];
            ok[3] = (byte)StatusAutocommit;
            await WriteAsync(ok, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(Eof(), cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] Eof() => [0xFE, 0, 0, (byte)StatusAutocommit, 0];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"@(?:source|master)_heartbeat_period\s*=\s*(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex HeartbeatPeriod();

    [GeneratedRegex(@"^SHOW GLOBAL VARIABLES WHERE Variable_name IN \((.*)\)$", RegexOptions.IgnoreCase)]
    private static partial Regex ShowVariablesIn();

    [GeneratedRegex(@"^SHOW (?:GLOBAL )?VARIABLES LIKE '([^']*)'$", RegexOptions.IgnoreCase)]
    private static partial Regex ShowVariablesLike();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"c\.TABLE_SCHEMA = '([^']*)'", RegexOptions.IgnoreCase)]
    private static partial Regex CatalogDatabase();

    private sealed class UnexpectedQueryException : Exception
    {
    }
}
