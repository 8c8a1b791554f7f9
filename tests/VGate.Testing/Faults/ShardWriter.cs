using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace VGate.Testing.Faults;

/// <summary>
/// The fault workload's writer of one shard: one connection, one transaction after the other, each inserting a new row
/// and often updating, deleting or re-keying an older one of the same shard (<see cref="RowImage"/>: every change has a
/// unique identity). When the shard's server dies mid-transaction the outcome is unknown: the writer reconnects with
/// backoff and asks the server whether the transaction's new row exists, so its model (and the expected changes) hold
/// exactly what committed.
/// </summary>
public sealed class ShardWriter
{
    private const int Backoff = 50;
    private const int MaxBackoff = 1000;

    private readonly MariaDbServer _server;
    private readonly string _table;
    private readonly int _writer;
    private readonly Func<long> _nextId;
    private readonly Func<int> _nextTransaction;
    private readonly Random _random;
    private readonly Dictionary<long, RowImage> _live = [];
    private readonly List<long> _liveIds = [];
    private readonly HashSet<string> _expected = new(StringComparer.Ordinal);
    private long _committed;

    /// <param name="server">The shard's server.</param>
    /// <param name="table">The table, <c>db.t</c>.</param>
    /// <param name="writer">This writer's number (the <c>writer</c> column).</param>
    /// <param name="nextId">A new id that routes to this shard, unique across the run.</param>
    /// <param name="nextTransaction">A new transaction number, unique across the run.</param>
    /// <param name="seed">Seeds the choice of changes.</param>
    public ShardWriter(MariaDbServer server, string table, int writer, Func<long> nextId, Func<int> nextTransaction, int seed)
    {
        _server = server;
        _table = table;
        _writer = writer;
        _nextId = nextId;
        _nextTransaction = nextTransaction;
        _random = new Random(seed);
    }

    /// <summary>Transactions committed so far.</summary>
    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>Transactions whose COMMIT failed and whose outcome was then looked up.</summary>
    public int Uncertain { get; private set; }

    /// <summary>How many of those had committed after all.</summary>
    public int UncertainCommitted { get; private set; }

    /// <summary>Identities (<see cref="RowChange.Identities"/>) of every committed change. Read after <see cref="RunAsync"/> ends.</summary>
    public IReadOnlySet<string> Expected => _expected;

    /// <summary>The rows the writer believes exist. Read after <see cref="RunAsync"/> ends.</summary>
    public IReadOnlyDictionary<long, RowImage> Live => _live;

    /// <summary>
    /// Writes until <paramref name="stop"/> is cancelled, at most <paramref name="perSecond"/> transactions a second
    /// (0: as fast as it can). <paramref name="deadline"/> bounds the waits for a dead server.
    /// </summary>
    public async Task RunAsync(double perSecond, CancellationToken stop, CancellationToken deadline)
    {
        MySqlConnection? connection = null;
        var clock = Stopwatch.StartNew();
        long started = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (perSecond > 0 && started % 10 == 0)
                {
                    var due = TimeSpan.FromSeconds(started / perSecond) - clock.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        try
                        {
                            await Task.Delay(due, stop).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }
                    }
                }

                started++;
                var (sql, changes, probe) = Plan();
                bool committed;
                try
                {
                    connection ??= await _server.OpenConnectionAsync(cancellationToken: deadline).ConfigureAwait(false);
                    await using var command = new MySqlCommand(sql, connection);
                    await command.ExecuteNonQueryAsync(deadline).ConfigureAwait(false);
                    committed = true;
                }
                catch (Exception ex) when (IsConnectionFailure(ex) && !deadline.IsCancellationRequested)
                {
                    await DisposeQuietlyAsync(connection).ConfigureAwait(false);
                    connection = null;
                    (connection, committed) = await ResolveAsync(probe, deadline).ConfigureAwait(false);
                    Uncertain++;
                    if (committed)
                        UncertainCommitted++;
                }

