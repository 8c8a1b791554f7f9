using System.Globalization;
using MySqlConnector;

namespace VGate.Testing.Differential;

/// <summary>
/// A SQL copy, in a scratch database on the source server, of the tables a STATEMENT-format session writes. A delivered
/// statement (a VStream INSERT/UPDATE/DELETE event carrying <c>dml</c>) cannot be replayed by <see cref="Replica"/>,
/// which only knows row images: a consumer applies it by running it. So every change of a mirrored table, row image or
/// statement, is applied here with SQL in delivery order, the way a replicating consumer would (Vitess's VReplication
/// applies statement events the same way), and the result must equal <c>SELECT</c> of the source table.
/// </summary>
/// <remarks>
/// The mirrored tables are created <c>LIKE</c> the source tables when the judge starts, so they must not change shape
/// during the workload (the workload's <c>sbr</c> table never does). Statements name their tables with the database
/// (<c>`db`.`t`</c>), which is rewritten to the mirror's; the mirror's session also uses the mirror as its default
/// database, for statements that do not.
/// </remarks>
public sealed class StatementMirror : IAsyncDisposable
{
    private readonly MariaDbServer _server;
    private readonly DatabaseSnapshot _source;
    private readonly MySqlConnection _connection;
    private readonly string _database;
    private readonly List<string> _problems = [];
    private int _problemCount;

    private StatementMirror(MariaDbServer server, DatabaseSnapshot source, IReadOnlySet<string> tables, MySqlConnection connection, string database)
    {
        _server = server;
        _source = source;
        Tables = tables;
        _connection = connection;
        _database = database;
    }

    /// <summary>The tables mirrored: their changes go to <see cref="ApplyAsync"/>, not to a <see cref="Replica"/>.</summary>
    public IReadOnlySet<string> Tables { get; }

    /// <summary>Statements run by <see cref="ExecuteAsync"/>.</summary>
    public int Statements { get; private set; }

    /// <summary>Row changes applied by <see cref="ApplyAsync"/>.</summary>
    public int RowChanges { get; private set; }

