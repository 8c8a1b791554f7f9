using System.Diagnostics;
using System.Globalization;
using Binlogdata;

namespace VGate.Cli.Output;

/// <summary>
/// <c>vgate stream</c>'s progress line during a copy phase, on standard error when it is a terminal: tables done, rows
/// copied, rows per second. Redrawn in place (carriage return) at most twice a second; cleared when the copy completes.
/// </summary>
internal sealed class StreamProgress(TextWriter error)
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastDraw;
    private long _rows;
    private int _tablesDone;
    private bool _copying;
    private bool _drawn;

    public void Observe(VEvent vevent)
    {
        switch (vevent.Type)
        {
            case VEventType.Vgtid when vevent.Vgtid.ShardGtids.Any(s => s.TablePKs.Count > 0):
                _copying = true;
                break;
            case VEventType.Row when _copying:
                _rows += vevent.RowEvent.RowChanges.Count;
                break;
            case VEventType.CopyCompleted:
                // One per table (with its name), then one for the whole copy (without).
                if (vevent.Keyspace.Length > 0 || vevent.Shard.Length > 0)
                    _tablesDone++;
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
        if (_clock.Elapsed - _lastDraw < Period)
            return;
        _lastDraw = _clock.Elapsed;
        var rate = _rows / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        error.Write(string.Create(CultureInfo.InvariantCulture, $"\rcopy: {_tablesDone} tables done, {_rows:N0} rows, {rate:N0} rows/s   "));
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
}