                if (committed)
                    Apply(changes);
            }
        }
        finally
        {
            await DisposeQuietlyAsync(connection).ConfigureAwait(false);
        }
    }

    /// <summary>The next transaction: its SQL, its changes, and the (id, n) of the row it inserts (its commit marker).</summary>
    private (string Sql, List<RowChange> Changes, RowImage Inserted) Plan()
    {
        var n = _nextTransaction();
        var inserted = new RowImage(_nextId(), _writer, "i" + n.ToString(CultureInfo.InvariantCulture), n);
        var changes = new List<RowChange> { new(null, inserted) };
        var sql = new List<string> { Insert(inserted) };
        if (_liveIds.Count > 5)
        {
            var old = _live[_liveIds[_random.Next(_liveIds.Count)]];
            switch (_random.Next(5))
            {
                case 0:
                case 1:
                    var updated = old with { V = "u" + n.ToString(CultureInfo.InvariantCulture), N = n };
                    sql.Add(string.Create(CultureInfo.InvariantCulture, $"UPDATE {_table} SET v = '{updated.V}', n = {n} WHERE id = {old.Id}"));
                    changes.Add(new RowChange(old, updated));
                    break;
                case 2:
                    sql.Add(string.Create(CultureInfo.InvariantCulture, $"DELETE FROM {_table} WHERE id = {old.Id}"));
                    changes.Add(new RowChange(old, null));
                    break;
                case 3:
                    var moved = old with { Id = _nextId(), N = n };
                    sql.Add(string.Create(CultureInfo.InvariantCulture, $"UPDATE {_table} SET id = {moved.Id}, n = {n} WHERE id = {old.Id}"));
                    changes.Add(new RowChange(old, moved));
                    break;
                default:
                    break;
            }
        }

        return ("START TRANSACTION; " + string.Join("; ", sql) + "; COMMIT", changes, inserted);
    }

    private string Insert(RowImage row) =>
        string.Create(CultureInfo.InvariantCulture, $"INSERT INTO {_table} (id, writer, v, n) VALUES ({row.Id}, {row.Writer}, '{row.V}', {row.N})");

    private void Apply(List<RowChange> changes)
    {
        foreach (var change in changes)
        {
            foreach (var identity in change.Identities())
            {
                if (!_expected.Add(identity))
                    throw new InvalidOperationException($"the workload made change {identity} twice");
            }

            if (change.Before is { } before)
            {
                _live.Remove(before.Id);
                _liveIds.Remove(before.Id);
            }

            if (change.After is { } after)
            {
                _live[after.Id] = after;
                _liveIds.Add(after.Id);
            }
        }

        Interlocked.Increment(ref _committed);
    }

    /// <summary>Reconnects (with backoff, while the server restarts) and looks the transaction's new row up.</summary>
    private async Task<(MySqlConnection Connection, bool Committed)> ResolveAsync(RowImage probe, CancellationToken deadline)
    {
        var delay = Backoff;
        while (true)
        {
            MySqlConnection? connection = null;
            try
            {
                connection = await _server.OpenConnectionAsync(cancellationToken: deadline).ConfigureAwait(false);
                await using var command = new MySqlCommand(
                    string.Create(CultureInfo.InvariantCulture, $"SELECT COUNT(*) FROM {_table} WHERE id = {probe.Id} AND n = {probe.N}"), connection);
                var count = Convert.ToInt64(await command.ExecuteScalarAsync(deadline).ConfigureAwait(false), CultureInfo.InvariantCulture);
                return (connection, count > 0);
            }
            catch (Exception ex) when (IsConnectionFailure(ex) && !deadline.IsCancellationRequested)
            {
                await DisposeQuietlyAsync(connection).ConfigureAwait(false);
                await Task.Delay(delay, deadline).ConfigureAwait(false);
                delay = Math.Min(delay * 2, MaxBackoff);
            }
        }
    }

    private static bool IsConnectionFailure(Exception ex) =>
        ex is MySqlException or IOException or System.Net.Sockets.SocketException or InvalidOperationException or MariaDbServerException;

    private static async Task DisposeQuietlyAsync(MySqlConnection? connection)
    {
        if (connection is null)
            return;
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MySqlException or IOException or InvalidOperationException)
        {
            // A connection to a killed server may fail to close; it is gone either way.
        }
    }
}