    /// <summary>Creates the scratch database with an empty copy of each of <paramref name="tables"/> of <paramref name="source"/>.</summary>
    public static async Task<StatementMirror> CreateAsync(MariaDbServer server, DatabaseSnapshot source, IEnumerable<string> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(source);
        var names = tables.ToHashSet(StringComparer.Ordinal);
        var database = source.Database + "_mirror_" + Guid.NewGuid().ToString("N")[..6];
        var connection = await server.OpenConnectionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await RunAsync(connection, $"CREATE DATABASE `{database}`", cancellationToken).ConfigureAwait(false);
            foreach (var table in names)
                await RunAsync(connection, $"CREATE TABLE `{database}`.`{table}` LIKE `{source.Database}`.`{table}`", cancellationToken).ConfigureAwait(false);
            await RunAsync(connection, $"USE `{database}`", cancellationToken).ConfigureAwait(false);
            // As DatabaseSnapshot reads TIMESTAMPs and VStream delivers them: in UTC.
            await RunAsync(connection, "SET time_zone = '+00:00'", cancellationToken).ConfigureAwait(false);
            return new StatementMirror(server, source, names, connection, database);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a delivered statement against the mirror (its database name rewritten).</summary>
    public async Task ExecuteAsync(string statement, string origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        Statements++;
        var rewritten = statement.Replace($"`{_source.Database}`.", $"`{_database}`.", StringComparison.Ordinal);
        try
        {
            await RunAsync(_connection, rewritten, cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            Problem($"{origin}: the delivered statement failed on the mirror ({ex.Message}): {Replica.Shorten(statement)}");
        }
    }

    /// <summary>Applies a delivered row change of a mirrored table with SQL, by primary key (by whole row without one).</summary>
    public async Task ApplyAsync(ReplayChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        RowChanges++;
        var table = _source.Tables[change.Table];
        await using var command = new MySqlCommand { Connection = _connection };
        string sql;
        if (change.Before is { } before)
        {
            var match = table.Key.Count > 0 ? table.Key : before.Keys.ToList();
            var where = string.Join(" AND ", match.Select((column, i) => $"`{column}` <=> {Parameter(command, table, column, before, "w", i)}"));
            if (change.After is { } after)
            {
                var set = string.Join(", ", after.Keys.Select((column, i) => $"`{column}` = {Parameter(command, table, column, after, "s", i)}"));
                sql = $"UPDATE `{_database}`.`{table.Name}` SET {set} WHERE {where} LIMIT 1";
            }
            else
            {
                sql = $"DELETE FROM `{_database}`.`{table.Name}` WHERE {where} LIMIT 1";
            }
        }
        else
        {
            var after = change.After ?? throw new ArgumentException("a change with neither image", nameof(change));
            var columns = after.Keys.ToList();
            sql = $"INSERT INTO `{_database}`.`{table.Name}` ({string.Join(", ", columns.Select(c => $"`{c}`"))}) " +
                $"VALUES ({string.Join(", ", columns.Select((column, i) => Parameter(command, table, column, after, "v", i)))})";
        }

        command.CommandText = sql;
        try
        {
            var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (rows != 1)
                Problem($"{change.Origin}: {(change.After is null ? "delete" : "update")} of `{table.Name}` matched {rows} rows of the mirror, not 1");
        }
        catch (MySqlException ex)
        {
            Problem($"{change.Origin}: applying the change to the mirror failed ({ex.Message})");
        }
    }

    /// <summary>
    /// Throws unless every change applied and each mirrored table equals <paramref name="expected"/>'s, row for row,
    /// value for value (compared through a <see cref="Replica"/>, so the failure reads like every other judge's).
    /// </summary>
    public async Task AssertMatchesAsync(DatabaseSnapshot expected, string judge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (_problemCount > 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"{judge}: {_problemCount} change(s) of the mirrored tables did not apply; first:\n  " + string.Join("\n  ", _problems));
        }

        var mirrored = await DatabaseSnapshot.ReadAsync(_server, _database, cancellationToken).ConfigureAwait(false);
        var want = expected.Without([.. expected.Tables.Keys.Where(t => !Tables.Contains(t))]);
        var check = new Replica(want);
        foreach (var table in mirrored.Tables.Values)
        {
            foreach (var row in table.Rows)
                check.Apply(new ReplayChange(table.Name, null, row, $"row of the mirror's `{table.Name}`"));
        }

        check.AssertMatches(want, judge + $" (tables {string.Join(", ", Tables)} applied with SQL: {Statements} statements, {RowChanges} row changes)");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(_connection, $"DROP DATABASE IF EXISTS `{_database}`", CancellationToken.None).ConfigureAwait(false);
        }
        catch (MySqlException)
        {
            // The server may be gone already; the scratch database goes with it.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Adds a parameter holding the canonical <paramref name="row"/> value of <paramref name="column"/> as the server must receive it.</summary>
    private static string Parameter(MySqlCommand command, SnapshotTable table, string column, IReadOnlyDictionary<string, string?> row, string prefix, int index)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{index}");
        var value = row[column];
        object parameter = value is null
            ? DBNull.Value
            : table.Column(column).Kind switch
            {
                // x'HEX' (CanonicalValue.Bytes): the exact stored bytes.
                CanonicalKind.Bytes => Convert.FromHexString(value.AsSpan(2, value.Length - 3)),
                CanonicalKind.Bit => ulong.Parse(value, CultureInfo.InvariantCulture),
                _ => value,
            };
        command.Parameters.AddWithValue(name, parameter);
        return name;
    }

    private static async Task RunAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Problem(string text)
    {
        _problemCount++;
        if (_problems.Count < 12)
            _problems.Add(text);
    }
}
