using System.Globalization;
using System.Text;

namespace VGate.Testing.Differential;

/// <summary>
/// One delivered row change, values in <see cref="CanonicalValue"/> form keyed by column name: an insert has only
/// <see cref="After"/>, a delete only <see cref="Before"/>, an update both. <see cref="Origin"/> says where it came
/// from (GTID, record offset…) for failure messages.
/// </summary>
public sealed record ReplayChange(string Table, IReadOnlyDictionary<string, string?>? Before, IReadOnlyDictionary<string, string?>? After, string Origin);

/// <summary>
/// A copy of a database rebuilt by replaying delivered row changes the way a consumer would: by primary key, or by
/// whole row for a table without one (duplicates included). Every change is checked as it is applied (an insert of a
/// key that exists means a duplicate delivery; an update or delete must find a row equal to its before image), and the
/// result must equal a <see cref="DatabaseSnapshot"/> value for value. The judges of every delivery path
/// (<c>vgate binlog</c>, VStream, the Kafka sink) share it, so they are held to exactly the same standard.
/// </summary>
public sealed class Replica
{
    private const int MaxProblems = 12;
    private const char KeySeparator = '\u0001';

    private readonly DatabaseSnapshot _schema;
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, string?>>> _keyed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Dictionary<string, string?>>> _unkeyed = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];
    private int _problemCount;

    /// <param name="schema">The final state; its primary keys decide how changes are matched to rows.</param>
    public Replica(DatabaseSnapshot schema) => _schema = schema ?? throw new ArgumentNullException(nameof(schema));

    /// <summary>How many changes were applied.</summary>
    public long Applied { get; private set; }

    /// <summary>Problems found while applying, the first one first (at most a dozen are kept).</summary>
    public IReadOnlyList<string> Problems => _problems;

    public void Apply(ReplayChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Applied++;
        if (!_schema.Tables.TryGetValue(change.Table, out var table))
        {
            Problem($"{change.Origin}: a change of table `{change.Table}`, which is not in the database");
            return;
        }

        if (table.Key.Count == 0)
            ApplyUnkeyed(table, change);
        else
            ApplyKeyed(table, change);
    }

    private void ApplyKeyed(SnapshotTable table, ReplayChange change)
    {
        var rows = _keyed.TryGetValue(table.Name, out var found) ? found : _keyed[table.Name] = new(StringComparer.Ordinal);
        if (change.Before is { } before)
        {
            var key = Key(table, before);
            if (!rows.TryGetValue(key, out var stored))
            {
                Problem($"{change.Origin}: {(change.After is null ? "delete" : "update")} of `{table.Name}` {ShowKey(table, before)}, a row the replay does not have");
            }
            else
            {
                CompareBefore(table, change, stored, before);
                rows.Remove(key);
            }
        }

        if (change.After is { } after)
        {
            var key = Key(table, after);
            if (rows.ContainsKey(key))
                Problem($"{change.Origin}: {(change.Before is null ? "insert" : "update")} of `{table.Name}` {ShowKey(table, after)}: the replay already has that row (delivered twice?)");
            rows[key] = new Dictionary<string, string?>(after, StringComparer.Ordinal);
        }
    }

    private void ApplyUnkeyed(SnapshotTable table, ReplayChange change)
    {
        var rows = _unkeyed.TryGetValue(table.Name, out var found) ? found : _unkeyed[table.Name] = [];
        if (change.Before is { } before)
        {
            var index = rows.FindIndex(row => before.All(p => !row.TryGetValue(p.Key, out var v) || v == p.Value));
            if (index < 0)
                Problem($"{change.Origin}: {(change.After is null ? "delete" : "update")} of `{table.Name}` row {Show(before)}, which the replay does not have");
            else
                rows.RemoveAt(index);
        }

        if (change.After is { } after)
            rows.Add(new Dictionary<string, string?>(after, StringComparer.Ordinal));
    }

    private void CompareBefore(SnapshotTable table, ReplayChange change, Dictionary<string, string?> stored, IReadOnlyDictionary<string, string?> before)
    {
        foreach (var (column, value) in before)
        {
            if (stored.TryGetValue(column, out var mine) && mine != value)
            {
                Problem($"{change.Origin}: the before image of `{table.Name}` {ShowKey(table, before)} has {column} = {Shorten(value)}, the replayed row {Shorten(mine)}");
                return;
            }
        }
    }

    /// <summary>
    /// Throws unless applying raised no problem and the replay equals <paramref name="expected"/> exactly: every table,
    /// every row, every column of the final schema. A row that no change touched after an ADD COLUMN lacks that column;
    /// <paramref name="addedColumnDefaults"/> (table, column) gives the value the ALTER filled in for it.
    /// </summary>
    /// <param name="expected">The tables as SELECT sees them.</param>
    /// <param name="judge">Names the delivery path and the seed; starts the failure message.</param>
    /// <param name="addedColumnDefaults">Values of columns added by DDL for rows written before it.</param>
    public void AssertMatches(DatabaseSnapshot expected, string judge, IReadOnlyDictionary<(string Table, string Column), string?>? addedColumnDefaults = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var differences = new List<string>();
        var defaults = addedColumnDefaults ?? new Dictionary<(string, string), string?>();
        foreach (var table in expected.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            string Row(IReadOnlyDictionary<string, string?> row, out string? missing)
            {
                missing = null;
                var text = new StringBuilder();
                foreach (var column in table.Columns)
                {
                    string? value;
                    if (!row.TryGetValue(column.Name, out value) && !defaults.TryGetValue((table.Name, column.Name), out value))
                        missing ??= column.Name;
                    text.Append(column.Name).Append('=').Append(value ?? "NULL").Append(KeySeparator);
                }

                return text.ToString();
            }

            if (table.Key.Count > 0)
            {
                var replayed = _keyed.GetValueOrDefault(table.Name) ?? [];
                foreach (var row in table.Rows)
                {
                    var key = Key(table, row);
                    if (!replayed.TryGetValue(key, out var mine))
                    {
                        differences.Add($"`{table.Name}` {ShowKey(table, row)}: in the table, missing from the replay");
                        continue;
                    }

                    foreach (var column in table.Columns)
                    {
                        if (!mine.TryGetValue(column.Name, out var value) && !defaults.TryGetValue((table.Name, column.Name), out value))
                        {
                            differences.Add($"`{table.Name}` {ShowKey(table, row)}: column {column.Name} never delivered");
                            break;
                        }

                        if (value != row[column.Name])
                        {
                            differences.Add($"`{table.Name}` {ShowKey(table, row)}: column {column.Name} ({column.ColumnType}): SELECT {Shorten(row[column.Name])}, replay {Shorten(value)}");
                            break;
                        }
                    }
                }

                var keys = table.Rows.Select(row => Key(table, row)).ToHashSet(StringComparer.Ordinal);
                differences.AddRange(replayed.Where(p => !keys.Contains(p.Key)).Select(p => $"`{table.Name}` {ShowKey(table, p.Value)}: in the replay, not in the table"));
            }
            else
            {
                var want = table.Rows.Select(r => Row(r, out _)).GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                var got = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var row in _unkeyed.GetValueOrDefault(table.Name) ?? [])
                {
                    var text = Row(row, out var missing);
                    if (missing is not null)
                        differences.Add($"`{table.Name}` row {Show(row)}: column {missing} never delivered");
                    got[text] = got.GetValueOrDefault(text) + 1;
                }

                foreach (var (row, count) in want.Where(p => got.GetValueOrDefault(p.Key) != p.Value))
                    differences.Add(string.Create(CultureInfo.InvariantCulture, $"`{table.Name}` (no key): {count} × in the table, {got.GetValueOrDefault(row)} × in the replay: {Shorten(row.Replace(KeySeparator, ' '))}"));
                foreach (var (row, count) in got.Where(p => !want.ContainsKey(p.Key)))
                    differences.Add(string.Create(CultureInfo.InvariantCulture, $"`{table.Name}` (no key): {count} × in the replay, not in the table: {Shorten(row.Replace(KeySeparator, ' '))}"));
            }
        }

        foreach (var table in _keyed.Keys.Concat(_unkeyed.Keys).Where(t => !expected.Tables.ContainsKey(t)))
            differences.Add($"`{table}`: rows in the replay, but no such table");

        if (_problemCount == 0 && differences.Count == 0)
            return;
        var message = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{judge}: replaying {Applied} delivered row changes does not give the tables' SELECT contents ({expected}).");
        if (_problemCount > 0)
        {
            message.Append(CultureInfo.InvariantCulture, $"\n{_problemCount} change(s) did not apply; first:");
            foreach (var problem in _problems)
                message.Append("\n  ").Append(problem);
        }

        if (differences.Count > 0)
        {
            message.Append(CultureInfo.InvariantCulture, $"\n{differences.Count} difference(s) with SELECT; first:");
            foreach (var difference in differences.Take(MaxProblems))
                message.Append("\n  ").Append(difference);
        }

        throw new Xunit.Sdk.XunitException(message.ToString());
    }

    private void Problem(string text)
    {
        _problemCount++;
        if (_problems.Count < MaxProblems)
            _problems.Add(text);
    }

    private static string Key(SnapshotTable table, IReadOnlyDictionary<string, string?> row) =>
        string.Join(KeySeparator, table.Key.Select(column => row.TryGetValue(column, out var value) ? value ?? "NULL" : "?"));

    private static string ShowKey(SnapshotTable table, IReadOnlyDictionary<string, string?> row) =>
        "(" + string.Join(", ", table.Key.Select(column => column + "=" + (row.TryGetValue(column, out var value) ? value ?? "NULL" : "?"))) + ")";

    private static string Show(IReadOnlyDictionary<string, string?> row) => "(" + string.Join(", ", row.Select(p => p.Key + "=" + Shorten(p.Value))) + ")";

    /// <summary>Long values cut for messages.</summary>
    public static string Shorten(string? value) => value is null ? "NULL" : value.Length <= 120 ? value : string.Concat(value.AsSpan(0, 120), string.Create(CultureInfo.InvariantCulture, $"… ({value.Length} chars)"));
}
