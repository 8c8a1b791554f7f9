using System.Globalization;
using System.Text;
using Binlogdata;

namespace VGate.Cli.Output;

/// <summary>
/// <c>vgate stream</c>'s progress line during a copy phase, on standard error: tables done, rows copied, rows per second
/// and, when the gateway gave row estimates (<see cref="SetEstimates"/>), the estimated total and an ETA. Redrawn in
/// place (carriage return) at most twice a second, cut to the terminal's width; cleared when the copy completes.
/// </summary>
/// <remarks>
/// A table is done on a shard when it leaves that shard's <c>table_p_ks</c> in a VGTID, or when the shard's
/// <c>COPY_COMPLETED</c> arrives; done when it is done on every shard of the stream. The ETA is the rows still expected
/// (each unfinished table's estimate minus its rows so far) over the rate of the last <see cref="RateWindow"/>. InnoDB's
/// estimates are approximate: a table past its estimate counts as nearly done, so the ETA is then a lower bound
/// (<c>ETA &gt;0:01:05</c>), and when nothing else is left there is no ETA at all rather than a made-up one.
/// </remarks>
internal sealed class StreamProgress(TextWriter error, TimeProvider time, Func<int> width)
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    /// <summary>How far back the rate for the ETA looks: long enough to smooth batches, short enough to follow a slowdown.</summary>
    internal static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    /// <summary>An ETA beyond this is shown as <c>&gt;99:59:59</c>: a figure that far out says only "very long".</summary>
    private static readonly TimeSpan LongestEta = new(99, 59, 59);

    private readonly long _start = time.GetTimestamp();
    private readonly Dictionary<string, long> _copied = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _doneOn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _listed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _completedShards = new(StringComparer.Ordinal);
    private readonly Queue<(TimeSpan At, long Rows)> _samples = new();
    private IReadOnlyDictionary<string, long>? _estimates;
    private TimeSpan? _lastDraw;
    private long _rows;
    private bool _copying;
    private bool _drawn;

    /// <summary>The text of the last line drawn (without the carriage return), for tests.</summary>
    internal string? LastLine { get; private set; }

    /// <summary>
    /// Row estimates of the tables the copy reads, by table name (without keyspace), summed over the shards streamed;
    /// the tables listed are the ones expected.
    /// </summary>
    public void SetEstimates(IReadOnlyDictionary<string, long> estimates) => _estimates = estimates;

    /// <summary>
    /// The stream starts with a copy phase: rows count from the first event, before any VGTID lists a table (the first
    /// batch's rows come before its VGTID).
    /// </summary>
    public void ExpectCopy() => _copying = true;

    public void Observe(VEvent vevent)
    {
        switch (vevent.Type)
        {
            case VEventType.Vgtid:
                ObserveVgtid(vevent.Vgtid);
                break;
            case VEventType.Row when _copying:
                var rows = vevent.RowEvent.RowChanges.Count;
                _rows += rows;
                var table = BareName(vevent.RowEvent.TableName, vevent.RowEvent.Keyspace);
                _copied[table] = _copied.GetValueOrDefault(table) + rows;
                break;
            case VEventType.CopyCompleted:
                // One per shard (with its keyspace and shard), then one for the whole stream (without).
                if (vevent.Keyspace.Length > 0 || vevent.Shard.Length > 0)
                    _completedShards.Add(ShardKey(vevent.Keyspace, vevent.Shard));
                else
                    _copying = false;
                break;
            default:
                break;
        }
        if (!_copying)
        {
            Clear();
            return;
        }
        var now = time.GetElapsedTime(_start);
        if (_lastDraw is { } last && now - last < Period)
            return;
        _lastDraw = now;
        _samples.Enqueue((now, _rows));
        // Keep one sample at least RateWindow old (the window's start), drop the ones before it.
        while (_samples.Count > 2 && now - _samples.ElementAt(1).At >= RateWindow)
            _samples.Dequeue();
        var line = Format(now);
        var columns = width();
        if (columns > 1 && line.Length >= columns)
            line = line[..(columns - 1)]; // a line as wide as the terminal wraps, and \r would then redraw only its end
        LastLine = line;
        error.Write("\r" + line + "\x1b[K");
        error.Flush();
        _drawn = true;
    }

    /// <summary>Erases the line, so messages and the shell prompt start at column 0.</summary>
    public void Clear()
    {
        if (!_drawn)
            return;
        error.Write("\r\x1b[K");
        error.Flush();
        _drawn = false;
    }

    /// <summary>An ETA as <c>h:mm:ss</c> (hours not wrapped at 24), rounded up to the second.</summary>
    internal static string FormatEta(TimeSpan eta)
    {
        var seconds = (long)Math.Ceiling(eta.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:D2}:{seconds % 60:D2}");
    }

    /// <summary>Rows per second over the sampled window; null until it spans a second.</summary>
    internal double? RecentRate(TimeSpan now)
    {
        if (_samples.Count == 0)
            return null;
        var (at, rows) = _samples.Peek();
        var span = now - at;
        return span < TimeSpan.FromSeconds(1) ? null : (_rows - rows) / span.TotalSeconds;
    }

    private void ObserveVgtid(VGtid vgtid)
    {
        foreach (var entry in vgtid.ShardGtids)
        {
            var shard = ShardKey(entry.Keyspace, entry.Shard);
            _shards.Add(shard);
            var now = new HashSet<string>(entry.TablePKs.Select(t => BareName(t.TableName, entry.Keyspace)), StringComparer.Ordinal);
            if (now.Count > 0)
                _copying = true;
            if (_listed.TryGetValue(shard, out var before))
            {
                foreach (var table in before)
                {
                    if (!now.Contains(table))
                        DoneOn(table).Add(shard);
                }
            }
            _listed[shard] = now;
        }
    }

    private HashSet<string> DoneOn(string table)
    {
        if (!_doneOn.TryGetValue(table, out var shards))
            _doneOn[table] = shards = new HashSet<string>(StringComparer.Ordinal);
        return shards;
    }

    private bool IsDone(string table)
    {
        if (_shards.Count == 0)
            return false;
        _doneOn.TryGetValue(table, out var doneOn);
        foreach (var shard in _shards)
        {
            if (!_completedShards.Contains(shard) && doneOn?.Contains(shard) != true)
                return false;
        }
        return true;
    }

    private string Format(TimeSpan now)
    {
        var tables = new HashSet<string>(_doneOn.Keys, StringComparer.Ordinal);
        tables.UnionWith(_copied.Keys);
        if (_estimates is not null)
            tables.UnionWith(_estimates.Keys);
        var done = tables.Count(IsDone);
        var rate = RecentRate(now) ?? _rows / Math.Max(now.TotalSeconds, 0.001);
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"copy: {done}");
        if (_estimates is not null)
            line.Append(CultureInfo.InvariantCulture, $" of {tables.Count}");
        line.Append(CultureInfo.InvariantCulture, $" tables done, {_rows:N0}");
        if (_estimates is not null)
            line.Append(CultureInfo.InvariantCulture, $" of ~{_estimates.Values.Sum():N0}");
        line.Append(CultureInfo.InvariantCulture, $" rows, {rate:N0} rows/s");
        if (_estimates is not null && Eta(tables, now) is { } eta)
            line.Append(", ETA ").Append(eta);
        return line.ToString();
    }

    /// <summary>The ETA text, or null when there is none to give (no rate yet, or nothing left that an estimate covers).</summary>
    private string? Eta(HashSet<string> tables, TimeSpan now)
    {
        if (RecentRate(now) is not { } rate || rate <= 0)
            return null;
        long remaining = 0;
        var lowerBound = false;
        foreach (var table in tables)
        {
            if (IsDone(table))
                continue;
            var copied = _copied.GetValueOrDefault(table);
            if (_estimates!.TryGetValue(table, out var estimate) && copied < estimate)
                remaining += estimate - copied;
            else
                lowerBound = true; // past its estimate, or a table the estimates did not list: how much is left is unknown
        }
        if (remaining == 0)
            return null;
        var seconds = remaining / rate;
        if (seconds > LongestEta.TotalSeconds)
            return ">" + FormatEta(LongestEta);
        return (lowerBound ? ">" : "") + FormatEta(TimeSpan.FromSeconds(seconds));
    }

    private static string ShardKey(string keyspace, string shard) => keyspace + "/" + shard;

    /// <summary>A table name without its keyspace qualifier (<c>ks.t</c> is <c>t</c>; Vitess qualifies FIELD and ROW names).</summary>
    private static string BareName(string table, string keyspace) =>
        keyspace.Length > 0 && table.Length > keyspace.Length + 1 && table.StartsWith(keyspace, StringComparison.Ordinal) && table[keyspace.Length] == '.'
            ? table[(keyspace.Length + 1)..]
            : table;
}
