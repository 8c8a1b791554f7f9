using System.Diagnostics;
using System.Globalization;
using Binlogdata;
using VGate.MySql.Protocol;
using VGate.VStreamer;

/// <summary>Times the copy phase of one shard: every table of the database, ROW events counted until COPY_COMPLETED.</summary>
internal static class CopyMode
{
    public static async Task<int> RunAsync(string uri, string database)
    {
        var streamer = new ShardStreamer(new ShardStreamerOptions
        {
            Keyspace = database,
            Shard = "0",
            Source = MySqlConnectionOptions.Parse(uri),
            Database = database,
            Position = "",
        });
        long rows = 0, bytes = 0, batches = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var watch = Stopwatch.StartNew();
        await foreach (var batch in streamer.StreamAsync(timeout.Token))
        {
            batches++;
            var done = false;
            foreach (var vevent in batch)
            {
                if (vevent.Type == VEventType.Row)
                {
                    rows++;
                    bytes += vevent.RowEvent.RowChanges[0].After.Values.Length;
                }
                else if (vevent.Type == VEventType.CopyCompleted)
                {
                    done = true;
                }
            }
            if (done)
                break;
        }
        watch.Stop();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"copy RESULT seconds={watch.Elapsed.TotalSeconds:F3} rows={rows} rows_per_s={rows / watch.Elapsed.TotalSeconds:F0} " +
            $"value_mb={bytes / 1e6:F1} batches={batches} cpu_s={process.TotalProcessorTime.TotalSeconds:F2} peak_ws_mb={process.PeakWorkingSet64 / 1e6:F1} " +
            $"gc_alloc_mb={GC.GetTotalAllocatedBytes() / 1e6:F1}"));
        return rows > 0 ? 0 : 1;
    }
}
