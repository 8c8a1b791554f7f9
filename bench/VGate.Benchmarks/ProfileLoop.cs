using System.Diagnostics;
using System.Globalization;
using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- profile [seconds|Nx] [parse|walk|text|decode|stream|encode|select|keyrange] [narrow|mixed|binlog path]</c>: runs one parse scenario in a
/// loop for a fixed time, for a sampling profiler (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>) to attach
/// to. Prints the passes and the row events/s of the loop; it is not a measurement harness (use <c>quick</c> or
/// BenchmarkDotNet for that).
/// </summary>
internal static class ProfileLoop
{
    public static void Run(string[] args)
    {
        // "12" runs for 12 seconds; "5x" runs two warm-up passes and then exactly 5 counted ones, whose CPU time gives the
        // MB/CPU-s figure (comparable between builds while the machine is shared; wall time is not).
        var fixedPasses = args.Length > 0 && args[0].EndsWith('x') ? int.Parse(args[0][..^1], CultureInfo.InvariantCulture) : 0;
        var seconds = fixedPasses == 0 && args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var binlog = RecordedBinlog.Load(args.Length > 2 ? args[2] : null);
        IEventWalker walker = (args.Length > 1 ? args[1] : "walk") switch
        {
            "walk" => new EventWalker(renderText: false),
            "text" => new EventWalker(renderText: true),
            "parse" => new ParseOnlyWalker(),
            "stream" => StreamerWalker.AllColumns(),
            "encode" => StreamerWalker.AllColumnsEncoded(),
            "decode" => new DecodeWalker(),
            "select" => StreamerWalker.SelectWhere(binlog.Workload),
            "keyrange" => StreamerWalker.KeyRange(binlog.Workload),
            var other => throw new ArgumentException($"Unknown scenario '{other}': use parse, walk, text, decode, stream, encode, select or keyrange."),
        };
        if (fixedPasses > 0)
        {
            // Two untimed passes first, so the counted ones run the final (tier-1) code.
            for (var warmUp = 0; warmUp < 2; warmUp++)
            {
                walker.Reset();
                var warmUpParser = new BinlogEventParser();
                for (var i = 0; i < binlog.Events.Length; i++)
                    walker.Walk(warmUpParser.Parse(binlog.Event(i)));
            }
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var pauseBefore = GC.GetTotalPauseDuration();
        int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var watch = Stopwatch.StartNew();
        var passes = 0;
        long rowEvents = 0;
        while (fixedPasses > 0 ? passes < fixedPasses : watch.Elapsed.TotalSeconds < seconds)
        {
            walker.Reset();
            var parser = new BinlogEventParser();
            for (var i = 0; i < binlog.Events.Length; i++)
                walker.Walk(parser.Parse(binlog.Event(i)));
            rowEvents += walker.RowsEvents;
            passes++;
        }

        var elapsed = watch.Elapsed;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{binlog.Workload}, {walker.Name}: {passes} passes, {rowEvents / elapsed.TotalSeconds:N0} row events/s, " +
            $"{binlog.Bytes.Length / 1e6 * passes / elapsed.TotalSeconds:F0} MB/s, {binlog.Bytes.Length / 1e6 * passes / cpu:F0} MB/CPU-s (checksum {walker.Checksum}); " +
            $"GC pauses {pause.TotalMilliseconds / passes:F1} ms per pass ({100 * pause / elapsed:F0}% of the time), " +
            $"collections per pass gen0 {(GC.CollectionCount(0) - collectionsBefore[0]) / (double)passes:F1}, " +
            $"gen1 {(GC.CollectionCount(1) - collectionsBefore[1]) / (double)passes:F1}, gen2 {(GC.CollectionCount(2) - collectionsBefore[2]) / (double)passes:F2}"));
    }
}
